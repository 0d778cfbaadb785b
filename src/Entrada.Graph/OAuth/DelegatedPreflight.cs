using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Testing;
using Entrada.Graph.Client;
using Entrada.Graph.Credentials;

namespace Entrada.Graph.OAuth;

/// <summary>
/// Before a Graph action runs on an OAuth connection, gets the delegated token (refreshing it, or
/// saying to sign in again) and refuses the run, naming the delegated permission to grant, when
/// the token's <c>scp</c> cannot cover the action — before any request to Graph is sent.
/// </summary>
internal sealed class DelegatedPreflight(GraphClientCache cache) : IActionPreflight
{
    public async Task CheckAsync(ActionDescriptor action, Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(connection);
        if (action.Target != ActionTarget.Graph || connection.Method != ConnectionMethod.OAuth)
        {
            return;
        }

        if (connection.OAuth?.TokenCache is null)
        {
            throw OAuthErrors.NotSignedIn(connection);
        }

        var token = await cache.Get(connection).GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (action.PermissionFor(connection.Method) is not { } requirement)
        {
            return;
        }

        var granted = AccessTokenClaims.Parse(token.Token).Scopes;
        var readiness = ActionReadiness.Evaluate(action, new ConnectionCapabilities(connection.Method, granted));
        if (readiness.Ready)
        {
            return;
        }

        var consent = connection.Cloud.AdminConsentUrl(connection.TenantId ?? "organizations", connection.ClientId ?? "?");
        throw new PermissionMissingException(
            $"Connection '{connection.Name}' cannot run '{action.Id}'. {readiness.Reason} "
            + $"An administrator adds it under the app registration's API permissions (Microsoft Graph → Delegated permissions) and grants admin consent, or opens {consent}. "
            + $"Then sign in again with 'entrada connections sign-in \"{connection.Name}\"'.",
            requirement.IsMetBy(granted) ? readiness.MissingPermission : requirement.Least);
    }
}
