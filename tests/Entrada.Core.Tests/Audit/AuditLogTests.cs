using Entrada.Core;
using System.Text.Json.Nodes;
using Entrada.Core.Audit;
using Entrada.Core.Storage;
using Entrada.Core.Tests.Support;

namespace Entrada.Core.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly TempHome _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Write_MasksSecretLookingFieldsAtAnyDepth()
    {
        var log = new AuditLog(new EntradaDatabase(_temp.Home), TimeProvider.System);
        await log.WriteAsync(
            new AuditRecord
            {
                At = DateTimeOffset.UtcNow,
                Caller = new Caller(CallerInterface.Cli, null),
                Operation = "run ldap.ad.reset-password",
                Connection = "AD",
                Outcome = AuditOutcome.Succeeded,
                Duration = TimeSpan.FromMilliseconds(12),
                Details = new JsonObject
                {
                    ["input"] = new JsonObject { ["dn"] = "CN=x", ["password"] = "P@ss-LEAK", ["nested"] = new JsonArray(new JsonObject { ["client_secret"] = "LEAK2" }) },
                },
            },
            default);

        var record = (await log.ListAsync(10, null, default)).ShouldHaveSingleItem();
        var json = record.Details!.ToJsonString();
        json.ShouldNotContain("LEAK");
        record.Details!["input"]!["password"]!.GetValue<string>().ShouldBe("***");
        record.Details!["input"]!["dn"]!.GetValue<string>().ShouldBe("CN=x");
        record.Duration.ShouldBe(TimeSpan.FromMilliseconds(12));
    }

    [Fact]
    public async Task List_IsNewestFirst_AndFiltersByConnectionIgnoringCase()
    {
        var log = new AuditLog(new EntradaDatabase(_temp.Home), TimeProvider.System);
        foreach (var (op, conn) in new[] { ("a", "One"), ("b", "Two"), ("c", "One") })
        {
            await log.WriteAsync(new AuditRecord { At = DateTimeOffset.UtcNow, Caller = new Caller(CallerInterface.Cli, null), Operation = op, Connection = conn, Outcome = AuditOutcome.Succeeded }, default);
        }

        (await log.ListAsync(10, null, default)).Select(r => r.Operation).ShouldBe(["c", "b", "a"]);
        (await log.ListAsync(10, "one", default)).Select(r => r.Operation).ShouldBe(["c", "a"]);
        (await log.ListAsync(1, null, default)).ShouldHaveSingleItem().Operation.ShouldBe("c");
    }
}
