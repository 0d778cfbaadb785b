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
        var request = ODataQuery.Collection(run.Client.Users.ToGetRequestInformation(), input.Filter, input.Search, ODataQuery.Select(input.Select) ?? UserItem.DefaultSelect, input.Max);
        return Paging.ItemsAsync(run, request, UserCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(UserItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
