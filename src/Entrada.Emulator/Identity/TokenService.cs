using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Entrada.Emulator.Identity;

/// <summary>What Graph learns from a valid access token.</summary>
internal sealed class AccessTokenInfo
{
    public required string AppId { get; init; }

    public required string TenantId { get; init; }

    public required string ObjectId { get; init; }

    public required bool IsApp { get; init; }

    public required IReadOnlySet<string> Permissions { get; init; }

    public required DateTimeOffset NotBefore { get; init; }

    public required DateTimeOffset Expires { get; init; }

    /// <summary>The signed-in user's ID for delegated tokens.</summary>
    public string? UserId => IsApp ? null : ObjectId;
}

/// <summary>Signs and validates the emulator's RS256 tokens (one signing key per instance, published in the JWKS).</summary>
internal sealed class TokenService : IDisposable
{
    public const string GraphResource = "https://graph.microsoft.com";
    public const string GraphAppId = "00000003-0000-0000-c000-000000000000";

    private readonly RSA _key;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentDictionary<string, AccessTokenInfo> _validated = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public TokenService(TimeProvider time)
    {
        _time = time;
        _key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Entrada Emulator token signing", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = time.GetUtcNow();
        _certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        X5t = Base64Url.EncodeToString(_certificate.GetCertHash());
        KeyId = X5t;
    }

    public string KeyId { get; }

    public string X5t { get; }

    public void WriteJwks(Utf8JsonWriter writer, string issuer)
    {
        var parameters = _key.ExportParameters(false);
        writer.WriteStartObject();
        writer.WriteStartArray("keys");
        writer.WriteStartObject();
        writer.WriteString("kty", "RSA");
        writer.WriteString("use", "sig");
        writer.WriteString("kid", KeyId);
        writer.WriteString("x5t", X5t);
        writer.WriteString("n", Base64Url.EncodeToString(parameters.Modulus));
        writer.WriteString("e", Base64Url.EncodeToString(parameters.Exponent));
        writer.WriteStartArray("x5c");
        writer.WriteStringValue(Convert.ToBase64String(_certificate.RawData));
        writer.WriteEndArray();
        writer.WriteString("issuer", issuer);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Signs a JWT whose payload <paramref name="writePayload"/> writes (inside the object).</summary>
    public string Sign(Action<Utf8JsonWriter> writePayload)
    {
        var header = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(header))
        {
            w.WriteStartObject();
            w.WriteString("typ", "JWT");
            w.WriteString("alg", "RS256");
            w.WriteString("x5t", X5t);
            w.WriteString("kid", KeyId);
            w.WriteEndObject();
        }

        var payload = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(payload))
        {
            w.WriteStartObject();
            writePayload(w);
            w.WriteEndObject();
        }

        var signingInput = Base64Url.EncodeToString(header.WrittenSpan) + "." + Base64Url.EncodeToString(payload.WrittenSpan);
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>Validates a Graph access token; on failure returns the message Graph would give.</summary>
    public AccessTokenInfo? Validate(string token, string tenantId, out string? error)
    {
        error = null;
        var now = _time.GetUtcNow();
        if (_validated.TryGetValue(token, out var cached))
        {
            return CheckLifetime(cached, now, out error);
        }

        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            error = "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'.";
            return null;
        }

        byte[] signature;
        JsonDocument payload;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
            payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            error = "Invalid JWT token. The token is malformed.";
            return null;
        }

        using (payload)
        {
            if (!_key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                error = "Invalid signature.";
                return null;
            }

            var root = payload.RootElement;
            var aud = root.TryGetProperty("aud", out var a) ? a.GetString() : null;
            if (aud is not (GraphResource or GraphResource + "/" or GraphAppId))
            {
                error = "Access token validation failure. Invalid audience.";
                return null;
            }

            var tid = root.TryGetProperty("tid", out var t) ? t.GetString() : null;
            if (!string.Equals(tid, tenantId, StringComparison.OrdinalIgnoreCase)
                || !root.TryGetProperty("iss", out var iss) || iss.GetString() != $"https://sts.windows.net/{tenantId}/")
            {
                error = "Access token validation failure. Invalid issuer.";
                return null;
            }

            var isApp = root.TryGetProperty("idtyp", out var idtyp) && idtyp.GetString() == "app";
            var permissions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array)
            {
                foreach (var role in roles.EnumerateArray())
                {
                    permissions.Add(role.GetString()!);
                }
            }

            if (!isApp && root.TryGetProperty("scp", out var scp))
            {
                foreach (var scope in scp.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    permissions.Add(scope);
                }
            }

            var info = new AccessTokenInfo
            {
                AppId = root.GetProperty("appid").GetString()!,
                TenantId = tid!,
                ObjectId = root.GetProperty("oid").GetString()!,
                IsApp = isApp,
                Permissions = permissions,
                NotBefore = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("nbf").GetInt64()),
                Expires = DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()),
            };
            if (_validated.Count > 50_000)
            {
                _validated.Clear();
            }

            _validated[token] = info;
            return CheckLifetime(info, now, out error);
        }
    }

    private static AccessTokenInfo? CheckLifetime(AccessTokenInfo info, DateTimeOffset now, out string? error)
    {
        // Graph tolerates five minutes of clock skew on nbf, none on exp.
        if (now >= info.Expires || now < info.NotBefore.AddMinutes(-5))
        {
            error = "Lifetime validation failed, the token is expired.";
            return null;
        }

        error = null;
        return info;
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
    }
}
