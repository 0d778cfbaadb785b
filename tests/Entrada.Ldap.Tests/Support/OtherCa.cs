using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Entrada.Ldap.Tests.Support;

/// <summary>A CA that issued nothing the test servers use: trusting only it must fail.</summary>
internal static class OtherCa
{
    private static readonly Lazy<string> LazyPem = new(() =>
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Some Other CA, O=Nobody", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return certificate.ExportCertificatePem();
    });

    public static string Pem => LazyPem.Value;
}
