using System.Buffers.Text;
using System.Text.Json;

namespace Entrada.Graph.Credentials;

/// <summary>
/// The claims of an access token that Entrada reads: the tenant and the permissions granted
/// (<c>roles</c> for applications, <c>scp</c> for delegated). The token's signature is Graph's to
/// check, not ours: these claims only explain what Graph will allow.
/// </summary>
/// <param name="TenantId">The <c>tid</c> claim.</param>
/// <param name="AppId">The <c>appid</c> or <c>azp</c> claim.</param>
/// <param name="Roles">Application permissions (<c>roles</c>).</param>
/// <param name="Scopes">Delegated permissions (<c>scp</c>).</param>
internal sealed record AccessTokenClaims(string? TenantId, string? AppId, IReadOnlySet<string> Roles, IReadOnlySet<string> Scopes)
{
    /// <summary>Reads the payload of a JWT; a token that is not a JWT gives no claims.</summary>
    public static AccessTokenClaims Parse(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        var empty = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parts = accessToken.Split('.');
        if (parts.Length < 2)
        {
            return new AccessTokenClaims(null, null, empty, empty);
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(parts[1]);
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            var roles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("roles", out var r) && r.ValueKind == JsonValueKind.Array)
            {
                foreach (var role in r.EnumerateArray())
                {
                    if (role.GetString() is { Length: > 0 } s)
                    {
                        roles.Add(s);
                    }
                }
            }

            var scopes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("scp", out var scp) && scp.ValueKind == JsonValueKind.String)
            {
                foreach (var s in scp.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    scopes.Add(s);
                }
            }

            return new AccessTokenClaims(
                root.TryGetProperty("tid", out var tid) ? tid.GetString() : null,
                root.TryGetProperty("appid", out var appid) ? appid.GetString() : root.TryGetProperty("azp", out var azp) ? azp.GetString() : null,
                roles,
                scopes);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return new AccessTokenClaims(null, null, empty, empty);
        }
    }

    /// <summary>The permissions granted: roles for an application token, scopes for a delegated one.</summary>
    public IReadOnlySet<string> Granted => Roles.Count > 0 ? Roles : Scopes;
}
