using System.Formats.Asn1;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Entrada.Ldap.Sessions;

/// <summary>What the server's certificate is and whether it passes the checks the session makes.</summary>
/// <param name="Subject">The certificate's subject.</param>
/// <param name="Issuer">Its issuer.</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="Names">The names it holds: subject alternative names (<c>DNS:…</c>, <c>IP:…</c>), or its CN when it has none.</param>
/// <param name="Thumbprint">SHA-256 thumbprint.</param>
/// <param name="Trusted">Whether it chains to a trusted CA (the connection's CA, or the system store).</param>
/// <param name="TrustProblem">Why it is not trusted, when it is not.</param>
/// <param name="NameMatches">Whether it names the host the connection uses.</param>
/// <param name="Protocol">The TLS version negotiated.</param>
public sealed record TlsCertificateReport(
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    IReadOnlyList<string> Names,
    string Thumbprint,
    bool Trusted,
    string? TrustProblem,
    bool NameMatches,
    string Protocol);

/// <summary>
/// Looks at the server's certificate with .NET's own TLS stack, to say precisely why libldap
/// refused a handshake (libldap reports only "server unavailable") and to show the certificate in
/// a connection test. It never sends credentials: for StartTLS it sends only the StartTLS request.
/// </summary>
internal static class TlsProbe
{
    private const string StartTlsOid = "1.3.6.1.4.1.1466.20037";

    public static async Task<TlsCertificateReport?> InspectAsync(
        LdapSessionSettings settings, IReadOnlyList<X509Certificate2>? trustedCas, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var host = settings.Uri.IdnHost;
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, settings.Port, timeout.Token);
            var network = client.GetStream();
            if (!settings.IsLdaps && !await StartTlsAsync(network, timeout.Token))
            {
                return null;
            }

            X509Certificate2? certificate = null;
            X509Certificate2Collection extra = [];
            using var ssl = new SslStream(network, leaveInnerStreamOpen: false, (_, cert, chain, _) =>
            {
                if (cert is not null)
                {
                    certificate = new X509Certificate2(cert);
                }

                if (chain is not null)
                {
                    foreach (var element in chain.ChainElements)
                    {
                        extra.Add(new X509Certificate2(element.Certificate));
                    }
                }

                return true; // judged below, against the same trust the session uses
            });
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, timeout.Token);
            if (certificate is null)
            {
                return null;
            }

            var (trusted, problem) = Verify(certificate, extra, trustedCas, time.GetUtcNow());
            return new TlsCertificateReport(
                certificate.Subject,
                certificate.Issuer,
                certificate.NotBefore.ToUniversalTime(),
                certificate.NotAfter.ToUniversalTime(),
                NamesOf(certificate),
                certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256),
                trusted,
                problem,
                certificate.MatchesHostname(host, allowWildcards: true, allowCommonName: true),
                ProtocolName(ssl.SslProtocol));
        }
        catch (Exception ex) when (ex is SocketException or IOException or AuthenticationException or OperationCanceledException or AsnContentException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }

    private static (bool Trusted, string? Problem) Verify(X509Certificate2 certificate, X509Certificate2Collection extra, IReadOnlyList<X509Certificate2>? trustedCas, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ExtraStore.AddRange(extra);
        if (trustedCas is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(trustedCas.ToArray());
        }

        if (chain.Build(certificate))
        {
            return (true, null);
        }

        var statuses = chain.ChainStatus.Select(s => s.Status).ToHashSet();
        var source = trustedCas is null ? "the system's certificate store" : "the CA certificate given for this connection";
        if (statuses.Contains(X509ChainStatusFlags.NotTimeValid))
        {
            return (false, certificate.NotAfter < now ? $"it expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}"
                : certificate.NotBefore > now ? $"it is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd}"
                : "a certificate in its chain is outside its validity period");
        }

        return (false, $"it is issued by '{certificate.Issuer}', which {source} does not trust");
    }

    private static List<string> NamesOf(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames().Select(n => "DNS:" + n));
                names.AddRange(san.EnumerateIPAddresses().Select(a => "IP:" + a));
            }
        }

        if (names.Count == 0)
        {
            var cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            if (!string.IsNullOrEmpty(cn))
            {
                names.Add("CN:" + cn);
            }
        }

        return names;
    }

    private static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls12 => "TLS 1.2",
        SslProtocols.Tls13 => "TLS 1.3",
#pragma warning disable SYSLIB0039 // naming an old protocol is not using it
        SslProtocols.Tls11 => "TLS 1.1",
        SslProtocols.Tls => "TLS 1.0",
#pragma warning restore SYSLIB0039
        _ => protocol.ToString(),
    };

    // Sends the StartTLS extended request (RFC 4511 4.14) and reads its response; true when the server agreed.
    private static async Task<bool> StartTlsAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var writer = new AsnWriter(AsnEncodingRules.BER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            using (writer.PushSequence(new Asn1Tag(TagClass.Application, 23, isConstructed: true)))
            {
                writer.WriteOctetString(Encoding.ASCII.GetBytes(StartTlsOid), new Asn1Tag(TagClass.ContextSpecific, 0));
            }
        }

        await stream.WriteAsync(writer.Encode(), cancellationToken);
        var message = await ReadElementAsync(stream, cancellationToken);
        var reader = new AsnReader(message, AsnEncodingRules.BER).ReadSequence();
        reader.ReadInteger();
        var response = reader.ReadSequence(new Asn1Tag(TagClass.Application, 24, isConstructed: true));
        var resultCode = response.ReadEnumeratedBytes();
        return resultCode.Length == 1 && resultCode.Span[0] == 0;
    }

    private static async Task<byte[]> ReadElementAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var header = new byte[2];
        await stream.ReadExactlyAsync(header, cancellationToken);
        var length = header[1];
        byte[] lengthBytes = [];
        int contentLength;
        if ((length & 0x80) == 0)
        {
            contentLength = length;
        }
        else
        {
            var count = length & 0x7f;
            if (count is 0 or > 3)
            {
                throw new AsnContentException("Unexpected length in the StartTLS response.");
            }

            lengthBytes = new byte[count];
            await stream.ReadExactlyAsync(lengthBytes, cancellationToken);
            contentLength = lengthBytes.Aggregate(0, (acc, b) => (acc << 8) | b);
        }

        var content = new byte[contentLength];
        await stream.ReadExactlyAsync(content, cancellationToken);
        return [.. header, .. lengthBytes, .. content];
    }
}
