using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.ServicePrincipals;

/// <summary>service-principals.enable: PATCH /servicePrincipals/{id} accountEnabled=true, in batches.</summary>
internal sealed class EnableServicePrincipalsAction() : SetServicePrincipalsEnabledAction(true);

/// <summary>service-principals.disable: PATCH /servicePrincipals/{id} accountEnabled=false (no one signs in to the app), in batches.</summary>
internal sealed class DisableServicePrincipalsAction() : SetServicePrincipalsEnabledAction(false);

/// <summary>Blocks or allows sign-in to enterprise apps: <c>accountEnabled</c> on their service principals.</summary>
internal abstract class SetServicePrincipalsEnabledAction(bool enabled) : SetObjectsEnabledAction(enabled)
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        enabled ? "service-principals.enable" : "service-principals.disable",
        enabled
            ? "Allows sign-in to enterprise apps again (accountEnabled = true on their service principals)."
            : "Blocks sign-in to enterprise apps: no user or the app itself gets tokens for them (accountEnabled = false on their service principals).",
        "PATCH /servicePrincipals/{id}",
        GraphPermissions.ServicePrincipalsWrite,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["ids"] = new JsonArray("00000000-0000-0000-0000-000000000001") });

    protected override string Noun => "service principal";

    protected override RequestInformation ReadRequest(GraphRun run, string filter) => run.Client.ServicePrincipals.ToGetRequestInformation(rc =>
    {
        rc.QueryParameters.Filter = filter;
        rc.QueryParameters.Select = ["id", "accountEnabled"];
        rc.QueryParameters.Top = PerRead;
    });

    protected override RequestInformation PatchRequest(GraphRun run, string id) =>
        run.Client.ServicePrincipals[id].ToPatchRequestInformation(new ServicePrincipal { AccountEnabled = Enabled });
}
