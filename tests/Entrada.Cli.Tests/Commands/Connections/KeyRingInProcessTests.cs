using System.Security.Cryptography;
using Entrada.Cli.Tests.Support;
using Entrada.Core.Secrets;

namespace Entrada.Cli.Tests.Commands.Connections;

/// <summary>
/// The key ring at rest, seen from the command line: the warning about an unprotected key ring
/// (once, on standard error, only from the commands that store secrets or serve them) and the
/// error when a protected key ring is used without its key.
/// </summary>
public sealed class KeyRingInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task ConnectionsAdd_WithAnUnprotectedKeyRing_WarnsOnceOnStandardError_ThatACopyOfTheHomeDecryptsTheSecrets()
    {
        _entrada.KeyRing = KeyRingProtection.None;

        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant", null, "--test"), tenant.Demo.ClientSecret);

        add.ExitCode.ShouldBe(0, add.ToString());
        Occurrences(add.Stderr, "a copy of ENTRADA_HOME is enough to decrypt").ShouldBe(1, add.ToString());
        add.Stdout.ShouldNotContain("ENTRADA_HOME");
        add.Stderr.Split('\n').Single(l => l.Contains("ENTRADA_HOME", StringComparison.Ordinal)).ShouldStartWith("warning:");
    }

    [Fact]
    public async Task ConnectionsAdd_WithAProtectedKeyRing_DoesNotWarn_AndOtherCommandsNeverWarn()
    {
        _entrada.KeyRing = KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32));

        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
        var list = await _entrada.RunAsync("connections", "list");
        _entrada.KeyRing = KeyRingProtection.None;
        var listUnprotected = await _entrada.RunAsync("audit", "list");

        add.ExitCode.ShouldBe(0, add.ToString());
        add.Stderr.ShouldNotContain("ENTRADA_HOME");
        list.All.ShouldNotContain("a copy of ENTRADA_HOME");
        listUnprotected.All.ShouldNotContain("a copy of ENTRADA_HOME");
    }

    [Fact]
    public async Task ASecretStoredWithAKeyEncryptionKey_CannotBeUsedWithoutIt_AndTheErrorIsOneLineOfKindConfiguration()
    {
        _entrada.KeyRing = KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        (await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);
        foreach (var file in Directory.GetFiles(_entrada.Home.KeysPath, "*.xml"))
        {
            File.ReadAllText(file).ShouldNotContain("<masterKey");
        }

        _entrada.KeyRing = KeyRingProtection.None;
        var test = await _entrada.RunAsync("connections", "test", "Tenant");

        test.ExitCode.ShouldBe(2, test.ToString());
        test.Stdout.ShouldBeEmpty();
        test.Stderr.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldContain(KeyRingProtection.KeyVariable);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Serve_WarnsOnceAboutAnUnprotectedKeyRing_AndNotWhenItIsProtected(bool protectedRing)
    {
        _entrada.KeyRing = protectedRing ? KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32)) : KeyRingProtection.None;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));

        var serve = await _entrada.RunAsync(["serve", "--urls", "http://127.0.0.1:0"], stdin: null, cancellationToken: stop.Token);

        serve.Stdout.ShouldContain("Entrada is serving on", customMessage: serve.ToString());
        Occurrences(serve.Stderr, "a copy of ENTRADA_HOME is enough to decrypt").ShouldBe(protectedRing ? 0 : 1, serve.ToString());
    }
}

