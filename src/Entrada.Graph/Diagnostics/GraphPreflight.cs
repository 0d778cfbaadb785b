using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Diagnostics;
using Entrada.Graph.Client;
using Entrada.Graph.Credentials;

namespace Entrada.Graph.Diagnostics;

/// <summary>
/// Before a Graph action runs, reads the permissions in the connection's (cached) token — the
/// application roles of an App Registration, the delegated scopes of an OAuth sign-in — and
/// refuses the run, naming the permission to grant and the consent URL, when the action cannot
/// succeed, before any request to Graph is sent. An OAuth connection nobody signed in to is told
/// to sign in.
/// </summary>
internal sealed class GraphPreflight(GraphClientCache cache) : IActionPreflight
{
    public async Task CheckAsync(ActionDescriptor action, Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(connection);
        if (action.Target != ActionTarget.Graph || connection.Method == ConnectionMethod.Ldap)
        {
            return;
        }

        var delegated = connection.Method == ConnectionMethod.OAuth;
        if (delegated && connection.OAuth?.TokenCache is null)
        {
            throw OAuth.OAuthErrors.NotSignedIn(connection);
        }

        var token = await cache.Get(connection).GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (action.PermissionFor(connection.Method) is not { } requirement)
        {
            return;
        }

        // Application tokens carry roles; delegated ones carry scp.
        var claims = AccessTokenClaims.Parse(token.Token);
        var granted = delegated ? claims.Scopes : claims.Granted;
        var readiness = ActionReadiness.Evaluate(action, new ConnectionCapabilities(connection.Method, granted));
        if (readiness.Ready)
        {
            return;
        }

        var consent = connection.Cloud.AdminConsentUrl(connection.TenantId ?? (delegated ? "organizations" : "?"), connection.ClientId ?? "?");
        var kind = delegated ? "Delegated" : "Application";
        var then = delegated
            ? "A new sign-in then carries the new permission."
            : "A new token then carries the new permission.";
        throw new PermissionMissingException(
            $"Connection '{connection.Name}' cannot run '{action.Id}'. {readiness.Reason} "
            + $"An administrator adds it under the app registration's API permissions (Microsoft Graph → {kind} permissions) and grants admin consent, or opens {consent}. "
            + then,
            requirement.IsMetBy(granted) ? readiness.MissingPermission : requirement.Least)
        {
            Next = new NextStep(delegated ? NextStepKind.SignIn : NextStepKind.TestConnection, connection.Name),
        };
    }
}
