using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ServicePrincipals;

/// <summary>service-principals.list: GET /servicePrincipals, every page streamed.</summary>
internal sealed class ListServicePrincipalsAction : GraphListAction<ListInput, ServicePrincipalItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "service-principals.list",
        "Lists enterprise apps (service principals) with whether they may sign in, with an optional filter or search, streaming every page.",
        "GET /servicePrincipals",
        GraphPermissions.ApplicationsRead,
        new JsonObject { ["filter"] = "accountEnabled eq false", ["max"] = 50 });

    protected override IAsyncEnumerable<ServicePrincipalItem> ListCoreAsync(ListInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = ODataQuery.Collection(run.Client.ServicePrincipals.ToGetRequestInformation(), input.Filter, input.Search, ODataQuery.Select(input.Select) ?? ServicePrincipalItem.DefaultSelect, input.Max);
        return Paging.ItemsAsync(run, request, ServicePrincipalCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(ServicePrincipalItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
