using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Entrada.Core;
using Entrada.Core.Connections;

namespace Entrada.Graph.Credentials;

/// <summary>
/// The TLS trust of one connection. Microsoft's clouds use the system's trust store; a custom
/// cloud with a CA certificate trusts exactly that CA (a custom-root-trust chain), for that
/// connection's handler only — never a process-wide "trust all".
/// </summary>
internal static class ConnectionTrust
{
    /// <summary>Creates the handler every request of the connection (token and Graph) goes through.</summary>
    public static SocketsHttpHandler CreateHandler(CloudSettings cloud)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AllowAutoRedirect = false, // Graph's redirect middleware follows redirects, keeping the auth rules.
        };
        if (cloud.Kind == CloudKind.Custom && !string.IsNullOrWhiteSpace(cloud.CaCertificatePem))
        {
            var roots = LoadRoots(cloud.CaCertificatePem);
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(roots, certificate, errors),
            };
        }

        return handler;
    }

    /// <summary>Reads the CA certificates of a PEM text.</summary>
    public static X509Certificate2Collection LoadRoots(string pem)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new AuthenticationFailedException("The connection's CA certificate is not a valid PEM certificate. Give the CA's certificate file (-----BEGIN CERTIFICATE----- …) with --ca-cert.", "ca-certificate", ex);
        }

        if (roots.Count == 0)
        {
            throw new AuthenticationFailedException("The connection's CA certificate holds no certificate. Give the CA's certificate file (-----BEGIN CERTIFICATE----- …) with --ca-cert.", "ca-certificate");
        }

        return roots;
    }

    /// <summary>Whether a server certificate chains to one of <paramref name="roots"/> and names the host.</summary>
    public static bool Validate(X509Certificate2Collection roots, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var leaf = certificate as X509Certificate2;
        using var loaded = leaf is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        return chain.Build(leaf ?? loaded!);
    }
}
