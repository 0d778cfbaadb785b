using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Identity;

/// <summary>
/// Checks a <c>client_assertion</c> (RFC 7523) as Entra does: RS256 or PS256 signed by a certificate
/// registered on the app, <c>iss</c> and <c>sub</c> the client ID, <c>aud</c> this authority, and within
/// its lifetime (five minutes of skew on <c>nbf</c>, none on <c>exp</c>).
/// </summary>
internal sealed class ClientAssertionValidator(EmulatorContext context)
{
    /// <summary>Validates the assertion; returns normally when the app may sign in with it.</summary>
    /// <param name="app">The client the request names.</param>
    /// <param name="assertion">The compact JWT.</param>
    /// <param name="now">The request's instant.</param>
    /// <exception cref="AadErrorException">The assertion is refused, with the AADSTS code Entra gives.</exception>
    public void Validate(AppRegistration app, string assertion, DateTimeOffset now)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            throw Malformed();
        }

        JsonElement header, payload;
        byte[] signature;
        try
        {
            header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
            payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw Malformed();
        }

        CheckSignature(app, parts, header, signature);

        var iss = payload.TryGetProperty("iss", out var i) ? i.GetString() : null;
        var sub = payload.TryGetProperty("sub", out var s) ? s.GetString() : null;
        if (!string.Equals(iss, app.ClientId, StringComparison.OrdinalIgnoreCase) || !string.Equals(sub, app.ClientId, StringComparison.OrdinalIgnoreCase))
        {
            throw new AadErrorException(new AadError(401, "invalid_client", 700021, "Client assertion application identifier doesn't match 'client_id' parameter."));
        }

        var aud = payload.TryGetProperty("aud", out var au) ? au.GetString() : null;
        if (aud is null || !aud.StartsWith(context.BaseAddress + "/", StringComparison.OrdinalIgnoreCase))
        {
            throw new AadErrorException(new AadError(401, "invalid_client", 700023, $"Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCreds ."));
        }

        var exp = UnixTime(payload, "exp") ?? DateTimeOffset.MinValue;
        var nbf = UnixTime(payload, "nbf") ?? DateTimeOffset.MinValue;
        if (exp <= now || nbf > now.AddMinutes(5))
        {
            throw new AadErrorException(new AadError(401, "invalid_client", 700024, "Client assertion is not within its valid time range."));
        }
    }

    private static AadErrorException Malformed() =>
        new(new AadError(401, "invalid_client", 50027, "JWT token is invalid or malformed."));

    private void CheckSignature(AppRegistration app, string[] parts, JsonElement header, byte[] signature)
    {
        var alg = header.TryGetProperty("alg", out var a) ? a.GetString() : null;
        var padding = alg switch
        {
            "RS256" => RSASignaturePadding.Pkcs1,
            "PS256" => RSASignaturePadding.Pss,
            _ => throw new AadErrorException(new AadError(401, "invalid_client", 5002738, $"Invalid JWT token. '{alg}' is not a supported signature algorithm.")),
        };
        List<X509Certificate2> certificates;
        lock (context.State.Sync)
        {
            certificates = [.. app.Certificates];
        }

        var data = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        foreach (var certificate in certificates)
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is not null && rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, padding))
            {
                return;
            }
        }

        var thumbprint = header.TryGetProperty("x5t", out var x) ? x.GetString() : header.TryGetProperty("x5t#S256", out var x2) ? x2.GetString() : "(none)";
        throw new AadErrorException(new AadError(401, "invalid_client", 700027,
            $"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{app.ClientId}'.]"));
    }

    /// <summary>A NumericDate claim; MSAL.NET writes them as strings, others as numbers.</summary>
    private static DateTimeOffset? UnixTime(JsonElement payload, string name)
    {
        if (!payload.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return DateTimeOffset.FromUnixTimeSeconds(number);
        }

        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
            ? DateTimeOffset.FromUnixTimeSeconds(parsed)
            : null;
    }
}
