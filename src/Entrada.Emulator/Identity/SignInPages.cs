using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Entrada.Emulator.Graph;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Entrada.Emulator.Identity;

/// <summary>
/// The interactive side: the sign-in and consent page of <c>/authorize</c>, the device-code page and
/// <c>/adminconsent</c>. The pages are plain HTML forms so that a test can drive them with an HttpClient.
/// </summary>
internal sealed class SignInPages(EmulatorContext context)
{
    private const string GlobalAdministratorTemplate = "62e90394-69f5-4237-9190-012177145e10";
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;
    private static readonly AadError WrongPassword = new(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.");

    // ---- device code ---------------------------------------------------------------------------------

    public async Task DeviceCodeAsync(HttpContext http, string tenant)
    {
        var now = context.Time.GetUtcNow();
        try
        {
            if (context.ResolveTenant(tenant) is null && !EmulatorContext.IsMultiTenantAlias(tenant))
            {
                throw new AadErrorException(AadError.UnknownTenant(tenant));
            }

            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : FormCollection.Empty;
            var clientId = Value(form, "client_id") ?? throw new AadErrorException(AadError.MissingParameter("client_id"));
            var scope = Value(form, "scope") ?? throw new AadErrorException(AadError.MissingParameter("scope"));
            var app = FindApp(clientId) ?? throw new AadErrorException(AadError.UnknownClient(clientId, tenant));
            if (!app.IsPublicClient)
            {
                throw new AadErrorException(new AadError(400, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."));
            }

            var scopes = DelegatedScopes.Parse(scope);
            foreach (var s in scopes)
            {
                DelegatedScopes.GraphScope(s);
            }

            var grant = new DeviceCodeGrant
            {
                DeviceCode = FlowStore.NewOpaque("DAQABAAEAAAD"),
                UserCode = FlowStore.NewUserCode(),
                ClientId = clientId,
                Scopes = scopes,
                Expires = now.AddMinutes(15),
            };
            lock (context.State.Sync)
            {
                context.Flows.DeviceCodes[grant.DeviceCode] = grant;
                context.Flows.DeviceCodesByUserCode[grant.UserCode] = grant;
            }

            var uri = context.BaseAddress + "/devicelogin";
            http.Response.ContentType = "application/json; charset=utf-8";
            await using var w = new Utf8JsonWriter(http.Response.Body);
            w.WriteStartObject();
            w.WriteString("user_code", grant.UserCode);
            w.WriteString("device_code", grant.DeviceCode);
            w.WriteString("verification_uri", uri);
            w.WriteNumber("expires_in", 900);
            // Microsoft answers 5 seconds; 1 keeps clients that honour it (MSAL) quick against the emulator.
            w.WriteNumber("interval", 1);
            w.WriteString("message", $"To sign in, use a web browser to open the page {uri} and enter the code {grant.UserCode} to authenticate.");
            w.WriteEndObject();
        }
        catch (AadErrorException e)
        {
            await e.Error.WriteAsync(http, now, http.RequestAborted);
        }
    }

    public Task DeviceLoginGetAsync(HttpContext http) =>
        WritePageAsync(http, 200, "Enter code", """
            <p>Enter the code displayed on your app or device.</p>
            <form method="post" action="/devicelogin">
              <input name="code" id="code" autocomplete="off" autofocus>
              <button type="submit" name="action" value="next">Next</button>
            </form>
            """);

    public async Task DeviceLoginPostAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var code = (Value(form, "code") ?? string.Empty).Trim().Replace("-", string.Empty, StringComparison.Ordinal);
        var action = Value(form, "action") ?? "next";
        DeviceCodeGrant? grant;
        lock (context.State.Sync)
        {
            context.Flows.DeviceCodesByUserCode.TryGetValue(code, out grant);
        }

        var now = context.Time.GetUtcNow();
        if (grant is null || grant.Expires <= now || grant.Status != DeviceCodeStatus.Pending)
        {
            await WritePageAsync(http, 400, "Code not valid", "<p id=\"error\">AADSTS70000: That code wasn't right, or it has expired. Check the code and try again.</p>");
            return;
        }

        var app = FindApp(grant.ClientId)!;
        if (action == "next")
        {
            await WritePageAsync(http, 200, "Sign in", UserPicker("/devicelogin", app, grant.Scopes, null, new Dictionary<string, string> { ["code"] = grant.UserCode }));
            return;
        }

        var error = action != "accept" ? Decline(grant)
            : PasswordMismatch(Value(form, "user"), Value(form, "password")) ? WrongPassword
            : Approve(grant, Value(form, "user"), Value(form, "consent") == "on");
        await WritePageAsync(http, error is null ? 200 : 400, error is null ? "Signed in" : "Sign-in failed", error is null
            ? $"<p id=\"result\">{(grant.Status == DeviceCodeStatus.Approved ? "You have signed in to " + Html.Encode(app.Name) + ". You may now close this window." : "Sign-in was declined.")}</p>"
            : $"<p id=\"error\">AADSTS{error.Code}: {Html.Encode(error.Description)}</p>");
    }

    /// <summary>Approves a device code for a user (from the page or the control API); returns the failure, if any.</summary>
    internal AadError? Approve(DeviceCodeGrant grant, string? userIdOrUpn, bool consent)
    {
        var app = FindApp(grant.ClientId)!;
        lock (context.State.Sync)
        {
            var user = userIdOrUpn is null ? null : context.State.FindUserLocked(userIdOrUpn);
            if (user is null)
            {
                return new AadError(400, "invalid_request", 50034, $"The user account {userIdOrUpn} does not exist in the {context.State.TenantDomain} directory.");
            }

            var failure = SignInLocked(app, user, grant.Scopes, consent);
            if (failure is not null)
            {
                grant.Status = DeviceCodeStatus.Declined;
                grant.Failure = failure;
                return failure;
            }

            grant.UserId = user.Id;
            grant.Status = DeviceCodeStatus.Approved;
            return null;
        }
    }

    private bool PasswordMismatch(string? userIdOrUpn, string? password)
    {
        if (password is null || userIdOrUpn is null)
        {
            return false;
        }

        lock (context.State.Sync)
        {
            return context.State.FindUserLocked(userIdOrUpn) is { } user && user.Password != password;
        }
    }

    internal AadError? Decline(DeviceCodeGrant grant)
    {
        lock (context.State.Sync)
        {
            grant.Status = DeviceCodeStatus.Declined;
        }

        return null;
    }

    internal DeviceCodeGrant? FindDeviceCode(string userCode)
    {
        lock (context.State.Sync)
        {
            return context.Flows.DeviceCodesByUserCode.GetValueOrDefault(userCode.Replace("-", string.Empty, StringComparison.Ordinal));
        }
    }

    /// <summary>Checks that the user may sign in to the app with these scopes, recording consent when given.</summary>
    private AadError? SignInLocked(AppRegistration app, UserObject user, IReadOnlyList<string> scopes, bool consent)
    {
        if (!user.AccountEnabled)
        {
            return new AadError(400, "invalid_grant", 50057, "The user account is disabled.");
        }

        var consented = new HashSet<string>(app.AdminConsentedScopes, StringComparer.OrdinalIgnoreCase);
        if (app.UserConsents.TryGetValue(user.Id, out var own))
        {
            consented.UnionWith(own);
        }

        var missing = new List<string>();
        foreach (var scope in scopes)
        {
            string? graph;
            try
            {
                graph = DelegatedScopes.GraphScope(scope);
            }
            catch (AadErrorException e)
            {
                return e.Error;
            }

            if (graph is null || graph == ".default" || consented.Contains(graph))
            {
                continue;
            }

            missing.Add(graph);
        }

        if (missing.Count == 0)
        {
            return null;
        }

        if (!consent)
        {
            return new AadError(400, "access_denied", 65004, "User declined to consent to access the app.");
        }

        if (missing.All(GraphPermissions.IsUserConsentable))
        {
            if (!app.UserConsents.TryGetValue(user.Id, out own))
            {
                own = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                app.UserConsents[user.Id] = own;
            }

            own.UnionWith(missing);
            return null;
        }

        if (IsGlobalAdministratorLocked(user))
        {
            app.AdminConsentedScopes.UnionWith(missing);
            return null;
        }

        return AadError.ConsentRequired(app.ClientId, app.Name);
    }

    private static bool IsGlobalAdministratorLocked(UserObject user) =>
        user.MemberOf.OfType<RoleObject>().Any(r => r.GetString("roleTemplateId") == GlobalAdministratorTemplate);

    // ---- authorize -----------------------------------------------------------------------------------

    public async Task AuthorizeGetAsync(HttpContext http, string tenant)
    {
        var query = http.Request.Query;
        var (app, _, problem) = ValidateAuthorize(tenant, query["client_id"], query["redirect_uri"], query["response_type"]);
        if (problem is not null)
        {
            await WritePageAsync(http, 400, "Sign in", $"<p id=\"error\">AADSTS{problem.Code}: {Html.Encode(problem.Description)}</p>");
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

        await WritePageAsync(http, 200, "Sign in", UserPicker($"/{tenant}/oauth2/v2.0/authorize", app!, scopes, query["login_hint"].ToString(), hidden));
    }

    public async Task AuthorizePostAsync(HttpContext http, string tenant)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (app, redirectUri, problem) = ValidateAuthorize(tenant, form["client_id"], form["redirect_uri"], form["response_type"]);
        if (problem is not null)
        {
            await WritePageAsync(http, 400, "Sign in", $"<p id=\"error\">AADSTS{problem.Code}: {Html.Encode(problem.Description)}</p>");
            return;
        }

        var state = Value(form, "state");
        var responseMode = Value(form, "response_mode") ?? "query";
        var scopes = DelegatedScopes.Parse(Value(form, "scope") ?? "openid profile");
        if (Value(form, "action") != "accept")
        {
            await RedirectAsync(http, redirectUri!, responseMode, new() { ["error"] = "access_denied", ["error_subcode"] = "cancel", ["error_description"] = "AADSTS65004: User declined to consent to access the app.", ["state"] = state });
            return;
        }

        var challenge = Value(form, "code_challenge");
        var method = Value(form, "code_challenge_method") ?? (challenge is null ? null : "plain");
        if (method is not (null or "plain" or "S256"))
        {
            await RedirectAsync(http, redirectUri!, responseMode, new() { ["error"] = "invalid_request", ["error_description"] = "AADSTS501491: Invalid code_challenge_method.", ["state"] = state });
            return;
        }

        string code;
        lock (context.State.Sync)
        {
            var user = Value(form, "user") is { } u ? context.State.FindUserLocked(u) : null;
            if (user is null)
            {
                problem = new AadError(400, "invalid_request", 50034, $"The user account {Value(form, "user")} does not exist in the {context.State.TenantDomain} directory.");
            }
            else if (Value(form, "password") is { } password && password != user.Password)
            {
                problem = WrongPassword;
            }
            else
            {
                problem = SignInLocked(app!, user, scopes, Value(form, "consent") == "on");
            }

            code = FlowStore.NewOpaque("1.AEmuCode");
            if (problem is null)
            {
                context.Flows.Codes[code] = new AuthorizationCode(app!.ClientId, user!.Id, redirectUri!, scopes, challenge, method, Value(form, "nonce"), context.Time.GetUtcNow().AddMinutes(10));
            }
        }

        if (problem == WrongPassword)
        {
            // Entra keeps a failed password on its page rather than redirecting.
            await WritePageAsync(http, 400, "Sign in", $"<p id=\"error\">AADSTS{problem.Code}: {Html.Encode(problem.Description)}</p>");
            return;
        }

        if (problem is not null)
        {
            await RedirectAsync(http, redirectUri!, responseMode, new() { ["error"] = problem.Error, ["error_description"] = $"AADSTS{problem.Code}: {problem.Description}", ["error_codes"] = problem.Code.ToString(CultureInfo.InvariantCulture), ["state"] = state });
            return;
        }

        await RedirectAsync(http, redirectUri!, responseMode, new() { ["code"] = code, ["state"] = state, ["session_state"] = Guid.NewGuid().ToString() });
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

        var app = FindApp(clientId.ToString());
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

    // ---- admin consent -------------------------------------------------------------------------------

    public async Task AdminConsentGetAsync(HttpContext http, string tenant)
    {
        var query = http.Request.Query;
        var app = query["client_id"].ToString() is { Length: > 0 } id ? FindApp(id) : null;
        if (context.ResolveTenant(tenant) is null && !EmulatorContext.IsMultiTenantAlias(tenant))
        {
            await WritePageAsync(http, 400, "Permissions requested", $"<p id=\"error\">AADSTS90002: {Html.Encode(AadError.UnknownTenant(tenant).Description)}</p>");
            return;
        }

        if (app is null)
        {
            await WritePageAsync(http, 400, "Permissions requested", $"<p id=\"error\">AADSTS700016: {Html.Encode(AadError.UnknownClient(query["client_id"].ToString(), tenant).Description)}</p>");
            return;
        }

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p><b>{Html.Encode(app.Name)}</b> needs permission to access resources in your organization that only an admin can grant. Accepting grants, for all users:</p><ul id=\"permissions\">");
        lock (context.State.Sync)
        {
            foreach (var p in app.RequestedApplicationPermissions.Order(StringComparer.Ordinal))
            {
                body.Append(CultureInfo.InvariantCulture, $"<li>{Html.Encode(p)}</li>");
            }

            body.Append(CultureInfo.InvariantCulture, $"</ul><form method=\"post\" action=\"/{Html.Encode(tenant)}/adminconsent\">");
            foreach (var name in (string[])["client_id", "redirect_uri", "state"])
            {
                if (query.TryGetValue(name, out var v))
                {
                    body.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{name}\" value=\"{Html.Encode(v.ToString())}\">");
                }
            }

            body.Append("<label>Administrator <select name=\"user\">");
            foreach (var admin in context.State.Roles.Where(r => r.GetString("roleTemplateId") == GlobalAdministratorTemplate).SelectMany(r => r.Members).OfType<UserObject>())
            {
                body.Append(CultureInfo.InvariantCulture, $"<option value=\"{admin.Id}\">{Html.Encode(admin.UserPrincipalName)}</option>");
            }
        }

        body.Append("</select></label><button type=\"submit\" name=\"action\" value=\"accept\">Accept</button><button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button></form>");
        await WritePageAsync(http, 200, "Permissions requested", body.ToString());
    }

    public async Task AdminConsentPostAsync(HttpContext http, string tenant)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var app = Value(form, "client_id") is { } id ? FindApp(id) : null;
        var tenantId = context.ResolveTenant(tenant) ?? context.State.TenantId;
        if (app is null)
        {
            await WritePageAsync(http, 400, "Permissions requested", "<p id=\"error\">AADSTS700016: The application was not found.</p>");
            return;
        }

        var redirect = Value(form, "redirect_uri");
        bool registered;
        lock (context.State.Sync)
        {
            registered = redirect is not null && app.RedirectUris.Any(r => RedirectMatches(r, redirect));
        }

        var state = Value(form, "state");
        if (Value(form, "action") != "accept")
        {
            if (registered)
            {
                await RedirectAsync(http, redirect!, "query", new() { ["error"] = "access_denied", ["error_subcode"] = "cancel", ["error_description"] = "AADSTS65004: User declined to consent to access the app.", ["tenant"] = tenantId, ["state"] = state });
            }
            else
            {
                await WritePageAsync(http, 200, "Permissions requested", "<p id=\"result\">Consent was declined.</p>");
            }

            return;
        }

        bool denied;
        lock (context.State.Sync)
        {
            var admin = Value(form, "user") is { } u ? context.State.FindUserLocked(u) : null;
            if (admin is null || !IsGlobalAdministratorLocked(admin))
            {
                denied = true;
            }
            else
            {
                app.GrantedApplicationPermissions.UnionWith(app.RequestedApplicationPermissions);
                app.AdminConsentedScopes.UnionWith(app.RequestedApplicationPermissions);
                app.AdminConsentedScopes.UnionWith(GraphPermissions.BasicScopes);
                denied = false;
            }
        }

        if (denied)
        {
            await WritePageAsync(http, 403, "Need admin approval", "<p id=\"error\">AADSTS90094: The grant requires admin permission.</p>");
            return;
        }

        if (registered)
        {
            await RedirectAsync(http, redirect!, "query", new() { ["admin_consent"] = "True", ["tenant"] = tenantId, ["state"] = state });
        }
        else
        {
            await WritePageAsync(http, 200, "Permissions granted", $"<p id=\"result\">Permissions granted to {Html.Encode(app.Name)}.</p>");
        }
    }

    // ---- shared --------------------------------------------------------------------------------------

    private string UserPicker(string action, AppRegistration app, IReadOnlyList<string> scopes, string? loginHint, Dictionary<string, string> hidden)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p>Sign in to <b>{Html.Encode(app.Name)}</b> ({Html.Encode(app.ClientId)}).</p>");
        body.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{Html.Encode(action)}\">");
        foreach (var (name, value) in hidden)
        {
            body.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{Html.Encode(name)}\" value=\"{Html.Encode(value)}\">");
        }

        body.Append("<label>Account <select name=\"user\" id=\"user\">");
        lock (context.State.Sync)
        {
            var hinted = string.IsNullOrEmpty(loginHint) ? null : context.State.FindUserLocked(loginHint);
            IEnumerable<UserObject> users = hinted is not null ? [hinted] : context.State.Users.Take(200);
            foreach (var user in users)
            {
                body.Append(CultureInfo.InvariantCulture, $"<option value=\"{user.Id}\">{Html.Encode(user.DisplayName ?? user.UserPrincipalName)} ({Html.Encode(user.UserPrincipalName)})</option>");
            }
        }

        body.Append("</select></label><br><label>Password (optional; checked when given) <input type=\"password\" name=\"password\" id=\"password\" autocomplete=\"off\"></label>");
        body.Append("<fieldset><legend>Permissions requested</legend><ul id=\"scopes\">");
        foreach (var scope in scopes)
        {
            body.Append(CultureInfo.InvariantCulture, $"<li>{Html.Encode(scope)}</li>");
        }

        body.Append("</ul><label><input type=\"checkbox\" name=\"consent\" id=\"consent\" checked> Consent to these permissions</label></fieldset>");
        body.Append("<button type=\"submit\" name=\"action\" value=\"accept\" id=\"accept\">Accept</button> <button type=\"submit\" name=\"action\" value=\"cancel\" id=\"cancel\">Cancel</button></form>");
        return body.ToString();
    }

    private AppRegistration? FindApp(string clientId)
    {
        lock (context.State.Sync)
        {
            return context.State.Apps.GetValueOrDefault(clientId);
        }
    }

    private static string? Value(IFormCollection form, string name) =>
        form.TryGetValue(name, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString() : null;

    private static async Task RedirectAsync(HttpContext http, string redirectUri, string responseMode, Dictionary<string, string?> parameters)
    {
        var pairs = parameters.Where(p => p.Value is not null).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value!));
        if (responseMode == "form_post")
        {
            var inputs = string.Concat(parameters.Where(p => p.Value is not null).Select(p => $"<input type=\"hidden\" name=\"{Html.Encode(p.Key)}\" value=\"{Html.Encode(p.Value!)}\">"));
            await WritePageAsync(http, 200, "Working…", $"<form method=\"post\" id=\"form_post\" action=\"{Html.Encode(redirectUri)}\">{inputs}</form><script>document.getElementById('form_post').submit();</script>");
            return;
        }

        var separator = responseMode == "fragment" ? "#" : redirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        http.Response.StatusCode = 302;
        http.Response.Headers.Location = redirectUri + separator + string.Join('&', pairs);
    }

    private static async Task WritePageAsync(HttpContext http, int status, string title, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        const string Style = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}select,input{font-size:1rem;margin:.3rem 0}button{font-size:1rem;margin:.5rem .3rem 0 0}";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{Html.Encode(title)} · Entrada Emulator</title>
            <style>{Style}</style></head>
            <body><h1>{Html.Encode(title)}</h1><p><small>Entrada Emulator — an emulated Microsoft Entra tenant</small></p>{body}</body></html>
            """, http.RequestAborted);
    }
}
