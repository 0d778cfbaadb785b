using System.Text;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Runners;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Core.Tests.Runners;

public sealed class RunnerServiceTests : IDisposable
{
    private readonly TempHome _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;

    public RunnerServiceTests()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddEntradaCore(_temp.Home);
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _temp.Dispose();
    }

    private RunnerService Runners => _services.GetRequiredService<RunnerService>();

    private static RunnerRegistration Registration(RunnerToken token, string group, out System.Security.Cryptography.ECDsa key)
    {
        key = RunnerCredentials.NewKey();
        return new RunnerRegistration(token.Token, group, "dc-runner", RunnerCredentials.PublicKeyOf(key), "1.0");
    }

    [Fact]
    public async Task AToken_RegistersOneRunner_AndIsRefusedWhenUsedAgain()
    {
        var token = await Runners.CreateTokenAsync("corp", Caller.Cli(), default);
        token.ExpiresAt.ShouldBe(_time.GetUtcNow().AddHours(1));

        var runner = await Runners.RegisterAsync(Registration(token, "corp", out var key), "10.0.0.5", default);
        runner.Group.ShouldBe("corp");

        var again = await Should.ThrowAsync<RunnerTokenRefusedException>(() => Runners.RegisterAsync(Registration(token, "corp", out _), null, default));
        again.Use.ShouldBe(TokenUse.Used);
        again.Kind.ShouldBe(ErrorKind.Authentication);
        (await Runners.ListAsync(default)).Count.ShouldBe(1);
        key.Dispose();
    }

    [Fact]
    public async Task AnExpiredToken_OrOneOfAnotherGroup_IsRefused()
    {
        var token = await Runners.CreateTokenAsync("corp", Caller.Cli(), default);
        (await Should.ThrowAsync<RunnerTokenRefusedException>(() => Runners.RegisterAsync(Registration(token, "paris", out _), null, default))).Use.ShouldBe(TokenUse.OtherGroup);

        _time.Advance(TimeSpan.FromMinutes(61));
        (await Should.ThrowAsync<RunnerTokenRefusedException>(() => Runners.RegisterAsync(Registration(token, "corp", out _), null, default))).Use.ShouldBe(TokenUse.Expired);
        (await Should.ThrowAsync<RunnerTokenRefusedException>(() => Runners.RegisterAsync(Registration(new RunnerToken(new Secret("entrada_rt_nope"), "corp", default), "corp", out _), null, default))).Use.ShouldBe(TokenUse.Unknown);
        (await Runners.ListAsync(default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task TheTokenIsStoredOnlyAsAHash()
    {
        var token = await Runners.CreateTokenAsync("corp", Caller.Cli(), default);
        await using var db = await _services.GetRequiredService<EntradaDatabase>().OpenAsync(default);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT hash FROM runner_tokens;";
        var stored = (string)(await select.ExecuteScalarAsync())!;
        stored.ShouldNotContain(token.Token.Reveal());
        File.ReadAllText(_temp.Home.DatabasePath, Encoding.Latin1).ShouldNotContain(token.Token.Reveal());
    }

    [Fact]
    public async Task ARunnersProof_IsAcceptedOnlyWhenSignedByItsKey_Recent_AndNotRevoked()
    {
        var runner = await Runners.RegisterAsync(Registration(await Runners.CreateTokenAsync("corp", Caller.Cli(), default), "corp", out var key), null, default);
        using var other = RunnerCredentials.NewKey();

        (await Runners.AuthenticateAsync(RunnerCredentials.CreateProof(runner.Id, key, _time.GetUtcNow()), default))!.Id.ShouldBe(runner.Id);
        (await Runners.AuthenticateAsync(RunnerCredentials.CreateProof(runner.Id, other, _time.GetUtcNow()), default)).ShouldBeNull("signed by another key");
        (await Runners.AuthenticateAsync(RunnerCredentials.CreateProof(runner.Id, key, _time.GetUtcNow().AddMinutes(-5)), default)).ShouldBeNull("too old");
        var proof = RunnerCredentials.CreateProof(runner.Id, key, _time.GetUtcNow());
        (await Runners.AuthenticateAsync(proof[..^4] + "AAAA", default)).ShouldBeNull("tampered");
        (await Runners.AuthenticateAsync("entrada_abc_def", default)).ShouldBeNull("an API key is not a proof");

        await Runners.RevokeAsync(runner.Id, Caller.Cli(), default);
        (await Runners.AuthenticateAsync(RunnerCredentials.CreateProof(runner.Id, key, _time.GetUtcNow()), default)).ShouldBeNull("revoked");
        (await Runners.ListAsync(default)).Single().Status.ShouldBe("revoked");
        var audit = await _services.GetRequiredService<AuditLog>().ListAsync(20, null, default);
        audit.Select(a => a.Operation).ShouldBe(["runners.revoke", "runners.register", "runners.token-create"]);
        key.Dispose();
    }

    [Fact]
    public async Task ARunnerOfAnotherProtocol_IsRefusedWithAClearMessage()
    {
        var runner = await Runners.RegisterAsync(Registration(await Runners.CreateTokenAsync("corp", Caller.Cli(), default), "corp", out var key), null, default);
        var dispatcher = _services.GetRequiredService<RunnerDispatcher>();
        var aborted = false;

        var welcome = await dispatcher.HelloAsync("c1", runner, new RunnerHello(RunnerProtocol.Version + 1, "9.9.9"), "10.0.0.9", () => aborted = true);

        welcome.Accepted.ShouldBeFalse();
        welcome.Message.ShouldBe($"Runner 'dc-runner' ({runner.Id}) speaks runner protocol {RunnerProtocol.Version + 1} (Entrada 9.9.9), but this server speaks protocol {RunnerProtocol.Version}: install the same Entrada version on the runner as on the server.");
        dispatcher.Connected().ShouldBeEmpty();
        aborted.ShouldBeFalse("the hub closes the connection once the answer is out");
        (await _services.GetRequiredService<AuditLog>().ListAsync(1, null, default)).Single().Operation.ShouldBe("runners.refused");

        (await dispatcher.HelloAsync("c2", runner, new RunnerHello(RunnerProtocol.Version, "1.0"), "10.0.0.9", () => aborted = true)).Accepted.ShouldBeTrue();
        dispatcher.Connected().Single().RunnerId.ShouldBe(runner.Id);
        key.Dispose();
    }

    [Fact]
    public async Task ADatabaseAtVersion8_MovesToTheCurrentVersion_KeepingItsConnections_AndThenKeepsRunners()
    {
        var temp = new TempHome();
        try
        {
            temp.Home.EnsureCreated();
            await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={temp.Home.DatabasePath};Pooling=False"))
            {
                await db.OpenAsync();
                await using var cmd = db.CreateCommand();
                cmd.CommandText = string.Join('\n', EntradaDatabase.Migrations.Take(8)) + """

                    INSERT INTO connections (name_key, name, method, settings, secrets, created_at, updated_at)
                    VALUES ('CORP AD', 'Corp AD', 'ldap', '{"uri":"ldaps://dc1.corp.example/"}', NULL, '2026-11-01T00:00:00.0000000+00:00', '2026-11-01T00:00:00.0000000+00:00');
                    PRAGMA user_version = 8;
                    """;
                await cmd.ExecuteNonQueryAsync();
            }

            var services = new ServiceCollection();
            services.AddEntradaCore(temp.Home);
            await using var provider = services.BuildServiceProvider();
            var connection = await provider.GetRequiredService<ConnectionStore>().GetAsync("Corp AD", default);
            connection.RunnerGroup.ShouldBeNull("a connection from before runners is run by the server");
            (await provider.GetRequiredService<EntradaDatabase>().GetSchemaVersionAsync(default)).ShouldBe(EntradaDatabase.CurrentSchemaVersion);
            var runners = provider.GetRequiredService<RunnerService>();
            var runner = await runners.RegisterAsync(Registration(await runners.CreateTokenAsync("corp", Caller.Cli(), default), "corp", out var key), null, default);
            (await runners.ListAsync(default)).Single().Id.ShouldBe(runner.Id);
            key.Dispose();
        }
        finally
        {
            temp.Dispose();
        }
    }

    [Theory]
    [InlineData("Corp")]
    [InlineData("")]
    [InlineData("-corp")]
    [InlineData("corp group")]
    public async Task AGroupName_IsChecked(string group)
    {
        var ex = await Should.ThrowAsync<EntradaValidationException>(() => Runners.CreateTokenAsync(group, Caller.Cli(), default));
        ex.Errors.Single().Field.ShouldBe("group");
        ex.Message.ShouldContain("lower-case letters");
    }
}
