using System.Security.Cryptography;
using Entrada.Core;
using Entrada.Core.Secrets;
using Entrada.Core.Tests.Support;

namespace Entrada.Core.Tests.Secrets;

public sealed class KeyRingProtectionTests : IDisposable
{
    private readonly TempHome _temp = new();
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "entrada-kek-" + Guid.NewGuid().ToString("N"));

    public KeyRingProtectionTests() => Directory.CreateDirectory(_outside);

    public void Dispose()
    {
        _temp.Dispose();
        Directory.Delete(_outside, recursive: true);
    }

    private static Dictionary<string, Secret> OneSecret => new() { ["clientSecret"] = new("s3cret-value") };

    private string KeyRingXml() => string.Concat(Directory.GetFiles(_temp.Home.KeysPath, "*.xml").Select(File.ReadAllText));

    [Fact]
    public void WithAKeyEncryptionKey_TheKeyRingOnDiskHoldsNoMasterKeyInClear_AndSecretsRoundTrip()
    {
        var protection = KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var payload = new SecretProtector(_temp.Home, protection).Protect("p", OneSecret);

        var xml = KeyRingXml();
        xml.ShouldNotBeEmpty();
        xml.ShouldNotContain("<masterKey");
        xml.ShouldContain("entradaEncryptedKey");
        new SecretProtector(_temp.Home, protection).Unprotect("p", payload)["clientSecret"].Reveal().ShouldBe("s3cret-value");
    }

    [Fact]
    public void WithoutProtection_TheKeyRingHoldsTheMasterKeyInClear()
    {
        // The contrast of the test above: it shows that test looks at the right thing.
        new SecretProtector(_temp.Home, KeyRingProtection.None).Protect("p", OneSecret);
        KeyRingXml().ShouldContain("<masterKey");
    }

    [Fact]
    public void WithoutTheKeyEncryptionKey_StoredSecretsCannotBeRead_AndTheErrorSaysWhichVariableToSet()
    {
        var payload = new SecretProtector(_temp.Home, KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32))).Protect("p", OneSecret);

        var ex = Should.Throw<KeyRingProtectionException>(() => new SecretProtector(_temp.Home, KeyRingProtection.None).Unprotect("p", payload));
        ex.Kind.ShouldBe(ErrorKind.Configuration);
        ex.Message.ShouldContain(KeyRingProtection.KeyVariable);
        ex.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void WithoutTheKeyEncryptionKey_NoNewUnprotectedKeyIsMadeBesideTheProtectedOnes()
    {
        new SecretProtector(_temp.Home, KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32))).Protect("p", OneSecret);
        var before = Directory.GetFiles(_temp.Home.KeysPath, "*.xml").Length;

        Should.Throw<KeyRingProtectionException>(() => new SecretProtector(_temp.Home, KeyRingProtection.None).Protect("p", OneSecret));
        Directory.GetFiles(_temp.Home.KeysPath, "*.xml").Length.ShouldBe(before);
    }

    [Fact]
    public void WithAnotherKeyEncryptionKey_StoredSecretsCannotBeRead_AndTheErrorSaysSo()
    {
        var payload = new SecretProtector(_temp.Home, KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32))).Protect("p", OneSecret);

        var ex = Should.Throw<KeyRingProtectionException>(() => new SecretProtector(_temp.Home, KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32))).Unprotect("p", payload));
        ex.Message.ShouldContain("another key-encryption key");
    }

    [Fact]
    public void KeysWrittenUnprotected_StayReadable_OnceAKeyEncryptionKeyIsConfigured()
    {
        var payload = new SecretProtector(_temp.Home, KeyRingProtection.None).Protect("p", OneSecret);

        var protection = KeyRingProtection.WithKeyEncryptionKey(RandomNumberGenerator.GetBytes(32));
        new SecretProtector(_temp.Home, protection).Unprotect("p", payload)["clientSecret"].Reveal().ShouldBe("s3cret-value");
    }

    [Fact]
    public void TheKeyEncryptionKey_IsReadFromTheVariable_OrFromAFileOutsideTheHome()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var file = Path.Combine(_outside, "kek");
        File.WriteAllText(file, Convert.ToBase64String(key) + "\n");

        var fromVariable = KeyRingProtection.FromVariables(_temp.Home, name => name == KeyRingProtection.KeyVariable ? Convert.ToBase64String(key) : null);
        var fromFile = KeyRingProtection.FromVariables(_temp.Home, name => name == KeyRingProtection.KeyFileVariable ? file : null);

        var payload = new SecretProtector(_temp.Home, fromVariable).Protect("p", OneSecret);
        fromFile.IsConfigured.ShouldBeTrue();
        new SecretProtector(_temp.Home, fromFile).Unprotect("p", payload)["clientSecret"].Reveal().ShouldBe("s3cret-value");
    }

    [Fact]
    public void NoVariable_MeansNoProtection()
    {
        KeyRingProtection.FromVariables(_temp.Home, _ => null).IsConfigured.ShouldBeFalse();
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("c2hvcnQ=")]
    public void AnUnusableKeyEncryptionKey_IsAConfigurationErrorThatSaysWhatItMustBe(string value)
    {
        var ex = Should.Throw<KeyRingProtectionException>(() => KeyRingProtection.FromVariables(_temp.Home, name => name == KeyRingProtection.KeyVariable ? value : null));
        ex.Kind.ShouldBe(ErrorKind.Configuration);
        ex.Message.ShouldContain("32 bytes");
    }

    [Fact]
    public void AKeyFileInsideTheHome_IsRefused()
    {
        _temp.Home.EnsureCreated();
        var file = Path.Combine(_temp.Home.Path, "kek");
        File.WriteAllText(file, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        var ex = Should.Throw<KeyRingProtectionException>(() => KeyRingProtection.FromVariables(_temp.Home, name => name == KeyRingProtection.KeyFileVariable ? file : null));
        ex.Message.ShouldContain("inside ENTRADA_HOME");
    }

    [Fact]
    public void WithACertificate_TheKeyRingOnDiskHoldsNoMasterKeyInClear_AndSecretsRoundTrip()
    {
        using var certificate = TestCertificates.Create("CN=entrada-key-ring");
        var pfx = Path.Combine(_outside, "keyring.pfx");
        File.WriteAllBytes(pfx, TestCertificates.Pfx(certificate, "pfx-password"));
        var protection = KeyRingProtection.FromVariables(_temp.Home, name => name switch
        {
            KeyRingProtection.CertificateVariable => pfx,
            KeyRingProtection.CertificatePasswordVariable => "pfx-password",
            _ => null,
        });

        var payload = new SecretProtector(_temp.Home, protection).Protect("p", OneSecret);

        KeyRingXml().ShouldNotContain("<masterKey");
        new SecretProtector(_temp.Home, protection).Unprotect("p", payload)["clientSecret"].Reveal().ShouldBe("s3cret-value");
        Should.Throw<KeyRingProtectionException>(() => new SecretProtector(_temp.Home, KeyRingProtection.None).Unprotect("p", payload))
            .Message.ShouldContain(KeyRingProtection.CertificateVariable);
    }

    [Fact]
    public void ACertificateWithTheWrongPassword_IsAConfigurationErrorNamingThePasswordVariable()
    {
        using var certificate = TestCertificates.Create("CN=entrada-key-ring");
        var pfx = Path.Combine(_outside, "keyring.pfx");
        File.WriteAllBytes(pfx, TestCertificates.Pfx(certificate, "pfx-password"));

        var ex = Should.Throw<KeyRingProtectionException>(() => KeyRingProtection.FromVariables(_temp.Home, name => name switch
        {
            KeyRingProtection.CertificateVariable => pfx,
            KeyRingProtection.CertificatePasswordVariable => "wrong",
            _ => null,
        }));
        ex.Message.ShouldContain(KeyRingProtection.CertificatePasswordVariable);
    }
}
