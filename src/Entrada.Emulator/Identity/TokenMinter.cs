using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Identity;

/// <summary>
/// Writes the claims of the tokens the token endpoint issues — Graph v1 access tokens for apps and
/// users, v2 ID tokens — and has <see cref="TokenService"/> sign them. It checks nothing: the grant has.
/// </summary>
internal sealed class TokenMinter(EmulatorContext context)
{
    /// <summary>How long the access and ID tokens of a request live (<see cref="EmulatorOptions.AccessTokenLifetime"/>).</summary>
    public TimeSpan Lifetime => context.Options.AccessTokenLifetime;

    /// <summary>An app-only access token (<c>idtyp</c> app) with the app's granted roles.</summary>
    /// <param name="app">The client.</param>
    /// <param name="tenantId">The tenant the token is for.</param>
    /// <param name="roles">The application permissions, in the order to write them; none leaves <c>roles</c> out.</param>
    /// <param name="appIdAcr"><c>1</c> for a secret, <c>2</c> for a certificate.</param>
    /// <param name="now">The issue instant.</param>
    /// <param name="lifetime">The token's lifetime.</param>
    public string AppAccessToken(AppRegistration app, string tenantId, IReadOnlyList<string> roles, string appIdAcr, DateTimeOffset now, TimeSpan lifetime) =>
        context.Tokens.Sign(w =>
        {
            WriteCommonAccessClaims(w, tenantId, app, now, lifetime);
            w.WriteString("appidacr", appIdAcr);
            w.WriteString("idp", $"https://sts.windows.net/{tenantId}/");
            w.WriteString("idtyp", "app");
            w.WriteString("oid", app.ObjectId);
            w.WriteString("sub", app.ObjectId);
            if (roles.Count > 0)
            {
                w.WriteStartArray("roles");
                foreach (var role in roles)
                {
                    w.WriteStringValue(role);
                }

                w.WriteEndArray();
            }
        });

    /// <summary>A delegated access token (<c>idtyp</c> user) for a signed-in user.</summary>
    /// <param name="app">The client.</param>
    /// <param name="user">The signed-in user.</param>
    /// <param name="tenantId">The tenant the token is for.</param>
    /// <param name="scp">The granted delegated permissions, space-separated.</param>
    /// <param name="appIdAcr"><c>0</c> for a public client without a credential, otherwise <c>1</c>.</param>
    /// <param name="now">The issue instant.</param>
    /// <param name="lifetime">The token's lifetime.</param>
    public string UserAccessToken(AppRegistration app, UserObject user, string tenantId, string scp, string appIdAcr, DateTimeOffset now, TimeSpan lifetime)
    {
        var upn = user.UserPrincipalName;
        var name = user.DisplayName ?? upn;
        return context.Tokens.Sign(w =>
        {
            WriteCommonAccessClaims(w, tenantId, app, now, lifetime);
            w.WriteString("acct", user.UserType == "Guest" ? "1" : "0");
            w.WriteString("acr", "1");
            w.WriteStartArray("amr");
            w.WriteStringValue("pwd");
            w.WriteEndArray();
            w.WriteString("appidacr", appIdAcr);
            w.WriteString("family_name", user.GetString("surname"));
            w.WriteString("given_name", user.GetString("givenName"));
            w.WriteString("idtyp", "user");
            w.WriteString("name", name);
            w.WriteString("oid", user.Id);
            w.WriteString("scp", scp);
            w.WriteString("sub", PairwiseSubject(user.Id, app.ClientId));
            w.WriteString("unique_name", upn);
            w.WriteString("upn", upn);
        });
    }

    /// <summary>An OpenID Connect v2.0 ID token for the app (its <c>aud</c>).</summary>
    /// <param name="app">The client.</param>
    /// <param name="user">The signed-in user.</param>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="includeEmail">Whether the <c>email</c> scope was requested (the claim is written when the user has a mail).</param>
    /// <param name="nonce">The authorization request's nonce, if any.</param>
    /// <param name="now">The issue instant.</param>
    /// <param name="lifetime">The token's lifetime.</param>
    public string IdToken(AppRegistration app, UserObject user, string tenantId, bool includeEmail, string? nonce, DateTimeOffset now, TimeSpan lifetime)
    {
        var upn = user.UserPrincipalName;
        var name = user.DisplayName ?? upn;
        var iat = now.ToUnixTimeSeconds();
        return context.Tokens.Sign(w =>
        {
            w.WriteString("aud", app.ClientId);
            w.WriteString("iss", $"{context.BaseAddress}/{tenantId}/v2.0");
            w.WriteNumber("iat", iat);
            w.WriteNumber("nbf", iat);
            w.WriteNumber("exp", iat + (long)lifetime.TotalSeconds);
            w.WriteString("name", name);
            if (nonce is not null)
            {
                w.WriteString("nonce", nonce);
            }

            w.WriteString("oid", user.Id);
            w.WriteString("preferred_username", upn);
            if (includeEmail && user.GetString("mail") is { } mail)
            {
                w.WriteString("email", mail);
            }

            w.WriteString("sub", PairwiseSubject(user.Id, app.ClientId));
            w.WriteString("tid", tenantId);
            w.WriteString("uti", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
            w.WriteString("ver", "2.0");
        });
    }

    /// <summary>MSAL's <c>client_info</c>: Base64Url of <c>{"uid":…,"utid":…}</c>.</summary>
    public static string ClientInfo(string userId, string tenantId) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["uid"] = userId, ["utid"] = tenantId }));

    /// <summary>The <c>sub</c> claim: the same user has a different subject in each app, as in Entra.</summary>
    public static string PairwiseSubject(string userId, string clientId) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(userId + "|" + clientId)).AsSpan(0, 32));

    private static void WriteCommonAccessClaims(Utf8JsonWriter w, string tenantId, AppRegistration app, DateTimeOffset now, TimeSpan lifetime)
    {
        var iat = now.ToUnixTimeSeconds();
        w.WriteString("aud", TokenService.GraphResource);
        w.WriteString("iss", $"https://sts.windows.net/{tenantId}/");
        w.WriteNumber("iat", iat);
        w.WriteNumber("nbf", iat);
        w.WriteNumber("exp", iat + (long)lifetime.TotalSeconds);
        w.WriteString("aio", Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
        w.WriteString("app_displayname", app.Name);
        w.WriteString("appid", app.ClientId);
        w.WriteString("rh", "0.AAAA" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(12)) + ".");
        w.WriteString("tenant_region_scope", "NA");
        w.WriteString("tid", tenantId);
        w.WriteString("uti", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
        w.WriteString("ver", "1.0");
        w.WriteNumber("xms_tcdt", 1_673_251_200);
    }
}
