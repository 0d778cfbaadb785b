using System.Text;
using Azure.Core;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Graph.Credentials;
using Entrada.Graph.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Graph.Tests.Credentials;

/// <summary>
/// An App Registration connection's token kept between processes: each test composes Entrada's
/// services twice or more over one ENTRADA_HOME, as successive <c>entrada run</c> processes do.
/// </summary>
public sealed class PersistedTokenTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "entrada-token-test-" + Guid.NewGuid().ToString("N"));

    private string TokenPath => $"/{fixture.Server.TenantId}/oauth2/v2.0/token";

    public void Dispose()
    {
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task ASecondProcess_UsesTheTokenTheFirstKept_AndAsksTheIdentityPlatformForNone()
    {
        var before = fixture.Requests.Count(TokenPath);
        await using (var first = Process())
        {
            await first.Store.AddAsync(fixture.SecretConnection("persisted"), default);
            await first.RunAsync("persisted");
        }

        (fixture.Requests.Count(TokenPath) - before).ShouldBe(1);

        await using (var second = Process())
        {
            await second.RunAsync("persisted");
        }

        (fixture.Requests.Count(TokenPath) - before).ShouldBe(1);
    }

    [Fact]
    public async Task AKeptToken_IsUsedUntilFiveMinutesBeforeItExpires_ThenANewOneIsFetched()
    {
        var before = fixture.Requests.Count(TokenPath);
        await using (var first = Process())
        {
            await first.Store.AddAsync(fixture.SecretConnection("expiring"), default);
            await first.RunAsync("expiring");
        }

        // The emulator's tokens live an hour: at 50 minutes the kept one is still good, at 56 it is not.
        await using (var at50 = Process(new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(50))))
        {
            await at50.RunAsync("expiring");
        }

        (fixture.Requests.Count(TokenPath) - before).ShouldBe(1);

        await using (var at56 = Process(new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(56))))
        {
            await at56.RunAsync("expiring");
        }

        (fixture.Requests.Count(TokenPath) - before).ShouldBe(2);
    }

    [Fact]
    public async Task AfterTheConnectionsSecretIsUpdated_TheKeptTokenIsNotUsed()
    {
        var newSecret = "rotated-" + Guid.NewGuid().ToString("N");
        using (var added = await fixture.ControlAsync(HttpMethod.Post, $"apps/{fixture.Demo.ClientId}/secrets", new { value = newSecret }))
        {
            added.EnsureSuccessStatusCode();
        }

        var before = fixture.Requests.Count(TokenPath);
        await using (var first = Process())
        {
            await first.Store.AddAsync(fixture.SecretConnection("rotated"), default);
            await first.RunAsync("rotated");
            await first.Services.GetRequiredService<ConnectionService>().UpdateAsync("rotated", new ConnectionRequest { ClientSecret = new Secret(newSecret) }, Caller.Cli(), default);
        }

        await using (var second = Process())
        {
            await second.RunAsync("rotated");
        }

        (fixture.Requests.Count(TokenPath) - before).ShouldBe(2);
    }

    [Theory]
    [InlineData("tenant")]
    [InlineData("client")]
    [InlineData("secret")]
    [InlineData("authority")]
    [InlineData("scope")]
    public void TheFingerprint_ChangesWithWhatTheTokenWasIssuedFor(string change)
    {
        var connection = fixture.SecretConnection("fingerprint");
        var context = new TokenRequestContext([connection.Cloud.DefaultScope]);
        var app = connection.AppRegistration!;
        var (changed, changedContext) = change switch
        {
            "tenant" => (connection with { AppRegistration = app with { TenantId = "other.onmicrosoft.com" } }, context),
            "client" => (connection with { AppRegistration = app with { ClientId = Guid.NewGuid().ToString() } }, context),
            "secret" => (connection with { AppRegistration = app with { ClientSecret = new Secret("another secret") } }, context),
            "authority" => (connection with { Cloud = connection.Cloud with { AuthorityHost = new Uri("https://login.example.test/") } }, context),
            _ => (connection, new TokenRequestContext(["https://other.example.test/.default"])),
        };

        PersistedAppToken.Fingerprint(connection, context).ShouldBe(PersistedAppToken.Fingerprint(fixture.SecretConnection("fingerprint"), context));
        PersistedAppToken.Fingerprint(changed, changedContext).ShouldNotBe(PersistedAppToken.Fingerprint(connection, context));
    }

    [Fact]
    public async Task AKeptTokenGraphRefuses_IsForgotten_AndTheNextProcessFetchesANewOne()
    {
        var connection = fixture.SecretConnection("refused");
        var context = new TokenRequestContext([connection.Cloud.DefaultScope]);
        var fingerprint = PersistedAppToken.Fingerprint(connection, context);
        await using (var first = Process())
        {
            await first.Store.AddAsync(connection, default);
            await first.RunAsync("refused");

            // The kept token with its signature spoiled: Graph refuses it.
            var kept = (await first.Tokens.FindAsync("refused", fingerprint, default)).ShouldNotBeNull();
            var parts = kept.AccessToken.Reveal().Split('.');
            var spoiled = parts[0] + "." + parts[1] + "." + new string(parts[2].Reverse().ToArray());
            await first.Tokens.SaveAsync("refused", fingerprint, kept with { AccessToken = new Secret(spoiled) }, default);
        }

        var before = fixture.Requests.Count(TokenPath);
        await using (var second = Process())
        {
            var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => second.RunAsync("refused"));
            failure.Message.ShouldContain("401");
            (await second.Tokens.FindAsync("refused", fingerprint, default)).ShouldBeNull();
        }

        (fixture.Requests.Count(TokenPath) - before).ShouldBe(0);

        await using (var third = Process())
        {
            await third.RunAsync("refused");
        }

        (fixture.Requests.Count(TokenPath) - before).ShouldBe(1);
    }

    [Fact]
    public async Task TheDatabase_HoldsTheKeptTokenOnlyEncrypted()
    {
        var connection = fixture.SecretConnection("encrypted");
        await using var process = Process();
        await process.Store.AddAsync(connection, default);
        await process.RunAsync("encrypted");

        var kept = await process.Tokens.FindAsync("encrypted", PersistedAppToken.Fingerprint(connection, new TokenRequestContext([connection.Cloud.DefaultScope])), default);
        var token = kept.ShouldNotBeNull().AccessToken.Reveal();
        token.Length.ShouldBeGreaterThan(100);
        var needle = Encoding.UTF8.GetBytes(token[^40..]);
        var files = Directory.EnumerateFiles(_home, "entrada.db*").ToList();
        files.ShouldNotBeEmpty();
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            copy.ToArray().AsSpan().IndexOf(needle).ShouldBe(-1, file);
        }
    }

    private EntradaProcess Process(TimeProvider? time = null) => new(_home, time);

    /// <summary>Entrada's services as one <c>entrada run</c> process composes them.</summary>
    private sealed class EntradaProcess : IAsyncDisposable
    {
        public EntradaProcess(string home, TimeProvider? time)
        {
            var services = new ServiceCollection();
            if (time is not null)
            {
                services.AddSingleton(time);
            }

            services.AddLogging();
            services.AddEntradaCore(new EntradaHome(home));
            services.AddEntradaGraph();
            Services = services.BuildServiceProvider();
        }

        public ServiceProvider Services { get; }

        public ConnectionStore Store => Services.GetRequiredService<ConnectionStore>();

        public TokenStore Tokens => Services.GetRequiredService<TokenStore>();

        public async Task RunAsync(string connection)
        {
            await Services.GetRequiredService<ActionRunner>().RunAsync(
                new ActionRunRequest("users.list", connection, new System.Text.Json.Nodes.JsonObject { ["max"] = 2 }) { Caller = Caller.Cli() },
                (_, _) => ValueTask.CompletedTask,
                CancellationToken.None);
        }

        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }
}
