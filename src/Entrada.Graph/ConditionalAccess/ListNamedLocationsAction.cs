using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>named-locations.list: GET /identity/conditionalAccess/namedLocations.</summary>
internal sealed class ListNamedLocationsAction : GraphListAction<ConditionalAccessListInput, NamedLocationItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "named-locations.list",
        "Lists the named locations (IP ranges and countries) conditional access policies use, with an optional filter.",
        "GET /identity/conditionalAccess/namedLocations",
        GraphPermissions.ConditionalAccessRead,
        new JsonObject { ["filter"] = "isof('microsoft.graph.ipNamedLocation')" });

    protected override IAsyncEnumerable<NamedLocationItem> ListCoreAsync(ConditionalAccessListInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = run.Client.Identity.ConditionalAccess.NamedLocations.ToGetRequestInformation(rc => rc.QueryParameters.Filter = input.Filter);
        return Paging.ItemsAsync(run, request, NamedLocationCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(NamedLocationItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
