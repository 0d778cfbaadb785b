using System.Globalization;
using System.Text;
using Entrada.Emulator.Graph;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace Entrada.Emulator.Identity;

/// <summary><c>/adminconsent</c>: a Global Administrator grants an app the application permissions it requests, for the whole tenant.</summary>
internal sealed class AdminConsentPages(EmulatorContext context, SignInConsent signIn)
{
    /// <summary><c>GET /{tenant}/adminconsent</c>: the application permissions an administrator is asked to grant.</summary>
    public async Task GetAsync(HttpContext http, string tenant, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var app = query["client_id"].ToString() is { Length: > 0 } id ? signIn.FindApp(id) : null;
        if (context.ResolveTenant(tenant) is null && !EmulatorContext.IsMultiTenantAlias(tenant))
        {
            await HtmlPage.WriteAsync(http, 400, "Permissions requested", $"<p id=\"error\">AADSTS90002: {HtmlPage.Encode(AadError.UnknownTenant(tenant).Description)}</p>", cancellationToken);
            return;
        }

        if (app is null)
        {
            await HtmlPage.WriteAsync(http, 400, "Permissions requested", $"<p id=\"error\">AADSTS700016: {HtmlPage.Encode(AadError.UnknownClient(query["client_id"].ToString(), tenant).Description)}</p>", cancellationToken);
            return;
        }

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p><b>{HtmlPage.Encode(app.Name)}</b> needs permission to access resources in your organization that only an admin can grant. Accepting grants, for all users:</p><ul id=\"permissions\">");
        lock (context.State.Sync)
        {
            foreach (var p in app.RequestedApplicationPermissions.Order(StringComparer.Ordinal))
            {
                body.Append(CultureInfo.InvariantCulture, $"<li>{HtmlPage.Encode(p)}</li>");
            }

            body.Append(CultureInfo.InvariantCulture, $"</ul><form method=\"post\" action=\"/{HtmlPage.Encode(tenant)}/adminconsent\">");
            foreach (var name in (string[])["client_id", "redirect_uri", "state"])
            {
                if (query.TryGetValue(name, out var v))
                {
                    body.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{name}\" value=\"{HtmlPage.Encode(v.ToString())}\">");
                }
            }

            body.Append("<label>Administrator <select name=\"user\">");
            foreach (var admin in context.State.Roles.Where(r => r.GetString("roleTemplateId") == SignInConsent.GlobalAdministratorTemplate).SelectMany(r => r.Members).OfType<UserObject>())
            {
                body.Append(CultureInfo.InvariantCulture, $"<option value=\"{admin.Id}\">{HtmlPage.Encode(admin.UserPrincipalName)}</option>");
            }
        }

        body.Append("</select></label><button type=\"submit\" name=\"action\" value=\"accept\">Accept</button><button type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button></form>");
        await HtmlPage.WriteAsync(http, 200, "Permissions requested", body.ToString(), cancellationToken);
    }

    /// <summary><c>POST /{tenant}/adminconsent</c>: a Global Administrator's decision.</summary>
    public async Task PostAsync(HttpContext http, string tenant, CancellationToken cancellationToken)
    {
        var form = await http.Request.ReadFormAsync(cancellationToken);
        var app = form.Value("client_id") is { } id ? signIn.FindApp(id) : null;
        var tenantId = context.ResolveTenant(tenant) ?? context.State.TenantId;
        if (app is null)
        {
            await HtmlPage.WriteAsync(http, 400, "Permissions requested", "<p id=\"error\">AADSTS700016: The application was not found.</p>", cancellationToken);
            return;
        }

        var redirect = form.Value("redirect_uri");
        bool registered;
        lock (context.State.Sync)
        {
            registered = redirect is not null && app.RedirectUris.Any(r => AuthorizePages.RedirectMatches(r, redirect));
        }

        var state = form.Value("state");
        if (form.Value("action") != "accept")
        {
            if (registered)
            {
                await HtmlPage.RedirectAsync(http, redirect!, "query", new() { ["error"] = "access_denied", ["error_subcode"] = "cancel", ["error_description"] = "AADSTS65004: User declined to consent to access the app.", ["tenant"] = tenantId, ["state"] = state }, cancellationToken);
            }
            else
            {
                await HtmlPage.WriteAsync(http, 200, "Permissions requested", "<p id=\"result\">Consent was declined.</p>", cancellationToken);
            }

            return;
        }

        bool denied;
        lock (context.State.Sync)
        {
            var admin = form.Value("user") is { } u ? context.State.FindUserLocked(u) : null;
            if (admin is null || !SignInConsent.IsGlobalAdministratorLocked(admin))
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
            await HtmlPage.WriteAsync(http, 403, "Need admin approval", "<p id=\"error\">AADSTS90094: The grant requires admin permission.</p>", cancellationToken);
            return;
        }

        if (registered)
        {
            await HtmlPage.RedirectAsync(http, redirect!, "query", new() { ["admin_consent"] = "True", ["tenant"] = tenantId, ["state"] = state }, cancellationToken);
        }
        else
        {
            await HtmlPage.WriteAsync(http, 200, "Permissions granted", $"<p id=\"result\">Permissions granted to {HtmlPage.Encode(app.Name)}.</p>", cancellationToken);
        }
    }
}
