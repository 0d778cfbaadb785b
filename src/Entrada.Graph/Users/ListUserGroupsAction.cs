using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Users;

/// <summary>Input of users.list-groups.</summary>
internal sealed record ListUserGroupsInput(
    [property: Description("Object ID or user principal name.")] string Id,
    [property: Description("Include groups reached through nested groups (default false: direct only).")] bool? Transitive = null,
    int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}

/// <summary>users.list-groups: GET /users/{id}/memberOf or transitiveMemberOf.</summary>
internal sealed class ListUserGroupsAction : GraphListAction<ListUserGroupsInput, DirectoryObjectItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.list-groups",
        "Lists the groups and directory roles a user is a member of, directly or (transitive) through nested groups.",
        "GET /users/{id}/memberOf",
        GraphPermissions.UsersMemberOf,
        new JsonObject { ["id"] = "ann@contoso.onmicrosoft.com", ["transitive"] = true });

    protected override IAsyncEnumerable<DirectoryObjectItem> ListCoreAsync(ListUserGroupsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"user '{input.Id}'";
        var top = ODataQuery.PageSize(input.Max);
        var request = input.Transitive == true
            ? run.Client.Users[input.Id].TransitiveMemberOf.ToGetRequestInformation(rc => rc.QueryParameters.Top = top)
            : run.Client.Users[input.Id].MemberOf.ToGetRequestInformation(rc => rc.QueryParameters.Top = top);
        return Paging.ItemsAsync(run, request, DirectoryObjectCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(DirectoryObjectItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
