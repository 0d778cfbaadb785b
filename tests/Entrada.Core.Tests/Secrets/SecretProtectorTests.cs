using Entrada.Core;
using Entrada.Core.Secrets;
using Entrada.Core.Tests.Support;

namespace Entrada.Core.Tests.Secrets;

public sealed class SecretProtectorTests : IDisposable
{
    private readonly TempHome _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ASecret_PrintsAsStars()
    {
        var secret = new Secret("hunter2");
        secret.ToString().ShouldBe("***");
        $"{secret}".ShouldBe("***");
        System.Text.Json.JsonSerializer.Serialize(new { secret }).ShouldNotContain("hunter2");
    }

    [Fact]
    public void Protect_ThenUnprotect_RoundTrips_AndThePayloadHidesTheValue()
    {
        var protector = new SecretProtector(_temp.Home);
        var payload = protector.Protect("p", new Dictionary<string, Secret> { ["a"] = new("value-one") });
        payload.ShouldNotContain("value-one");
        new SecretProtector(_temp.Home).Unprotect("p", payload)["a"].Reveal().ShouldBe("value-one");
    }

    [Fact]
    public void Unprotect_WithAnotherPurpose_Fails()
    {
        var protector = new SecretProtector(_temp.Home);
        var payload = protector.Protect("purpose-a", new Dictionary<string, Secret> { ["a"] = new("x") });
        Should.Throw<SecretsUnreadableException>(() => protector.Unprotect("purpose-b", payload)).Message.ShouldContain("cannot be decrypted");
    }

    [Fact]
    public void LoadKeyRing_OnAHomeWithoutKeys_MakesNoKey()
    {
        new SecretProtector(_temp.Home).LoadKeyRing();
        Directory.GetFiles(_temp.Home.KeysPath).ShouldBeEmpty();
    }

    [Fact]
    public void LoadKeyRing_ThenUnprotect_ReadsWhatWasProtected_WithTheSameKeys()
    {
        var payload = new SecretProtector(_temp.Home).Protect("p", new Dictionary<string, Secret> { ["a"] = new("value-one") });
        var keys = Directory.GetFiles(_temp.Home.KeysPath).Order().ToList();
        var protector = new SecretProtector(_temp.Home);
        protector.LoadKeyRing();
        protector.Unprotect("p", payload)["a"].Reveal().ShouldBe("value-one");
        Directory.GetFiles(_temp.Home.KeysPath).Order().ShouldBe(keys);
    }

    [Fact]
    public void LoadKeyRing_OfARingThisProtectionCannotRead_ThrowsAsUnprotectWould()
    {
        new SecretProtector(_temp.Home, KeyRingProtection.WithKeyEncryptionKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))).Protect("p", new Dictionary<string, Secret> { ["a"] = new("x") });
        Should.Throw<KeyRingProtectionException>(() => new SecretProtector(_temp.Home, KeyRingProtection.None).LoadKeyRing());
    }

    [Fact]
    public void TheKeyRing_IsReadableByItsOwnerOnly()
    {
        new SecretProtector(_temp.Home).Protect("p", new Dictionary<string, Secret> { ["a"] = new("x") });
        var files = Directory.GetFiles(_temp.Home.KeysPath);
        files.ShouldNotBeEmpty();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(_temp.Home.KeysPath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            foreach (var file in files)
            {
                File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, file);
            }
        }
    }

    [Fact]
    public void ALostKeyRing_GivesAMessageThatSaysWhatToDo()
    {
        var payload = new SecretProtector(_temp.Home).Protect("p", new Dictionary<string, Secret> { ["a"] = new("x") });
        Directory.Delete(_temp.Home.KeysPath, recursive: true);
        var ex = Should.Throw<SecretsUnreadableException>(() => new SecretProtector(_temp.Home).Unprotect("p", payload));
        ex.Message.ShouldContain("set the connection's secret again");
        ex.Next.ShouldBe(new NextStep(NextStepKind.UpdateConnection));
        ex.Kind.ShouldBe(ErrorKind.Configuration);
    }
}
