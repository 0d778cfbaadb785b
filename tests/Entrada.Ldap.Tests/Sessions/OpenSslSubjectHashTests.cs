using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Entrada.Ldap.Sessions;
using Entrada.Ldap.Tests.Support;

namespace Entrada.Ldap.Tests.Sessions;

public sealed class OpenSslSubjectHashTests
{
    [Theory]
    [InlineData("CN=Entrada Test CA, O=Entrada tests")]
    [InlineData("CN=  Mixed   CASE  Name , OU=Ünïcödé Unit, O=Example, C=DE")]
    [InlineData("CN=a, CN=b, DC=example, DC=com")]
    public void Compute_AgreesWithOpenSsl(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest(subject, key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        OpenSslSubjectHash.Compute(certificate.SubjectName).ToString("x8", CultureInfo.InvariantCulture)
            .ShouldBe(OpenSslHash(certificate.ExportCertificatePem()));
    }

    [Fact]
    public void Compute_AgreesWithOpenSsl_ForTheTestServersCa()
    {
        var pem = TestServers.SambaCaPem;
        using var certificate = X509Certificate2.CreateFromPem(pem);

        OpenSslSubjectHash.Compute(certificate.SubjectName).ToString("x8", CultureInfo.InvariantCulture).ShouldBe(OpenSslHash(pem));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void TrustedCaDirectory_HoldsTheCaUnderItsHashName_AndIsPrivate()
    {
        using var directory = TrustedCaDirectory.Create(TestServers.SambaCaPem);

        File.Exists(Path.Combine(directory.Path, OpenSslHash(TestServers.SambaCaPem) + ".0")).ShouldBeTrue();
        File.GetUnixFileMode(directory.Path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static string OpenSslHash(string pem)
    {
        var start = new ProcessStartInfo("openssl", "x509 -noout -subject_hash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(pem);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }
}
