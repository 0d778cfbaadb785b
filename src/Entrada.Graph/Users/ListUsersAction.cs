using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Users;

/// <summary>users.list: GET /users, every page streamed.</summary>
internal sealed class ListUsersAction : GraphListAction<ListInput, UserItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.list",
        "Lists users, with an optional filter or search, streaming every page.",
        "GET /users",
        GraphPermissions.UsersRead,
        new JsonObject { ["filter"] = "startsWith(displayName,'A')", ["max"] = 50 });

    protected override IAsyncEnumerable<UserItem> ListCoreAsync(ListInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var advanced = ODataQuery.NeedsAdvancedQuery(input.Filter, input.Search);
        var request = run.Client.Users.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Top = ODataQuery.PageSize(input.Max);
            rc.QueryParameters.Filter = input.Filter;
            rc.QueryParameters.Search = ODataQuery.Search(input.Search);
            rc.QueryParameters.Select = ODataQuery.Select(input.Select) ?? UserItem.DefaultSelect;
            if (advanced)
            {
                rc.QueryParameters.Count = true;
                rc.Headers.Add("ConsistencyLevel", "eventual");
            }
        });
        return Paging.ItemsAsync(run, request, UserCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(UserItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
