using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Tests.Connections;

/// <summary>A stored secret follows its destination: every field that decides where it is sent, for every method.</summary>
public sealed class SecretDestinationTests : IDisposable
{
    private const string Ca = """
        -----BEGIN CERTIFICATE-----
        MIIBszCCAVmgAwIBAgIUQ8v6b0Ue6E2iHi0d2aJb3l4mPZ0wCgYIKoZIzj0EAwIw
        -----END CERTIFICATE-----
        """;

    private readonly TempHome _temp = new();
    private readonly ServiceProvider _services;

    public SecretDestinationTests()
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

    private static ConnectionRequest CustomApp() => new()
    {
        Name = "App",
        Method = "app-registration",
        Cloud = "custom",
        TenantId = "contoso.onmicrosoft.com",
        ClientId = "11111111-2222-3333-4444-555555555555",
        ClientSecret = new Secret("the-old-secret"),
        AuthorityHost = "https://login.example.test",
        GraphEndpoint = "https://graph.example.test/v1.0",
    };

    private static ConnectionRequest Ldap() => new()
    {
        Name = "Dir",
        Method = "ldap",
        Uri = "ldaps://dc1.corp.example",
        BindDn = "svc@corp.example",
        Password = new Secret("the-old-password"),
    };

    public static TheoryData<string, ConnectionRequest> GraphMoves => new()
    {
        { "authority host", new ConnectionRequest { AuthorityHost = "https://attacker.example.test" } },
        { "Graph endpoint", new ConnectionRequest { GraphEndpoint = "https://graph.example.test:8443/v1.0" } },
        { "tenant", new ConnectionRequest { TenantId = "fabrikam.onmicrosoft.com" } },
        { "client", new ConnectionRequest { ClientId = "99999999-2222-3333-4444-555555555555" } },
        { "cloud", new ConnectionRequest { Cloud = "global", AuthorityHost = null } },
    };

    public static TheoryData<string, ConnectionRequest> LdapMoves => new()
    {
        { "URI", new ConnectionRequest { Uri = "ldaps://other.corp.example" } },
        { "StartTLS", new ConnectionRequest { Uri = "ldap://dc1.corp.example", StartTls = true } },
        { "plain bind", new ConnectionRequest { Uri = "ldap://dc1.corp.example", AllowPlainBind = true } },
        { "bind DN", new ConnectionRequest { BindDn = "other@corp.example" } },
        { "skip verification", new ConnectionRequest { InsecureSkipVerify = true } },
    };

    [Theory]
    [MemberData(nameof(GraphMoves))]
    public async Task MovingAnAppRegistration_DropsItsClientSecret_AndSaysSo(string field, ConnectionRequest move)
    {
        await Connections.AddAsync(CustomApp(), Caller.Cli(), null, default);
        var request = field == "cloud" ? new ConnectionRequest { Cloud = "global" } : move;
        var result = field == "cloud"
            ? await UpdateToGlobalAsync()
            : await Connections.UpdateAsync("App", request, Caller.Cli(), default);

        result.ClearedSecrets.ShouldBe(["client secret"], field);
        result.ClearedMessage.ShouldNotBeNull().ShouldContain("Set it again");
        (await Connections.GetAsync("App", default)).AppRegistration!.ClientSecret.ShouldBeNull();
        ConnectionView.From(result.Connection).Credential.ShouldBe(ConnectionCredentials.None);
    }

    [Theory]
    [MemberData(nameof(LdapMoves))]
    public async Task MovingAnLdapConnection_DropsItsPassword(string field, ConnectionRequest move)
    {
        await Connections.AddAsync(Ldap(), Caller.Cli(), null, default);
        var result = await Connections.UpdateAsync("Dir", move, Caller.Cli(), default);

        result.ClearedSecrets.ShouldBe(["password"], field);
        var saved = (await Connections.GetAsync("Dir", default)).Ldap!;
        saved.Password.ShouldBeNull();
        saved.IsAnonymous.ShouldBeFalse("the bind identity stays; only its password is gone");
    }

    [Fact]
    public async Task AMoveThatGivesTheSecretAgain_KeepsTheNewOne()
    {
        await Connections.AddAsync(Ldap(), Caller.Cli(), null, default);
        var result = await Connections.UpdateAsync("Dir", new ConnectionRequest { Uri = "ldaps://other.corp.example", Password = new Secret("the-new-password") }, Caller.Cli(), default);

        result.ClearedSecrets.ShouldBeEmpty();
        (await Connections.GetAsync("Dir", default)).Ldap!.Password!.Reveal().ShouldBe("the-new-password");
    }

    [Fact]
    public async Task AChangeThatDoesNotMoveTheSecret_KeepsIt()
    {
        await Connections.AddAsync(Ldap(), Caller.Cli(), null, default);
        var before = await Connections.GetAsync("Dir", default);
        var probe = ConnectionFactory.Update(before, new ConnectionRequest { BaseDn = "DC=corp,DC=example", ProtocolVersion = 3 }, DateTimeOffset.UnixEpoch);
        SecretDestination.Of(probe).ShouldBe(SecretDestination.Of(before));
        var result = await Connections.UpdateAsync("Dir", new ConnectionRequest { BaseDn = "DC=corp,DC=example", ProtocolVersion = 3 }, Caller.Cli(), default);

        result.ClearedSecrets.ShouldBeEmpty();
        (await Connections.GetAsync("Dir", default)).Ldap!.Password!.Reveal().ShouldBe("the-old-password");
    }

    [Fact]
    public async Task MovingAnOAuthConnection_DropsItsSignIn()
    {
        var request = new ConnectionRequest { Name = "Me", Method = "oauth", TenantId = "contoso.onmicrosoft.com", ClientId = "11111111-2222-3333-4444-555555555555" };
        await Connections.AddAsync(request, Caller.Cli(), new AddConnectionOptions
        {
            BeforeSave = (c, _) => Task.FromResult(c with { OAuth = c.OAuth! with { TokenCache = new Secret("refresh-token"), SignedInUser = "ada@contoso.onmicrosoft.com" } }),
        }, default);

        var result = await Connections.UpdateAsync("Me", new ConnectionRequest { Cloud = "usgov" }, Caller.Cli(), default);

        result.ClearedSecrets.ShouldBe(["sign-in"]);
        var saved = (await Connections.GetAsync("Me", default)).OAuth!;
        saved.TokenCache.ShouldBeNull();
        saved.SignedInUser.ShouldBeNull();
    }

    [Fact]
    public async Task TheAuditRecordOfAMove_NamesWhatWasRemoved_NeverItsValue()
    {
        await Connections.AddAsync(Ldap(), Caller.Cli(), null, default);
        await Connections.UpdateAsync("Dir", new ConnectionRequest { Uri = "ldaps://other.corp.example" }, Caller.Cli(), default);

        var update = (await _services.GetRequiredService<Entrada.Core.Audit.AuditLog>().ListAsync(10, "Dir", default)).First();
        update.Details!["removedOnDestinationChange"]!.AsArray().Single()!.GetValue<string>().ShouldBe("password");
        update.Details.ToJsonString().ShouldNotContain("the-old-password");
    }

    private Task<UpdateConnectionResult> UpdateToGlobalAsync() =>
        Connections.UpdateAsync("App", new ConnectionRequest { Cloud = "global" }, Caller.Cli(), default);
}
