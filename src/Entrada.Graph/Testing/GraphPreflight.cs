using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Testing;
using Entrada.Graph.Client;
using Entrada.Graph.Credentials;

namespace Entrada.Graph.Testing;

/// <summary>
/// Before a Graph action runs on an App Registration connection, reads the permissions in the
/// connection's (cached) token and refuses the run, naming the permission to grant and the
/// consent URL, when the action cannot succeed — before any request to Graph is sent.
/// </summary>
internal sealed class GraphPreflight(GraphClientCache cache) : IActionPreflight
{
    public async Task CheckAsync(ActionDescriptor action, Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(connection);
        if (action.Target != ActionTarget.Graph || connection.Method != ConnectionMethod.AppRegistration)
        {
            return;
        }

        var graph = cache.Get(connection);
        var token = await graph.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (action.PermissionFor(connection.Method) is not { } requirement)
        {
            return;
        }

        var granted = AccessTokenClaims.Parse(token.Token).Granted;
        var readiness = ActionReadiness.Evaluate(action, new ConnectionCapabilities(connection.Method, granted));
        if (readiness.Ready)
        {
            return;
        }

        var consent = connection.Cloud.AdminConsentUrl(connection.TenantId ?? "?", connection.ClientId ?? "?");
        throw new PermissionMissingException(
            $"Connection '{connection.Name}' cannot run '{action.Id}'. {readiness.Reason} "
            + $"An administrator adds it under the app registration's API permissions (Microsoft Graph → Application permissions) and grants admin consent, or opens {consent}. "
            + $"Then run 'entrada connections test \"{connection.Name}\"'.",
            requirement.IsMetBy(granted) ? readiness.MissingPermission : requirement.Least);
    }
}
