using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Diagnostics;
using Entrada.Graph.Client;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Diagnostics;

/// <summary>
/// What the App Registration and OAuth testers share: the tenant check, the readiness of every
/// Graph action for a set of granted permissions, and the steps an administrator takes to grant
/// what is missing.
/// </summary>
internal static class GraphReadiness
{
    /// <summary>Evaluates every Graph action; <c>Missing</c> lists each permission to grant once, sorted.</summary>
    public static (IReadOnlyList<ActionReadiness> Actions, IReadOnlyList<string> Missing) Evaluate(ActionCatalog catalog, ConnectionMethod method, IEnumerable<string> granted)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var capabilities = new ConnectionCapabilities(method, new HashSet<string>(granted, StringComparer.OrdinalIgnoreCase));
        var readiness = catalog.All
            .Where(a => a.Descriptor.Target == ActionTarget.Graph)
            .Select(a => ActionReadiness.Evaluate(a.Descriptor, capabilities))
            .ToList();
        var missing = readiness.Where(r => !r.Ready && r.MissingPermission is not null)
            .SelectMany(r => new[] { r.MissingPermission! }.Concat(r.AlsoMissing))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
        return (readiness, missing);
    }

    /// <summary>The tenant as <c>GET /organization</c> showed it, or why Graph refused to authenticate.</summary>
    internal sealed record TenantCheck(string? Id, string? Name, AuthenticationFailedException? Refused);

    /// <summary>
    /// Asks Graph for the tenant (<c>GET /organization</c>) and adds the "tenant" check. Graph
    /// refusing the token is <see cref="TenantCheck.Refused"/> (the test fails); any other failure
    /// is a failed check, and the test goes on.
    /// </summary>
    public static async Task<TenantCheck> CheckTenantAsync(GraphConnection graph, Connection connection, ActionCatalog catalog, string? tenantId, List<TestCheck> checks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(checks);
        try
        {
            string? tenantName = null;
            var page = await graph.Client.Organization.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (page?.Value?.FirstOrDefault() is Organization org)
            {
                tenantName = org.DisplayName;
                tenantId = org.Id ?? tenantId;
            }

            checks.Add(new TestCheck("tenant", true, $"Graph at {connection.Cloud.GraphEndpoint} answered: tenant '{tenantName}' ({tenantId})."));
            return new TenantCheck(tenantId, tenantName, null);
        }
        catch (Exception ex) when (ex is EntradaException || GraphErrors.IsTranslatable(ex, cancellationToken))
        {
            var translated = ex as EntradaException ?? GraphErrors.Translate(ex, catalog.Find("directory.organization")?.Descriptor, connection, "organization");
            if (translated is AuthenticationFailedException refused)
            {
                return new TenantCheck(tenantId, null, refused);
            }

            checks.Add(new TestCheck("tenant", false, $"Graph answered but could not show the tenant: {translated.Message}"));
            return new TenantCheck(tenantId, null, null);
        }
    }

    /// <summary>
    /// What an administrator does to grant <paramref name="permissions"/> (application permissions,
    /// or the delegated ones of an OAuth connection), and what the user does after.
    /// </summary>
    public static IReadOnlyList<string> AdminSteps(Connection connection, string consentUrl, IReadOnlyList<string> permissions)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(permissions);
        var delegated = connection.Method == ConnectionMethod.OAuth;
        var kind = delegated ? "Delegated" : "Application";
        return
        [
            $"In the Microsoft Entra admin centre, open App registrations → the app with client ID {connection.ClientId ?? "?"} → API permissions.",
            permissions.Count > 0
                ? $"Add a permission → Microsoft Graph → {kind} permissions → {string.Join(", ", permissions)} (each the least-privileged one for the actions that need it; add only those you will use)."
                : $"Check the app requests the Microsoft Graph {kind.ToLowerInvariant()} permissions it needs.",
            $"Select 'Grant admin consent for the tenant' (a Privileged Role Administrator, Cloud Application Administrator or Application Administrator can), or have such an administrator open {consentUrl} and accept.",
            delegated
                ? $"Then sign connection '{connection.Name}' in again and test it: a new sign-in carries the new permissions."
                : $"Test connection '{connection.Name}' again: a new token carries the new permissions.",
        ];
    }
}
