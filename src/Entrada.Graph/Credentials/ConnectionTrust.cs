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
            // The handshake builds the server's chain once, against exactly these roots (and still
            // checks the host name); no system-store build first and no callback to build it again.
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(LoadRoots(cloud.CaCertificatePem));
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
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
}
