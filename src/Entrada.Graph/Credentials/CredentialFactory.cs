using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Entrada.Core;
using AuthenticationFailedException = Entrada.Core.AuthenticationFailedException;
using Entrada.Core.Connections;

namespace Entrada.Graph.Credentials;

/// <summary>
/// Builds the Azure.Identity credential of an App Registration connection for its cloud: a
/// <see cref="ClientSecretCredential"/> or a <see cref="ClientCertificateCredential"/>, with the
/// cloud's authority host, instance discovery off for a custom cloud (it is not a Microsoft
/// authority and must not be looked up at login.microsoftonline.com), and the connection's own
/// HTTP handler (its TLS trust).
/// </summary>
internal static class CredentialFactory
{
    public static TokenCredential Create(Connection connection, HttpMessageHandler handler)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var app = connection.AppRegistration
            ?? throw new EntradaValidationException("method", $"Connection '{connection.Name}' is not an App Registration connection.");
        var cloud = connection.Cloud;
        if (cloud.AuthorityHost.Scheme != Uri.UriSchemeHttps)
        {
            throw new EntradaValidationException("authorityHost", $"The authority host of connection '{connection.Name}' must use https, not '{cloud.AuthorityHost.Scheme}'.");
        }

        var transport = new HttpClientTransport(new HttpClient(handler, disposeHandler: false));
        if (app.ClientSecret is { } secret)
        {
            var options = new ClientSecretCredentialOptions
            {
                AuthorityHost = cloud.AuthorityHost,
                DisableInstanceDiscovery = cloud.Kind == CloudKind.Custom,
                Transport = transport,
            };
            options.Retry.MaxRetries = 2;
            return new ClientSecretCredential(app.TenantId, app.ClientId, secret.Reveal(), options);
        }

        if (app.Certificate is { } certificate)
        {
            var options = new ClientCertificateCredentialOptions
            {
                AuthorityHost = cloud.AuthorityHost,
                DisableInstanceDiscovery = cloud.Kind == CloudKind.Custom,
                Transport = transport,
                SendCertificateChain = false,
            };
            options.Retry.MaxRetries = 2;
            return new ClientCertificateCredential(app.TenantId, app.ClientId, LoadCertificate(connection.Name, certificate), options);
        }

        throw new EntradaValidationException("credential", $"Connection '{connection.Name}' has neither a client secret nor a client certificate. Set one.") { Next = new NextStep(NextStepKind.UpdateConnection, connection.Name) };
    }

    /// <summary>Loads the certificate and its private key from the connection's PKCS#12 blob.</summary>
    public static X509Certificate2 LoadCertificate(string connectionName, ClientCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        try
        {
            var bytes = Convert.FromBase64String(certificate.Pkcs12.Reveal());
            var loaded = X509CertificateLoader.LoadPkcs12(bytes, password: null, X509KeyStorageFlags.EphemeralKeySet);
            if (!loaded.HasPrivateKey)
            {
                loaded.Dispose();
                throw new AuthenticationFailedException($"The client certificate of connection '{connectionName}' has no private key. Give the certificate with its key (PEM with the key, or PFX).", "certificate");
            }

            return loaded;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            // The exception's own text may describe key material; it is kept out of the message.
            throw new AuthenticationFailedException($"The client certificate of connection '{connectionName}' cannot be read. Set the certificate again.", "certificate") { Next = new NextStep(NextStepKind.UpdateConnection, connectionName) };
        }
    }
}
