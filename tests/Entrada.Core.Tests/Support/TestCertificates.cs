using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Entrada.Core.Tests.Support;

/// <summary>Self-signed certificates made on the fly for credential tests.</summary>
public static class TestCertificates
{
    public static X509Certificate2 Create(string subject = "CN=entrada-test")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable | X509KeyStorageFlags.EphemeralKeySet);
    }

    public static byte[] PemWithKey(X509Certificate2 cert) =>
        System.Text.Encoding.UTF8.GetBytes(cert.ExportCertificatePem() + "\n" + cert.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

    public static byte[] PemWithoutKey(X509Certificate2 cert) => System.Text.Encoding.UTF8.GetBytes(cert.ExportCertificatePem());

    public static byte[] Pfx(X509Certificate2 cert, string? password) => cert.Export(X509ContentType.Pkcs12, password);
}
