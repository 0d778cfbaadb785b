using System.Text;
using Entrada.Core.Connections;
using Entrada.Core.Runners;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Tests.Runners;

/// <summary>
/// A connection of a runner group keeps its secret only on the runners: the server's database and
/// its key ring together do not yield it, because the server was never given it.
/// </summary>
public sealed class RunnerCredentialsAtRestTests : IDisposable
{
    private const string Plaintext = "Runner-Only-Pa55word-7f3c";
    private readonly TempHome _temp = new();
    private readonly ServiceProvider _services;

    public RunnerCredentialsAtRestTests()
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

    private static ConnectionRequest CorpAd(string? reference = "env:CORP_AD_PASSWORD", Secret? password = null) => new()
    {
        Name = "Corp AD",
        Method = "ldap",
        Uri = "ldaps://dc1.corp.example",
        BindDn = "svc@corp.example",
        RunnerGroup = "corp",
        SecretReference = reference,
        Password = password,
    };

    [Fact]
    public async Task TheServersDatabaseAndKeyRing_DoNotYieldTheSecret()
    {
        await Connections.AddAsync(CorpAd(), Caller.Cli(), null, default);

        // Everything the server has: the stored secrets (none) ...
        await using (var db = new SqliteConnection($"Data Source={_temp.Home.DatabasePath};Pooling=False"))
        {
            await db.OpenAsync();
            await using var select = db.CreateCommand();
            select.CommandText = "SELECT secrets FROM connections;";
            (await select.ExecuteScalarAsync()).ShouldBe(DBNull.Value, "a runner group's connection keeps no secret on the server");
        }

        // ... and every byte of ENTRADA_HOME (database, key ring, logs): the secret is in none of it.
        foreach (var file in Directory.EnumerateFiles(_temp.Path, "*", SearchOption.AllDirectories))
        {
            File.ReadAllText(file, Encoding.Latin1).ShouldNotContain(Plaintext);
        }

        var stored = await Connections.GetAsync("Corp AD", default);
        stored.Ldap!.Password.ShouldBeNull();
        stored.SecretReference.ShouldBe("env:CORP_AD_PASSWORD");
        ConnectionView.From(stored).Credential.ShouldBe("secret-reference");

        // Only a runner resolves it, from its own environment.
        Environment.SetEnvironmentVariable("CORP_AD_PASSWORD", Plaintext);
        try
        {
            var onRunner = RunnerConnection.From(stored).ToConnection(DateTimeOffset.UtcNow);
            onRunner.Ldap!.Password!.Reveal().ShouldBe(Plaintext);
            onRunner.RunnerGroup.ShouldBeNull("the runner runs it itself");
            RunnerConnection.From(stored).ToString().ShouldNotContain(Plaintext);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CORP_AD_PASSWORD", null);
        }
    }

    [Fact]
    public async Task ASecretGivenToTheServer_ForARunnerGroupsConnection_IsRefused()
    {
        var ex = await Should.ThrowAsync<EntradaValidationException>(() => Connections.AddAsync(CorpAd(reference: null, password: new Secret(Plaintext)), Caller.Cli(), null, default));
        ex.Message.ShouldContain("its secret is kept only on the runners");
        ex.Message.ShouldNotContain(Plaintext);

        var noReference = await Should.ThrowAsync<EntradaValidationException>(() => Connections.AddAsync(CorpAd(reference: null), Caller.Cli(), null, default));
        noReference.Errors.ShouldContain(e => e.Field == "secretReference");

        var bad = await Should.ThrowAsync<EntradaValidationException>(() => Connections.AddAsync(CorpAd(reference: "vault:corp"), Caller.Cli(), null, default));
        bad.Errors.ShouldContain(e => e.Field == "secretReference" && e.Message.Contains("env:NAME", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MovingAServerConnectionToARunnerGroup_DropsTheStoredSecret()
    {
        await Connections.AddAsync(new ConnectionRequest { Name = "Corp AD", Method = "ldap", Uri = "ldaps://dc1.corp.example", BindDn = "svc@corp.example", Password = new Secret(Plaintext) }, Caller.Cli(), null, default);
        (await Should.ThrowAsync<EntradaValidationException>(() => Connections.UpdateAsync("Corp AD", new ConnectionRequest { RunnerGroup = "corp" }, Caller.Cli(), default)))
            .Message.ShouldContain("secret reference");

        var moved = await Connections.UpdateAsync("Corp AD", new ConnectionRequest { RunnerGroup = "corp", SecretReference = "file:/etc/entrada/corp-ad" }, Caller.Cli(), default);
        moved.Connection.Ldap!.Password.ShouldBeNull();
        (await Connections.GetAsync("Corp AD", default)).RunnerGroup.ShouldBe("corp");
        await using var db = new SqliteConnection($"Data Source={_temp.Home.DatabasePath};Pooling=False");
        await db.OpenAsync();
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT secrets FROM connections;";
        (await select.ExecuteScalarAsync()).ShouldBe(DBNull.Value);
    }

    [Fact]
    public void AReference_TheRunnerCannotResolve_SaysWhatToSet()
    {
        var ex = Should.Throw<SecretReferenceException>(() => SecretReferences.Resolve("env:ENTRADA_TEST_SURELY_UNSET_42"));
        ex.Message.ShouldContain("ENTRADA_TEST_SURELY_UNSET_42");
        Should.Throw<SecretReferenceException>(() => SecretReferences.Resolve("file:/nonexistent/entrada/secret")).Message.ShouldContain("cannot read the file");
    }
}
