using System.Globalization;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Entrada.Emulator.Identity;

/// <summary>
/// <c>/authorize</c> of the authorization code flow: a plain HTML form (so that a test can drive it with an
/// HttpClient) to pick a user and consent, answered with a code that <see cref="AuthorizationCodeGrantHandler"/> redeems.
/// </summary>
internal sealed class AuthorizePages(EmulatorContext context, SignInConsent signIn)
{
    /// <summary><c>GET /{tenant}/oauth2/v2.0/authorize</c>: the sign-in and consent page.</summary>
    public async Task GetAsync(HttpContext http, string tenant, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var (app, _, problem) = ValidateAuthorize(tenant, query["client_id"], query["redirect_uri"], query["response_type"]);
        if (problem is not null)
        {
            await HtmlPage.WriteAsync(http, 400, "Sign in", $"<p id=\"error\">AADSTS{problem.Code}: {HtmlPage.Encode(problem.Description)}</p>", cancellationToken);
            return;
        }

        var scopes = DelegatedScopes.Parse(query["scope"].ToString() is { Length: > 0 } s ? s : "openid profile");
        var hidden = new Dictionary<string, string>();
        foreach (var name in (string[])["client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "response_mode", "login_hint", "prompt"])
        {
            if (query.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v))
            {
                hidden[name] = v.ToString();
            }
        }

        await HtmlPage.WriteAsync(http, 200, "Sign in", signIn.UserPicker($"/{tenant}/oauth2/v2.0/authorize", app!, scopes, query["login_hint"].ToString(), hidden), cancellationToken);
    }

    /// <summary><c>POST /{tenant}/oauth2/v2.0/authorize</c>: the user's decision, answered by a redirect with a code or an error.</summary>
    public async Task PostAsync(HttpContext http, string tenant, CancellationToken cancellationToken)
    {
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var (app, redirectUri, problem) = ValidateAuthorize(tenant, form["client_id"], form["redirect_uri"], form["response_type"]);
        if (problem is not null)
        {
            await HtmlPage.WriteAsync(http, 400, "Sign in", $"<p id=\"error\">AADSTS{problem.Code}: {HtmlPage.Encode(problem.Description)}</p>", cancellationToken);
            return;
        }

        var state = form.Value("state");
        var responseMode = form.Value("response_mode") ?? "query";
        var scopes = DelegatedScopes.Parse(form.Value("scope") ?? "openid profile");
        if (form.Value("action") != "accept")
        {
            await HtmlPage.RedirectAsync(http, redirectUri!, responseMode, new() { ["error"] = "access_denied", ["error_subcode"] = "cancel", ["error_description"] = "AADSTS65004: User declined to consent to access the app.", ["state"] = state }, cancellationToken);
            return;
        }

        var challenge = form.Value("code_challenge");
        var method = form.Value("code_challenge_method") ?? (challenge is null ? null : "plain");
        if (method is not (null or "plain" or "S256"))
        {
            await HtmlPage.RedirectAsync(http, redirectUri!, responseMode, new() { ["error"] = "invalid_request", ["error_description"] = "AADSTS501491: Invalid code_challenge_method.", ["state"] = state }, cancellationToken);
            return;
        }

        string code;
        lock (context.State.Sync)
        {
            var user = form.Value("user") is { } u ? context.State.FindUserLocked(u) : null;
            if (user is null)
            {
                problem = new AadError(400, "invalid_request", 50034, $"The user account {form.Value("user")} does not exist in the {context.State.TenantDomain} directory.");
            }
            else if (form.Value("password") is { } password && password != user.Password)
            {
                problem = SignInConsent.WrongPassword;
            }
            else
            {
                problem = signIn.SignInLocked(app!, user, scopes, form.Value("consent") == "on");
            }

            code = FlowStore.NewOpaque("1.AEmuCode");
            if (problem is null)
            {
                context.Flows.Codes[code] = new AuthorizationCode(app!.ClientId, user!.Id, redirectUri!, scopes, challenge, method, form.Value("nonce"), context.Time.GetUtcNow().AddMinutes(10));
            }
        }

        if (problem == SignInConsent.WrongPassword)
        {
            // Entra keeps a failed password on its page rather than redirecting.
            await HtmlPage.WriteAsync(http, 400, "Sign in", $"<p id=\"error\">AADSTS{problem.Code}: {HtmlPage.Encode(problem.Description)}</p>", cancellationToken);
            return;
        }

        if (problem is not null)
        {
            await HtmlPage.RedirectAsync(http, redirectUri!, responseMode, new() { ["error"] = problem.Error, ["error_description"] = $"AADSTS{problem.Code}: {problem.Description}", ["error_codes"] = problem.Code.ToString(CultureInfo.InvariantCulture), ["state"] = state }, cancellationToken);
            return;
        }

        await HtmlPage.RedirectAsync(http, redirectUri!, responseMode, new() { ["code"] = code, ["state"] = state, ["session_state"] = Guid.NewGuid().ToString() }, cancellationToken);
    }

    private (AppRegistration? App, string? RedirectUri, AadError? Problem) ValidateAuthorize(string tenant, StringValues clientId, StringValues redirectUri, StringValues responseType)
    {
        if (context.ResolveTenant(tenant) is null && !EmulatorContext.IsMultiTenantAlias(tenant))
        {
            return (null, null, AadError.UnknownTenant(tenant));
        }

        if (StringValues.IsNullOrEmpty(clientId))
        {
            return (null, null, AadError.MissingParameter("client_id"));
        }

        var app = signIn.FindApp(clientId.ToString());
        if (app is null)
        {
            return (null, null, AadError.UnknownClient(clientId.ToString(), tenant));
        }

        if (responseType.ToString() != "code")
        {
            return (app, null, new AadError(400, "unsupported_response_type", 900144, "The request body must contain the following parameter: 'response_type' with the value 'code'."));
        }

        var uri = redirectUri.ToString();
        bool registered;
        lock (context.State.Sync)
        {
            registered = app.RedirectUris.Any(r => RedirectMatches(r, uri));
        }

        return registered
            ? (app, uri, null)
            : (app, null, new AadError(400, "invalid_request", 50011, $"The redirect URI '{uri}' specified in the request does not match the redirect URIs configured for the application '{app.ClientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal."));
    }

    /// <summary>Exact match, except that loopback redirect URIs match on any port (as Entra does for native apps).</summary>
    internal static bool RedirectMatches(string registered, string requested)
    {
        if (string.Equals(registered.TrimEnd('/'), requested.TrimEnd('/'), StringComparison.Ordinal))
        {
            return true;
        }

        return Uri.TryCreate(registered, UriKind.Absolute, out var r) && Uri.TryCreate(requested, UriKind.Absolute, out var q)
            && r.IsLoopback && q.IsLoopback && r.Scheme == q.Scheme && r.Host == q.Host
            && string.Equals(r.AbsolutePath.TrimEnd('/'), q.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);
    }
}
