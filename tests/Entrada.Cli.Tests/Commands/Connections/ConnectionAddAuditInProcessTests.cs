using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Commands.Connections;

/// <summary>A <c>connections add</c> that fails is audited, whichever way it fails, and shows in <c>audit list</c>.</summary>
public sealed class ConnectionAddAuditInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private async Task<JsonElement> SingleAuditRecordAsync()
    {
        var audit = await _entrada.RunAsync("audit", "list", "-o", "json");
        audit.ExitCode.ShouldBe(0, audit.ToString());
        return JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray()
            .Where(r => r.GetProperty("operation").GetString() == "connections.add")
            .ShouldHaveSingleItem(audit.Stdout);
    }

    [Fact]
    public async Task ConnectionsAdd_ThatFailsValidation_IsAuditedAsAFailedAddWithTheReason()
    {
        var add = await _entrada.RunAsync(["connections", "add", "Broken", "--method", "app-registration", "--tenant-id", "not a tenant", "--client-id", "not-a-guid", "--client-secret-stdin"], "some-secret");

        add.ExitCode.ShouldBe(2, add.ToString());
        var record = await SingleAuditRecordAsync();
        record.GetProperty("operation").GetString().ShouldBe("connections.add");
        record.GetProperty("outcome").GetString().ShouldBe("failed");
        record.GetProperty("interface").GetString().ShouldBe("cli");
        record.GetProperty("connection").GetString().ShouldBe("Broken");
        record.GetProperty("error").GetString().ShouldNotBeNullOrWhiteSpace();
        record.ToString().ShouldNotContain("some-secret");
    }

    [Fact]
    public async Task ConnectionsAdd_WithTest_ThatCannotAuthenticate_IsAuditedAsAFailedAdd_AndNothingIsSaved()
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Wrong", null, "--test"), "not-the-secret");

        add.ExitCode.ShouldBe(3, add.ToString());
        var record = await SingleAuditRecordAsync();
        record.GetProperty("operation").GetString().ShouldBe("connections.add");
        record.GetProperty("outcome").GetString().ShouldBe("failed");
        record.GetProperty("connection").GetString().ShouldBe("Wrong");
        record.GetProperty("error").GetString().ShouldNotBeNullOrWhiteSpace();
        record.ToString().ShouldNotContain("not-the-secret");
        (await _entrada.RunAsync("connections", "list", "-o", "json")).Stdout.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task ConnectionsAdd_OfANameAlreadyTaken_IsAuditedAsAFailedAdd()
    {
        (await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);

        var again = await _entrada.RunAsync(tenant.AddArgs("tenant"), tenant.Demo.ClientSecret);

        again.ExitCode.ShouldNotBe(0, again.ToString());
        var audit = await _entrada.RunAsync("audit", "list", "-o", "json");
        var outcomes = JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray().Where(r => r.GetProperty("operation").GetString() == "connections.add").Select(r => (r.GetProperty("operation").GetString(), r.GetProperty("outcome").GetString())).ToList();
        outcomes.ShouldBe([("connections.add", "failed"), ("connections.add", "succeeded")]);
    }

    [Fact]
    public async Task ConnectionsAdd_RefusedByTheCommandLineBeforeTheServiceSeesIt_IsAuditedToo()
    {
        var add = await _entrada.RunAsync(["connections", "add", "NoCa", "--method", "ldap", "--uri", "ldaps://dc.example:636", "--anonymous", "--ca-cert", "/nonexistent/ca.pem"], stdin: null);

        add.ExitCode.ShouldBe(2, add.ToString());
        add.Stderr.ShouldContain("/nonexistent/ca.pem");
        var record = await SingleAuditRecordAsync();
        record.GetProperty("operation").GetString().ShouldBe("connections.add");
        record.GetProperty("outcome").GetString().ShouldBe("failed");
        record.GetProperty("connection").GetString().ShouldBe("NoCa");
        record.GetProperty("error").GetString()!.ShouldContain("/nonexistent/ca.pem");
    }
}
