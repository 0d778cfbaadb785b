using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Entrada.Emulator.Graph;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Entrada.Emulator.Identity;

/// <summary><c>POST /{tenant}/oauth2/v2.0/token</c>: client credentials, authorization code, refresh token and device code.</summary>
internal sealed class TokenEndpoint(EmulatorContext context)
{
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public async Task HandleAsync(HttpContext http, string tenant)
    {
        var now = context.Time.GetUtcNow();
        try
        {
            if (!http.Request.HasFormContentType)
            {
                throw new AadErrorException(AadError.MissingParameter("grant_type"));
            }

            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var isAlias = EmulatorContext.IsMultiTenantAlias(tenant);
            var tenantId = context.ResolveTenant(tenant);
            if (tenantId is null && !isAlias)
            {
                throw new AadErrorException(AadError.UnknownTenant(tenant));
            }

            tenantId ??= context.State.TenantId;
            var grantType = Value(form, "grant_type") ?? throw new AadErrorException(AadError.MissingParameter("grant_type"));
            var (app, authenticated) = AuthenticateClient(http, form, tenant, now);
            switch (grantType)
            {
                case "client_credentials":
                    if (isAlias)
                    {
                        throw new AadErrorException(new AadError(400, "invalid_request", 900023,
                            $"Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain. The client credentials grant needs the tenant ID or a verified domain."));
                    }

                    if (!authenticated)
                    {
                        throw new AadErrorException(AadError.MissingCredential());
                    }

                    await ClientCredentialsAsync(http, form, app, tenantId, now);
                    break;
                case "authorization_code":
                    RequireConfidentialCredential(app, authenticated);
                    await AuthorizationCodeAsync(http, form, app, tenantId, now);
                    break;
                case "refresh_token":
                    RequireConfidentialCredential(app, authenticated);
                    await RefreshAsync(http, form, app, tenantId, now);
                    break;
                case "device_code" or "urn:ietf:params:oauth:grant-type:device_code":
                    await DeviceCodeAsync(http, form, app, tenantId, now);
                    break;
                default:
                    throw new AadErrorException(AadError.UnsupportedGrant(grantType));
            }
        }
        catch (AadErrorException e)
        {
            await e.Error.WriteAsync(http, now);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A defect of the emulator: answered as Entra answers its own failures, and logged.
            LogMessages.TokenEndpointFailed(context.Logger, e);
            await new AadError(500, "server_error", 90000, "The emulator failed to process the request: " + e.Message).WriteAsync(http, now);
        }
    }

    private static void RequireConfidentialCredential(AppRegistration app, bool authenticated)
    {
        if (!authenticated && !app.IsPublicClient)
        {
            throw new AadErrorException(AadError.MissingCredential());
        }
    }

    private static string? Value(IFormCollection form, string name) =>
        form.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString() : null;

    /// <summary>Finds the app and checks its secret or assertion when one is presented.</summary>
    private (AppRegistration App, bool Authenticated) AuthenticateClient(HttpContext http, IFormCollection form, string tenant, DateTimeOffset now)
    {
        string? clientId = Value(form, "client_id");
        string? secret = Value(form, "client_secret");
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is not null)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
            }
            catch (FormatException)
            {
                throw new AadErrorException(new AadError(401, "invalid_client", 7000216, "The client credentials in the Authorization header are malformed."));
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                // RFC 6749 section 2.3.1: both parts are form-urlencoded before Base64.
                clientId ??= Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
                secret ??= Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' '));
            }
        }

        if (clientId is null)
        {
            throw new AadErrorException(AadError.MissingParameter("client_id"));
        }

        AppRegistration? app;
        lock (context.State.Sync)
        {
            context.State.Apps.TryGetValue(clientId, out app);
        }

        if (app is null)
        {
            throw new AadErrorException(AadError.UnknownClient(clientId, tenant));
        }

        if (secret is not null)
        {
            lock (context.State.Sync)
            {
                var match = app.Secrets.FirstOrDefault(s => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(s.Value), Encoding.UTF8.GetBytes(secret)));
                if (match is null)
                {
                    throw new AadErrorException(AadError.WrongSecret(clientId));
                }

                if (match.Expires <= now)
                {
                    throw new AadErrorException(AadError.ExpiredSecret(clientId));
                }
            }

            return (app, true);
        }

        var assertion = Value(form, "client_assertion");
        if (assertion is not null)
        {
            if (Value(form, "client_assertion_type") != AssertionType)
            {
                throw new AadErrorException(new AadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_assertion_type'."));
            }

            ValidateAssertion(app, assertion, now);
            return (app, true);
        }

        return (app, false);
    }

    private void ValidateAssertion(AppRegistration app, string assertion, DateTimeOffset now)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            throw new AadErrorException(new AadError(401, "invalid_client", 50027, "JWT token is invalid or malformed."));
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
            throw new AadErrorException(new AadError(401, "invalid_client", 50027, "JWT token is invalid or malformed."));
        }

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
        var verified = false;
        foreach (var certificate in certificates)
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is not null && rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, padding))
            {
                verified = true;
                break;
            }
        }

        if (!verified)
        {
            var thumbprint = header.TryGetProperty("x5t", out var x) ? x.GetString() : header.TryGetProperty("x5t#S256", out var x2) ? x2.GetString() : "(none)";
            throw new AadErrorException(new AadError(401, "invalid_client", 700027,
                $"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '{thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{app.ClientId}'.]"));
        }

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

        return value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? DateTimeOffset.FromUnixTimeSeconds(parsed)
            : null;
    }

    private async Task ClientCredentialsAsync(HttpContext http, IFormCollection form, AppRegistration app, string tenantId, DateTimeOffset now)
    {
        var scope = Value(form, "scope") ?? throw new AadErrorException(AadError.MissingParameter("scope"));
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Length != 1 || !scopes[0].EndsWith("/.default", StringComparison.Ordinal))
        {
            throw new AadErrorException(AadError.InvalidScope(scope));
        }

        var resource = scopes[0][..^"/.default".Length];
        if (!IsGraphResource(resource))
        {
            throw new AadErrorException(new AadError(400, "invalid_resource", 500011,
                $"The resource principal named {resource} was not found in the tenant named {context.State.TenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."));
        }

        string[] roles;
        lock (context.State.Sync)
        {
            roles = [.. app.GrantedApplicationPermissions.Order(StringComparer.Ordinal)];
        }

        var acr = Value(form, "client_assertion") is null ? "1" : "2";
        var lifetime = context.Options.AccessTokenLifetime;
        var token = context.Tokens.Sign(w =>
        {
            WriteCommonAccessClaims(w, tenantId, app, now, lifetime);
            w.WriteString("appidacr", acr);
            w.WriteString("idp", $"https://sts.windows.net/{tenantId}/");
            w.WriteString("idtyp", "app");
            w.WriteString("oid", app.ObjectId);
            w.WriteString("sub", app.ObjectId);
            if (roles.Length > 0)
            {
                w.WriteStartArray("roles");
                foreach (var role in roles)
                {
                    w.WriteStringValue(role);
                }

                w.WriteEndArray();
            }
        });

        // Access token only: MSAL.NET refuses a client-credentials response that carries user tokens.
        await WriteTokenResponseAsync(http, w =>
        {
            w.WriteString("token_type", "Bearer");
            w.WriteNumber("expires_in", (int)lifetime.TotalSeconds - 1);
            w.WriteNumber("ext_expires_in", (int)lifetime.TotalSeconds - 1);
            w.WriteString("access_token", token);
        });
    }

    private static bool IsGraphResource(string resource) =>
        resource.TrimEnd('/') is TokenService.GraphResource or TokenService.GraphAppId
        || resource.Equals("https://graph.microsoft.com", StringComparison.OrdinalIgnoreCase);

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

    private async Task AuthorizationCodeAsync(HttpContext http, IFormCollection form, AppRegistration app, string tenantId, DateTimeOffset now)
    {
        var code = Value(form, "code") ?? throw new AadErrorException(AadError.MissingParameter("code"));
        AuthorizationCode? grant;
        lock (context.State.Sync)
        {
            if (context.Flows.Codes.Remove(code, out grant) is false)
            {
                grant = null;
            }
        }

        if (grant is null || grant.ClientId != app.ClientId)
        {
            throw new AadErrorException(AadError.InvalidGrant(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."));
        }

        if (grant.Expires <= now)
        {
            throw new AadErrorException(AadError.InvalidGrant(70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."));
        }

        var redirectUri = Value(form, "redirect_uri");
        if (redirectUri != grant.RedirectUri)
        {
            throw new AadErrorException(AadError.InvalidGrant(50011, $"The redirect URI '{redirectUri}' specified in the request does not match the redirect URI of the authorization request."));
        }

        if (grant.CodeChallenge is not null)
        {
            var verifier = Value(form, "code_verifier");
            var expected = grant.CodeChallengeMethod == "S256" && verifier is not null
                ? Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))
                : verifier;
            if (verifier is null || expected != grant.CodeChallenge)
            {
                throw new AadErrorException(AadError.InvalidGrant(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."));
            }
        }

        await IssueUserTokensAsync(http, form, app, tenantId, grant.UserId, grant.Scopes, grant.Nonce, now);
    }

    private async Task RefreshAsync(HttpContext http, IFormCollection form, AppRegistration app, string tenantId, DateTimeOffset now)
    {
        var refresh = Value(form, "refresh_token") ?? throw new AadErrorException(AadError.MissingParameter("refresh_token"));
        RefreshTokenGrant? grant;
        UserObject? user;
        lock (context.State.Sync)
        {
            context.Flows.RefreshTokens.TryGetValue(refresh, out grant);
            user = grant is null ? null : context.State.FindUserLocked(grant.UserId);
        }

        if (grant is null || grant.ClientId != app.ClientId)
        {
            throw new AadErrorException(AadError.InvalidGrant(9002313, "Invalid request. Request is malformed or invalid. The refresh token is unknown or was issued to another client."));
        }

        if (grant.Expires <= now)
        {
            throw new AadErrorException(AadError.InvalidGrant(700082, "The refresh token has expired due to inactivity. The token was issued on " + AadError.Timestamp(grant.IssuedAt) + " and was inactive for 90.00:00:00."));
        }

        if (user is null || grant.IssuedAt < user.SessionsValidFrom)
        {
            throw new AadErrorException(AadError.InvalidGrant(50173,
                $"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{AadError.Timestamp(grant.IssuedAt)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{AadError.Timestamp(user?.SessionsValidFrom ?? now)}'."));
        }

        var requested = Value(form, "scope");
        var scopes = requested is null ? grant.Scopes : ParseScopes(requested);
        await IssueUserTokensAsync(http, form, app, tenantId, grant.UserId, scopes, nonce: null, now);
    }

    private async Task DeviceCodeAsync(HttpContext http, IFormCollection form, AppRegistration app, string tenantId, DateTimeOffset now)
    {
        var deviceCode = Value(form, "device_code") ?? Value(form, "code") ?? throw new AadErrorException(AadError.MissingParameter("device_code"));
        DeviceCodeGrant? grant;
        lock (context.State.Sync)
        {
            context.Flows.DeviceCodes.TryGetValue(deviceCode, out grant);
        }

        if (grant is null || grant.ClientId != app.ClientId || grant.Redeemed)
        {
            throw new AadErrorException(new AadError(400, "bad_verification_code", 70000, "The provided value for the input parameter 'device_code' is not valid."));
        }

        if (grant.Expires <= now)
        {
            throw new AadErrorException(new AadError(400, "expired_token", 70019, "Verification code expired."));
        }

        switch (grant.Status)
        {
            case DeviceCodeStatus.Pending:
                throw new AadErrorException(new AadError(400, "authorization_pending", 70016, "The provided request has not yet been authorized by the user. The user must input their code."));
            case DeviceCodeStatus.Declined:
                throw new AadErrorException(new AadError(400, "authorization_declined", 70000, "The user declined the authorization request."));
        }

        lock (context.State.Sync)
        {
            grant.Redeemed = true;
        }

        await IssueUserTokensAsync(http, form, app, tenantId, grant.UserId!, grant.Scopes, nonce: null, now);
    }

    /// <summary>Splits a scope parameter into Graph scopes (prefix removed) and OIDC scopes, as requested.</summary>
    internal static List<string> ParseScopes(string scope)
    {
        var result = new List<string>();
        foreach (var raw in scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            result.Add(raw);
        }

        return result;
    }

    /// <summary>The Graph permission named by a requested scope, or null for OIDC scopes; throws for other resources.</summary>
    internal static string? GraphScope(string requested)
    {
        if (requested is "openid" or "profile" or "email" or "offline_access")
        {
            return null;
        }

        foreach (var prefix in (string[])[TokenService.GraphResource + "/", TokenService.GraphAppId + "/"])
        {
            if (requested.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return requested[prefix.Length..];
            }
        }

        if (requested.Contains("://", StringComparison.Ordinal) || requested.Contains('/', StringComparison.Ordinal))
        {
            throw new AadErrorException(AadError.InvalidScope(requested));
        }

        return requested;
    }

    /// <summary>The Graph permissions a delegated request ends up with, or a 65001 when consent is missing.</summary>
    internal HashSet<string> ResolveDelegatedPermissions(AppRegistration app, string userId, IEnumerable<string> requested)
    {
        var consented = new HashSet<string>(app.AdminConsentedScopes, StringComparer.OrdinalIgnoreCase);
        if (app.UserConsents.TryGetValue(userId, out var own))
        {
            consented.UnionWith(own);
        }

        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var scope in requested)
        {
            var graph = GraphScope(scope);
            if (graph is null)
            {
                continue;
            }

            if (graph == ".default")
            {
                result.UnionWith(consented.Where(c => GraphScope(c) is not null));
                continue;
            }

            if (!consented.Contains(graph))
            {
                throw new AadErrorException(AadError.ConsentRequired(app.ClientId, app.Name));
            }

            result.Add(graph);
        }

        return result;
    }

    private async Task IssueUserTokensAsync(HttpContext http, IFormCollection form, AppRegistration app, string tenantId, string userId, IReadOnlyList<string> scopes, string? nonce, DateTimeOffset now)
    {
        UserObject? user;
        HashSet<string> permissions;
        lock (context.State.Sync)
        {
            user = context.State.FindUserLocked(userId);
            if (user is null)
            {
                throw new AadErrorException(AadError.InvalidGrant(50034, $"The user account {userId} does not exist in the {context.State.TenantDomain} directory."));
            }

            if (!user.AccountEnabled)
            {
                throw new AadErrorException(AadError.InvalidGrant(50057, "The user account is disabled."));
            }

            permissions = ResolveDelegatedPermissions(app, user.Id, scopes);
        }

        var lifetime = context.Options.AccessTokenLifetime;
        var upn = user.UserPrincipalName;
        var name = user.DisplayName ?? upn;
        var scp = string.Join(' ', permissions.Order(StringComparer.OrdinalIgnoreCase));
        var token = context.Tokens.Sign(w =>
        {
            WriteCommonAccessClaims(w, tenantId, app, now, lifetime);
            w.WriteString("acct", user.UserType == "Guest" ? "1" : "0");
            w.WriteString("acr", "1");
            w.WriteStartArray("amr");
            w.WriteStringValue("pwd");
            w.WriteEndArray();
            w.WriteString("appidacr", app.IsPublicClient && form["client_secret"].Count == 0 && form["client_assertion"].Count == 0 ? "0" : "1");
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

        var wantsRefresh = scopes.Contains("offline_access", StringComparer.OrdinalIgnoreCase);
        var wantsIdToken = scopes.Contains("openid", StringComparer.OrdinalIgnoreCase);
        string? refresh = null;
        if (wantsRefresh)
        {
            refresh = FlowStore.NewOpaque("1.AEmu");
            lock (context.State.Sync)
            {
                context.Flows.RefreshTokens[refresh] = new RefreshTokenGrant(app.ClientId, user.Id, scopes, now, now.AddDays(90));
            }
        }

        string? idToken = null;
        if (wantsIdToken)
        {
            var iat = now.ToUnixTimeSeconds();
            idToken = context.Tokens.Sign(w =>
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
                if (scopes.Contains("email", StringComparer.OrdinalIgnoreCase) && user.GetString("mail") is { } mail)
                {
                    w.WriteString("email", mail);
                }

                w.WriteString("sub", PairwiseSubject(user.Id, app.ClientId));
                w.WriteString("tid", tenantId);
                w.WriteString("uti", Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));
                w.WriteString("ver", "2.0");
            });
        }

        var responseScope = string.Join(' ', ResponseScopes(scopes, permissions));
        var clientInfo = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["uid"] = user.Id, ["utid"] = tenantId }));
        await WriteTokenResponseAsync(http, w =>
        {
            w.WriteString("token_type", "Bearer");
            w.WriteString("scope", responseScope);
            w.WriteNumber("expires_in", (int)lifetime.TotalSeconds - 1);
            w.WriteNumber("ext_expires_in", (int)lifetime.TotalSeconds - 1);
            w.WriteString("access_token", token);
            if (refresh is not null)
            {
                w.WriteString("refresh_token", refresh);
            }

            if (idToken is not null)
            {
                w.WriteString("id_token", idToken);
            }

            w.WriteString("client_info", clientInfo);
        });
    }

    /// <summary>Scopes as the response lists them: each granted Graph scope in the form it was asked for (MSAL's cache matches on them).</summary>
    private static IEnumerable<string> ResponseScopes(IReadOnlyList<string> requested, HashSet<string> granted)
    {
        var hadDefault = false;
        foreach (var scope in requested)
        {
            var graph = GraphScope(scope);
            if (graph is null)
            {
                if (scope is "openid" or "profile" or "email" or "offline_access")
                {
                    yield return scope;
                }

                continue;
            }

            if (graph == ".default")
            {
                hadDefault = true;
                continue;
            }

            yield return scope;
        }

        if (hadDefault)
        {
            foreach (var g in granted.Order(StringComparer.OrdinalIgnoreCase))
            {
                yield return TokenService.GraphResource + "/" + g;
            }
        }
    }

    private static string PairwiseSubject(string userId, string clientId) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(userId + "|" + clientId)).AsSpan(0, 32));

    private static async Task WriteTokenResponseAsync(HttpContext http, Action<Utf8JsonWriter> write)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = "application/json; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store, no-cache";
        http.Response.Headers.Pragma = "no-cache";
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        write(writer);
        writer.WriteEndObject();
        await writer.FlushAsync(http.RequestAborted);
    }
}
