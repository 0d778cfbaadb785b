using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Entrada.Ldap.Sessions;

/// <summary>
/// A private temporary directory (mode 0700) holding a connection's CA certificates under their
/// OpenSSL subject-hash names (<c>&lt;hash&gt;.0</c>), plus all of them in one <c>ca.pem</c>, for
/// libldap's <c>TLS_CACERTDIR</c> and <c>TLS_CACERT</c>. OpenSSL looks certificates up in the
/// directory lazily, during the handshake, so it lives as long as the session and is deleted with it.
/// </summary>
internal sealed class TrustedCaDirectory : IDisposable
{
    private TrustedCaDirectory(string path, string bundlePath, IReadOnlyList<X509Certificate2> certificates)
    {
        Path = path;
        BundlePath = bundlePath;
        Certificates = certificates;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>All the CA certificates in one PEM file inside <see cref="Path"/>.</summary>
    public string BundlePath { get; }

    /// <summary>The CA certificates.</summary>
    public IReadOnlyList<X509Certificate2> Certificates { get; }

    /// <summary>Parses the PEM (one or more certificates) and writes the directory.</summary>
    /// <exception cref="ArgumentException">The PEM holds no certificate.</exception>
    public static TrustedCaDirectory Create(string caCertificatesPem)
    {
        var certificates = ParsePem(caCertificatesPem);
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "entrada-ldap-ca-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, mode);
        }

        try
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var certificate in certificates)
            {
                var hash = OpenSslSubjectHash.Compute(certificate.SubjectName).ToString("x8", CultureInfo.InvariantCulture);
                var suffix = 0;
                while (!used.Add($"{hash}.{suffix}"))
                {
                    suffix++;
                }

                File.WriteAllText(System.IO.Path.Combine(path, $"{hash}.{suffix}"), certificate.ExportCertificatePem() + "\n");
            }

            var bundle = System.IO.Path.Combine(path, "ca.pem");
            File.WriteAllText(bundle, string.Join('\n', certificates.Select(c => c.ExportCertificatePem())) + "\n");
            return new TrustedCaDirectory(path, bundle, certificates);
        }
        catch
        {
            Directory.Delete(path, recursive: true);
            throw;
        }
    }

    /// <summary>The certificates in a PEM text.</summary>
    /// <exception cref="ArgumentException">The PEM holds no certificate.</exception>
    public static IReadOnlyList<X509Certificate2> ParsePem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException("The CA certificate is not a readable PEM certificate: give the file that starts with '-----BEGIN CERTIFICATE-----'.", nameof(pem), ex);
        }

        if (collection.Count == 0)
        {
            throw new ArgumentException("The CA certificate PEM holds no certificate: give the file that starts with '-----BEGIN CERTIFICATE-----'.", nameof(pem));
        }

        return [.. collection];
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover public certificate in the temp directory harms nobody.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
