using System.Globalization;
using System.Text;
using Entrada.Emulator.Graph;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Identity;

/// <summary>
/// What the sign-in pages share: finding the app, the user picker, the password check, and whether a user
/// may sign in to an app with some scopes — recording the user's or an administrator's consent when given.
/// </summary>
internal sealed class SignInConsent(EmulatorContext context)
{
    /// <summary>The role template ID of Global Administrator, who may consent for the tenant.</summary>
    public const string GlobalAdministratorTemplate = "62e90394-69f5-4237-9190-012177145e10";

    /// <summary>AADSTS50126, which Entra shows on its page rather than redirecting.</summary>
    public static readonly AadError WrongPassword = new(400, "invalid_grant", 50126, "Error validating credentials due to invalid username or password.");

    /// <summary>Whether a password was given and is not the user's (no password given means none is checked).</summary>
    public bool PasswordMismatch(string? userIdOrUpn, string? password)
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

    /// <summary>Checks that the user may sign in to the app with these scopes, recording consent when given (call under the state's lock).</summary>
    public AadError? SignInLocked(AppRegistration app, UserObject user, IReadOnlyList<string> scopes, bool consent)
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

    /// <summary>Whether the user holds the Global Administrator role (call under the state's lock).</summary>
    public static bool IsGlobalAdministratorLocked(UserObject user) =>
        user.MemberOf.OfType<RoleObject>().Any(r => r.GetString("roleTemplateId") == GlobalAdministratorTemplate);

    /// <summary>The HTML form to pick a user, give an optional password and consent to the scopes.</summary>
    public string UserPicker(string action, AppRegistration app, IReadOnlyList<string> scopes, string? loginHint, Dictionary<string, string> hidden)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p>Sign in to <b>{HtmlPage.Encode(app.Name)}</b> ({HtmlPage.Encode(app.ClientId)}).</p>");
        body.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"{HtmlPage.Encode(action)}\">");
        foreach (var (name, value) in hidden)
        {
            body.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{HtmlPage.Encode(name)}\" value=\"{HtmlPage.Encode(value)}\">");
        }

        body.Append("<label>Account <select name=\"user\" id=\"user\">");
        lock (context.State.Sync)
        {
            var hinted = string.IsNullOrEmpty(loginHint) ? null : context.State.FindUserLocked(loginHint);
            IEnumerable<UserObject> users = hinted is not null ? [hinted] : context.State.Users.Take(200);
            foreach (var user in users)
            {
                body.Append(CultureInfo.InvariantCulture, $"<option value=\"{user.Id}\">{HtmlPage.Encode(user.DisplayName ?? user.UserPrincipalName)} ({HtmlPage.Encode(user.UserPrincipalName)})</option>");
            }
        }

        body.Append("</select></label><br><label>Password (optional; checked when given) <input type=\"password\" name=\"password\" id=\"password\" autocomplete=\"off\"></label>");
        body.Append("<fieldset><legend>Permissions requested</legend><ul id=\"scopes\">");
        foreach (var scope in scopes)
        {
            body.Append(CultureInfo.InvariantCulture, $"<li>{HtmlPage.Encode(scope)}</li>");
        }

        body.Append("</ul><label><input type=\"checkbox\" name=\"consent\" id=\"consent\" checked> Consent to these permissions</label></fieldset>");
        body.Append("<button type=\"submit\" name=\"action\" value=\"accept\" id=\"accept\">Accept</button> <button type=\"submit\" name=\"action\" value=\"cancel\" id=\"cancel\">Cancel</button></form>");
        return body.ToString();
    }

    public AppRegistration? FindApp(string clientId)
    {
        lock (context.State.Sync)
        {
            return context.State.Apps.GetValueOrDefault(clientId);
        }
    }
}
