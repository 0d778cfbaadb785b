using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Entrada.Core.Runners;

/// <summary>
/// How a runner proves who it is without a shared secret: it makes an ECDSA P-256 key pair when it
/// registers (the server keeps only the public key) and signs a short-lived, timestamped statement
/// on every connection (<see cref="CreateProof"/>); the server checks the signature with the key it
/// recorded, the runner's revocation and the time (<see cref="TryParse"/> and <see cref="Verify"/>).
/// </summary>
public static class RunnerCredentials
{
    /// <summary>How far a proof's time may be from the server's clock.</summary>
    public static readonly TimeSpan ProofWindow = TimeSpan.FromMinutes(2);

    private const string Prefix = "entrada-runner.v1.";

    /// <summary>A new key pair.</summary>
    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public key as the server records it (SubjectPublicKeyInfo, base64).</summary>
    public static string PublicKeyOf(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>A proof for one connection: the runner's id, the time, a nonce, and the signature over them.</summary>
    public static string CreateProof(string runnerId, ECDsa key, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(runnerId);
        ArgumentNullException.ThrowIfNull(key);
        var unix = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Base64Url(RandomNumberGenerator.GetBytes(16));
        var signature = key.SignData(Statement(runnerId, unix, nonce), HashAlgorithmName.SHA256);
        return $"{Prefix}{runnerId}.{unix}.{nonce}.{Base64Url(signature)}";
    }

    /// <summary>Whether a bearer value looks like a runner's proof (and not an API key).</summary>
    public static bool IsProof(string? value) => value is not null && value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Splits a proof into the runner's id and the parts to verify; false when it is malformed.</summary>
    public static bool TryParse(string proof, out string runnerId, out ProofParts parts)
    {
        runnerId = string.Empty;
        parts = default;
        if (!IsProof(proof))
        {
            return false;
        }

        var fields = proof[Prefix.Length..].Split('.');
        if (fields.Length != 4 || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            return false;
        }

        runnerId = fields[0];
        parts = new ProofParts(fields[1], unix, fields[2], fields[3]);
        return runnerId.Length is > 0 and < 64;
    }

    /// <summary>Checks a parsed proof's signature with the recorded public key and its time against <paramref name="now"/>.</summary>
    public static bool Verify(string runnerId, ProofParts parts, string publicKey, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var at = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(parts.Unix, 0, 253402300799));
        if ((now - at).Duration() > ProofWindow)
        {
            return false;
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
            return key.VerifyData(Statement(runnerId, parts.UnixText, parts.Nonce), FromBase64Url(parts.Signature), HashAlgorithmName.SHA256);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return false;
        }
    }

    private static byte[] Statement(string runnerId, string unix, string nonce) =>
        Encoding.UTF8.GetBytes($"entrada-runner-connect\n{runnerId}\n{unix}\n{nonce}");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}

/// <summary>The parts of a proof after the runner's id.</summary>
/// <param name="UnixText">The time as sent.</param>
/// <param name="Unix">The time, in Unix seconds.</param>
/// <param name="Nonce">The nonce.</param>
/// <param name="Signature">The signature, base64url.</param>
public readonly record struct ProofParts(string UnixText, long Unix, string Nonce, string Signature);
