using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Connections;

/// <summary>
/// Creates connections with recognisable secrets through every way in, then looks for those
/// secrets everywhere Entrada writes: command output (table and JSON), the audit log, the log
/// files and the database — as plain text, UTF-16 and base64.
/// </summary>
public sealed class SecretDisclosureTests : IDisposable
{
    private const string ClientSecret = "CLIENT~SECRET~a8f3Kq";
    private const string LdapPassword = "LDAP~PASSWORD~77xz";
    private const string PfxPassword = "PFX~PASSWORD~91mm";
    private readonly EntradaProcess _entrada = new();
    private readonly List<CliResult> _outputs = [];

    public void Dispose() => _entrada.Dispose();

    private async Task<CliResult> Run(string? stdin, params string[] args)
    {
        var result = await _entrada.RunWithInputAsync(stdin, [.. args, "--debug"]);
        _outputs.Add(result);
        return result;
    }

    [Fact]
    public async Task NoSecret_AppearsInOutputLogsAuditOrDatabase()
    {
        _entrada.Environment["PFX_PW"] = PfxPassword;
        _entrada.Environment["LDAP_PW"] = LdapPassword;
        var pfxPath = Path.Combine(Path.GetTempPath(), $"entrada-{Guid.NewGuid():N}.pfx");
        using (var key = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=entrada-disclosure", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllBytesAsync(pfxPath, cert.Export(X509ContentType.Pkcs12, PfxPassword));
        }

        try
        {
            (await Run(ClientSecret, "connections", "add", "Secret app", "--method", "app-registration", "--tenant-id", "contoso.onmicrosoft.com", "--client-id", "11111111-2222-3333-4444-555555555555", "--client-secret-stdin")).ExitCode.ShouldBe(0);
            (await Run(null, "connections", "add", "Cert app", "--method", "app-registration", "--tenant-id", "contoso.onmicrosoft.com", "--client-id", "11111111-2222-3333-4444-555555555555", "--certificate", pfxPath, "--certificate-password-env", "PFX_PW")).ExitCode.ShouldBe(0);
            (await Run(null, "connections", "add", "Directory", "--method", "ldap", "--uri", "ldaps://dc1.corp.example", "--bind-dn", "svc@corp.example", "--password-env", "LDAP_PW")).ExitCode.ShouldBe(0);
            (await Run(ClientSecret + "-2", "connections", "update", "Secret app", "--client-secret-stdin")).ExitCode.ShouldBe(0);
            foreach (var format in new[] { "table", "json" })
            {
                (await Run(null, "connections", "list", "-o", format)).ExitCode.ShouldBe(0);
                foreach (var name in new[] { "Secret app", "Cert app", "Directory" })
                {
                    (await Run(null, "connections", "show", name, "-o", format)).ExitCode.ShouldBe(0);
                }

                (await Run(null, "audit", "list", "-o", format)).ExitCode.ShouldBe(0);
            }

            // A failing command with a secret in play must not echo it either.
            (await Run(ClientSecret, "connections", "add", "Secret app", "--method", "app-registration", "--tenant-id", "bad tenant", "--client-id", "x", "--client-secret-stdin")).ExitCode.ShouldBe(2);

            var everything = new List<(string Where, byte[] Bytes)>();
            everything.AddRange(_outputs.Select((o, i) => ($"output of command {i}", Encoding.UTF8.GetBytes(o.All))));
            foreach (var file in Directory.EnumerateFiles(_entrada.Home, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/keys/", StringComparison.Ordinal)))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory);
                everything.Add((file, memory.ToArray()));
            }

            everything.ShouldContain(e => e.Where.EndsWith("entrada.db", StringComparison.Ordinal));
            everything.ShouldContain(e => e.Where.Contains("/logs/", StringComparison.Ordinal));
            foreach (var secret in new[] { ClientSecret, LdapPassword, PfxPassword })
            {
                foreach (var (where, bytes) in everything)
                {
                    var form = SecretScan.Find(bytes, secret);
                    form.ShouldBeNull($"the secret '{secret}' appears ({form}) in {where}");
                }
            }
        }
        finally
        {
            File.Delete(pfxPath);
        }
    }
}

/// <summary>Looks for a secret in bytes: as UTF-8, UTF-16, and base64 of either.</summary>
public static class SecretScan
{
    public static string? Find(byte[] haystack, string secret)
    {
        foreach (var (form, needle) in Forms(secret))
        {
            if (haystack.AsSpan().IndexOf(needle) >= 0)
            {
                return form;
            }
        }

        return null;
    }

    private static IEnumerable<(string Form, byte[] Needle)> Forms(string secret)
    {
        yield return ("plain", Encoding.UTF8.GetBytes(secret));
        yield return ("utf-16", Encoding.Unicode.GetBytes(secret));
        foreach (var source in new[] { Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret) })
        {
            for (var offset = 0; offset < 3; offset++)
            {
                var chunk = source[offset..];
                yield return ("base64", Encoding.ASCII.GetBytes(Convert.ToBase64String(chunk[..(chunk.Length / 3 * 3)])));
            }
        }
    }
}
