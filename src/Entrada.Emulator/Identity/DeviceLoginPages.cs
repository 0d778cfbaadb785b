using System.Text.Json;
using Entrada.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Entrada.Emulator.Identity;

/// <summary>
/// The device code flow's interactive side: the <c>/devicecode</c> endpoint that starts it, the
/// <c>/devicelogin</c> page where the user enters the code and signs in, and the settling of a code
/// (also used by the control API). The token endpoint's <see cref="DeviceCodeGrantHandler"/> redeems it.
/// </summary>
internal sealed class DeviceLoginPages(EmulatorContext context, SignInConsent signIn)
{
    /// <summary><c>POST /{tenant}/oauth2/v2.0/devicecode</c>: starts a device code flow for a public client.</summary>
    public async Task DeviceCodeAsync(HttpContext http, string tenant, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        try
        {
            if (context.ResolveTenant(tenant) is null && !EmulatorContext.IsMultiTenantAlias(tenant))
            {
                throw new AadErrorException(AadError.UnknownTenant(tenant));
            }

            var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(cancellationToken) : FormCollection.Empty;
            var clientId = form.Value("client_id") ?? throw new AadErrorException(AadError.MissingParameter("client_id"));
            var scope = form.Value("scope") ?? throw new AadErrorException(AadError.MissingParameter("scope"));
            var app = signIn.FindApp(clientId) ?? throw new AadErrorException(AadError.UnknownClient(clientId, tenant));
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
            await e.Error.WriteAsync(http, now, cancellationToken);
        }
    }

    /// <summary><c>GET /devicelogin</c>: the page that asks for the user code.</summary>
    public Task DeviceLoginGetAsync(HttpContext http, CancellationToken cancellationToken) =>
        HtmlPage.WriteAsync(http, 200, "Enter code", """
            <p>Enter the code displayed on your app or device.</p>
            <form method="post" action="/devicelogin">
              <input name="code" id="code" autocomplete="off" autofocus>
              <button type="submit" name="action" value="next">Next</button>
            </form>
            """, cancellationToken);

    /// <summary><c>POST /devicelogin</c>: the code, then the user picker, then the user's decision.</summary>
    public async Task DeviceLoginPostAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var code = (form.Value("code") ?? string.Empty).Trim().Replace("-", string.Empty, StringComparison.Ordinal);
        var action = form.Value("action") ?? "next";
        DeviceCodeGrant? grant;
        lock (context.State.Sync)
        {
            context.Flows.DeviceCodesByUserCode.TryGetValue(code, out grant);
        }

        var now = context.Time.GetUtcNow();
        if (grant is null || grant.Expires <= now || grant.Status != DeviceCodeStatus.Pending)
        {
            await HtmlPage.WriteAsync(http, 400, "Code not valid", "<p id=\"error\">AADSTS70000: That code wasn't right, or it has expired. Check the code and try again.</p>", cancellationToken);
            return;
        }

        var app = signIn.FindApp(grant.ClientId)!;
        if (action == "next")
        {
            await HtmlPage.WriteAsync(http, 200, "Sign in", signIn.UserPicker("/devicelogin", app, grant.Scopes, null, new Dictionary<string, string> { ["code"] = grant.UserCode }), cancellationToken);
            return;
        }

        var error = action != "accept" ? Decline(grant)
            : signIn.PasswordMismatch(form.Value("user"), form.Value("password")) ? SignInConsent.WrongPassword
            : Approve(grant, form.Value("user"), form.Value("consent") == "on");
        await HtmlPage.WriteAsync(http, error is null ? 200 : 400, error is null ? "Signed in" : "Sign-in failed", error is null
            ? $"<p id=\"result\">{(grant.Status == DeviceCodeStatus.Approved ? "You have signed in to " + HtmlPage.Encode(app.Name) + ". You may now close this window." : "Sign-in was declined.")}</p>"
            : $"<p id=\"error\">AADSTS{error.Code}: {HtmlPage.Encode(error.Description)}</p>", cancellationToken);
    }

    /// <summary>Approves a device code for a user (from the page or the control API); returns the failure, if any.</summary>
    public AadError? Approve(DeviceCodeGrant grant, string? userIdOrUpn, bool consent)
    {
        var app = signIn.FindApp(grant.ClientId)!;
        lock (context.State.Sync)
        {
            var user = userIdOrUpn is null ? null : context.State.FindUserLocked(userIdOrUpn);
            if (user is null)
            {
                return new AadError(400, "invalid_request", 50034, $"The user account {userIdOrUpn} does not exist in the {context.State.TenantDomain} directory.");
            }

            var failure = signIn.SignInLocked(app, user, grant.Scopes, consent);
            if (failure is not null)
            {
                grant.Status = DeviceCodeStatus.Declined;
                return failure;
            }

            grant.UserId = user.Id;
            grant.Status = DeviceCodeStatus.Approved;
            return null;
        }
    }

    /// <summary>Declines a device code (from the page or the control API); the polling client is then told <c>authorization_declined</c>.</summary>
    public AadError? Decline(DeviceCodeGrant grant)
    {
        lock (context.State.Sync)
        {
            grant.Status = DeviceCodeStatus.Declined;
        }

        return null;
    }

    /// <summary>Finds a device code by its user code, with or without the dash.</summary>
    public DeviceCodeGrant? FindDeviceCode(string userCode)
    {
        lock (context.State.Sync)
        {
            return context.Flows.DeviceCodesByUserCode.GetValueOrDefault(userCode.Replace("-", string.Empty, StringComparison.Ordinal));
        }
    }

}
