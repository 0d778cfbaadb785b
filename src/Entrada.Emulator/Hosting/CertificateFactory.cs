using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Entrada.Emulator.Hosting;

/// <summary>The CA and the server certificate the emulator serves HTTPS with.</summary>
internal sealed class ServerCertificates(X509Certificate2 ca, X509Certificate2 server) : IDisposable
{
    public X509Certificate2 Ca { get; } = ca;

    public X509Certificate2 Server { get; } = server;

    public string CaPem => Ca.ExportCertificatePem();

    public void Dispose()
    {
        Server.Dispose();
        Ca.Dispose();
    }
}

internal static class CertificateFactory
{
    public static ServerCertificates Create(EmulatorOptions options, TimeProvider time)
    {
        if (options.CertificatePath is null)
        {
            using var generatedCa = CreateCa(time);
            // Round-trip through PKCS#12 so the keys are usable by SslStream on every platform.
            var ca = Reload(generatedCa);
            return new ServerCertificates(ca, IssueServer(ca, time));
        }

        var loaded = Load(options.CertificatePath, options.CertificateKeyPath);
        var first = loaded[0];
        if (IsCa(first) && first.HasPrivateKey)
        {
            return new ServerCertificates(first, IssueServer(first, time));
        }

        if (!first.HasPrivateKey)
        {
            throw new InvalidOperationException($"The certificate '{options.CertificatePath}' has no private key; pass it in the file or with CertificateKeyPath.");
        }

        var caCert = loaded.Count > 1 ? loaded[^1] : X509CertificateLoader.LoadCertificate(first.RawData);
        return new ServerCertificates(caCert, first);
    }

    private static bool IsCa(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(e => e.CertificateAuthority);

    private static List<X509Certificate2> Load(string path, string? keyPath)
    {
        var text = File.ReadAllText(path);
        if (!text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return [X509CertificateLoader.LoadPkcs12FromFile(path, password: null, X509KeyStorageFlags.Exportable)];
        }

        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(text);
        var certificates = collection.Cast<X509Certificate2>().ToList();
        var keyPem = keyPath is null ? text : File.ReadAllText(keyPath);
        if (keyPem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            using var withKey = X509Certificate2.CreateFromPem(certificates[0].ExportCertificatePem(), keyPem);
            certificates[0] = Reload(withKey);
        }

        return certificates;
    }

    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable);

    private static X509Certificate2 CreateCa(TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(
            $"CN=Entrada Emulator CA {RandomNumberGenerator.GetHexString(8, lowercase: true)}, O=Entrada Emulator",
            key,
            HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        return request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
    }

    private static X509Certificate2 IssueServer(X509Certificate2 ca, TimeProvider time)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // A loaded CA may lack a subject key identifier; then name it by issuer and serial number.
        var hasKeyId = ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any();
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: hasKeyId, includeIssuerAndSerial: !hasKeyId));
        var now = time.GetUtcNow();
        var notAfter = now.AddDays(397) < ca.NotAfter ? now.AddDays(397) : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, now.AddHours(-1), notAfter, serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }
}
