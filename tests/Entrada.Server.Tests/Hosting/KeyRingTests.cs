using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Emulator;
using Entrada.Server.Hosting;

namespace Entrada.Server.Tests.Hosting;

/// <summary>The server's cookies and the secrets at rest share one key ring, protected alike.</summary>
public sealed class KeyRingTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "entrada-server-keyring-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    private ServerSettings Settings(KeyRingProtection keyRing) => new()
    {
        Home = new EntradaHome(_home),
        Urls = "http://127.0.0.1:0",
        Demo = true,
        DemoOptions = new EmulatorOptions { Port = 0, Throttle = ThrottleMode.Off },
        KeyRing = keyRing,
    };

    [Fact]
    public async Task WithAKeyEncryptionKey_TheServersKeyRingHoldsNoKeyInClear_AndWithoutTheKeyTheServerDoesNotStart()
    {
        var keyRing = KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        await using (var server = await EntradaServer.StartAsync(Settings(keyRing), CancellationToken.None))
        {
            using var client = new HttpClient { BaseAddress = server.Url };
            // The sign-in form carries an antiforgery token: the server's own use of the key ring.
            (await client.GetAsync("/sign-in")).EnsureSuccessStatusCode();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.CreatedApiKey!.Reveal());
            var connections = JsonNode.Parse(await client.GetStringAsync("/api/v1/connections"))!.AsArray();
            connections.Single()!["lastTest"]!["outcome"]!.GetValue<string>().ShouldBe("ready");
        }

        var keyFiles = Directory.GetFiles(Path.Combine(_home, "keys"), "*.xml");
        keyFiles.ShouldNotBeEmpty();
        keyFiles.ShouldAllBe(f => !File.ReadAllText(f).Contains("<masterKey", StringComparison.Ordinal));

        var refused = await Should.ThrowAsync<KeyRingProtectionException>(() => EntradaServer.StartAsync(Settings(KeyRingProtection.None), CancellationToken.None));
        refused.Kind.ShouldBe(ErrorKind.Configuration);
        refused.Message.ShouldContain(KeyRingProtection.KeyVariable);
    }
}
