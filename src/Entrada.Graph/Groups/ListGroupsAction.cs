using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>groups.list: GET /groups, every page streamed.</summary>
internal sealed class ListGroupsAction : GraphListAction<ListInput, GroupItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.list",
        "Lists groups, with an optional filter or search, streaming every page.",
        "GET /groups",
        GraphPermissions.GroupsRead,
        new JsonObject { ["filter"] = "securityEnabled eq true", ["max"] = 100 });

    protected override IAsyncEnumerable<GroupItem> ListCoreAsync(ListInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = ODataQuery.Collection(run.Client.Groups.ToGetRequestInformation(), input.Filter, input.Search, ODataQuery.Select(input.Select) ?? GroupItem.DefaultSelect, input.Max);
        return Paging.ItemsAsync(run, request, GroupCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(GroupItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
