using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Tests.Connections;

public sealed class ConnectionServiceTests : IDisposable
{
    private readonly TempHome _temp = new();
    private readonly ServiceProvider _services;

    public ConnectionServiceTests()
    {
        var services = new ServiceCollection();
        services.AddEntradaCore(_temp.Home);
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _temp.Dispose();
    }

    private ConnectionService Connections => _services.GetRequiredService<ConnectionService>();

    private static ConnectionRequest Ldap(string name) => new() { Name = name, Method = "ldap", Uri = "ldaps://dc1.corp.example", BindDn = "svc@corp.example", Password = new Secret("pw") };

    private async Task<IReadOnlyList<AuditRecord>> AuditAsync() => await _services.GetRequiredService<AuditLog>().ListAsync(50, null, default);

    [Fact]
    public async Task AddUpdateRemove_EachWritesOneAuditRecord_WithTheCaller()
    {
        var api = new Caller(CallerInterface.Api, "key-1");
        await Connections.AddAsync(Ldap("Corp"), api, null, default);
        var updated = await Connections.UpdateAsync("corp", new ConnectionRequest { BaseDn = "DC=corp,DC=example" }, api, default);
        await Connections.RemoveAsync("CORP", api, default);

        updated.Changed.ShouldBe(["base DN"]);
        var audit = await AuditAsync();
        audit.Select(a => (a.Operation, a.Outcome)).ShouldBe([("connections.remove", AuditOutcome.Succeeded), ("connections.update", AuditOutcome.Succeeded), ("connections.add", AuditOutcome.Succeeded)]);
        audit.ShouldAllBe(a => a.Interface == CallerInterface.Api && a.Actor == "key-1" && a.Connection == "Corp");
        audit.Single(a => a.Operation == "connections.update").Details!["changed"]!.AsArray().Single()!.GetValue<string>().ShouldBe("base DN");
        (await Connections.FindAsync("Corp", default)).ShouldBeNull();
    }

    [Fact]
    public async Task ARename_IsRefused_AndTheRefusalIsAudited()
    {
        await Connections.AddAsync(Ldap("Corp"), Caller.Cli(), null, default);
        var ex = await Should.ThrowAsync<ConnectionNameImmutableException>(() => Connections.UpdateAsync("Corp", new ConnectionRequest { Name = "Other" }, Caller.Cli(), default));

        ex.Kind.ShouldBe(ErrorKind.InvalidInput);
        var refused = (await AuditAsync()).First();
        refused.Operation.ShouldBe("connections.update");
        refused.Outcome.ShouldBe(AuditOutcome.Failed);
        refused.Error.ShouldBe("Rename refused: a connection's name cannot change.");
        (await Connections.GetAsync("Corp", default)).Name.ShouldBe("Corp");
    }

    [Fact]
    public async Task AnAddThatFailsValidation_IsAudited_AndSavesNothing()
    {
        await Should.ThrowAsync<EntradaValidationException>(() => Connections.AddAsync(new ConnectionRequest { Name = "Broken", Method = "ldap" }, Caller.Cli(), null, default));

        var failed = (await AuditAsync()).ShouldHaveSingleItem();
        failed.Operation.ShouldBe("connections.add");
        failed.Outcome.ShouldBe(AuditOutcome.Failed);
        (await Connections.ListAsync(default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ATakenName_IsAConflict_ThatNamesTheExistingConnection()
    {
        await Connections.AddAsync(Ldap("Corp"), Caller.Cli(), null, default);
        var ex = await Should.ThrowAsync<ConnectionAlreadyExistsException>(() => Connections.AddAsync(Ldap("CORP"), Caller.Cli(), null, default));

        ex.Kind.ShouldBe(ErrorKind.Conflict);
        ex.Next.ShouldBe(new NextStep(NextStepKind.UpdateConnection, "Corp"));
        (await AuditAsync()).First().Outcome.ShouldBe(AuditOutcome.Failed);
    }

    [Fact]
    public async Task AnUpdateThatChangesNothing_IsRefusedWithWhatToGive()
    {
        await Connections.AddAsync(Ldap("Corp"), Caller.Cli(), null, default);
        var ex = await Should.ThrowAsync<EntradaValidationException>(() => Connections.UpdateAsync("Corp", new ConnectionRequest(), Caller.Cli(), default));
        ex.Message.ShouldContain("Nothing to update");
    }
}
