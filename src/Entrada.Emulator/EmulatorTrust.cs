using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Entrada.Emulator;

/// <summary>
/// HTTP handlers that trust exactly one CA (the emulator's) and nothing else: the chain of the
/// server certificate must end at that CA, and the name must match. Never "trust all".
/// </summary>
public static class EmulatorTrust
{
    /// <summary>Creates a <see cref="SocketsHttpHandler"/> whose server-certificate validation trusts only <paramref name="caCertificate"/>.</summary>
    /// <param name="caCertificate">The CA to trust, e.g. <see cref="EmulatorServer.CaCertificate"/>.</param>
    /// <returns>A new handler; the caller owns it.</returns>
    public static SocketsHttpHandler CreateSocketsHandler(X509Certificate2 caCertificate)
    {
        ArgumentNullException.ThrowIfNull(caCertificate);
        return new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(caCertificate, certificate, errors),
            },
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
    }

    /// <summary>
    /// Checks a server certificate against exactly <paramref name="caCertificate"/>: usable directly as a
    /// <see cref="RemoteCertificateValidationCallback"/> body.
    /// </summary>
    /// <param name="caCertificate">The only trusted root.</param>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="errors">The platform's verdict; only a chain error is re-examined, a name mismatch is final.</param>
    /// <returns>Whether the certificate chains to the CA and names the host.</returns>
    public static bool Validate(X509Certificate2 caCertificate, X509Certificate? certificate, SslPolicyErrors errors)
    {
        ArgumentNullException.ThrowIfNull(caCertificate);
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(caCertificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        var leaf = certificate as X509Certificate2;
        using var created = leaf is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        return chain.Build(leaf ?? created!);
    }
}
