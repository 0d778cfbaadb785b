using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Entrada.Core;

namespace Entrada.Cli.Commands.Runners;

/// <summary>
/// How a runner reaches its server: TLS always verified — against the system's roots, or only
/// against the CA file given (<c>--ca-cert</c>), the host name checked either way — and through
/// the HTTP proxy that <c>HTTPS_PROXY</c> names, when set.
/// </summary>
internal sealed class RunnerTls
{
    private readonly X509Certificate2Collection? _roots;

    public RunnerTls(string? caFile)
    {
        CaFile = caFile;
        if (caFile is null)
        {
            return;
        }

        try
        {
            _roots = [];
            _roots.ImportFromPemFile(caFile);
            if (_roots.Count == 0)
            {
                throw new CryptographicException();
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new RunnerCommandException(ErrorKind.InvalidInput, $"The CA certificate file '{caFile}' given by --ca-cert cannot be read as PEM certificates.");
        }
    }

    public string? CaFile { get; }

    /// <summary>The proxy from HTTPS_PROXY (and NO_PROXY), or null when none is set.</summary>
    public static IWebProxy? Proxy =>
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HTTPS_PROXY") ?? Environment.GetEnvironmentVariable("https_proxy")) ? null : HttpClient.DefaultProxy;

    /// <summary>Applies the checks (and the proxy) to a handler.</summary>
    public HttpMessageHandler Configure(HttpMessageHandler handler)
    {
        if (handler is HttpClientHandler client)
        {
            if (_roots is not null)
            {
                client.ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => Validate(certificate, errors);
            }

            if (Proxy is { } proxy)
            {
                client.Proxy = proxy;
                client.UseProxy = true;
            }
        }
        else if (handler is SocketsHttpHandler sockets)
        {
            if (_roots is not null)
            {
                sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Validate(certificate as X509Certificate2, errors);
            }

            if (Proxy is { } proxy)
            {
                sockets.Proxy = proxy;
                sockets.UseProxy = true;
            }
        }

        return handler;
    }

    /// <summary>The callback for a WebSocket's TLS, or null for the system's own checks.</summary>
    public RemoteCertificateValidationCallback? WebSocketCallback =>
        _roots is null ? null : (_, certificate, _, errors) => Validate(certificate as X509Certificate2 ?? (certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData())), errors);

    public HttpClient CreateClient() => new(Configure(new HttpClientHandler()), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(30) };

    private bool Validate(X509Certificate2? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_roots!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
