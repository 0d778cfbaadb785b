using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>Input of groups.members.list.</summary>
internal sealed record ListMembersInput(
    [property: Description("The group's object ID.")] string GroupId,
    [property: Description("Include members of nested groups (default false: direct only).")] bool? Transitive = null,
    int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("groupId", GroupId, allowUpn: false);
}

/// <summary>groups.members.list: GET /groups/{id}/members or transitiveMembers.</summary>
internal sealed class ListMembersAction : GraphListAction<ListMembersInput, DirectoryObjectItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.members.list",
        "Lists a group's members, directly or (transitive) through nested groups.",
        "GET /groups/{id}/members",
        GraphPermissions.GroupMembersRead,
        new JsonObject { ["groupId"] = "00000000-0000-0000-0000-000000000001", ["transitive"] = false });

    protected override IAsyncEnumerable<DirectoryObjectItem> ListCoreAsync(ListMembersInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"group '{input.GroupId}'";
        var top = ODataQuery.PageSize(input.Max);
        var request = input.Transitive == true
            ? run.Client.Groups[input.GroupId].TransitiveMembers.ToGetRequestInformation(rc => rc.QueryParameters.Top = top)
            : run.Client.Groups[input.GroupId].Members.ToGetRequestInformation(rc => rc.QueryParameters.Top = top);
        return Paging.ItemsAsync(run, request, DirectoryObjectCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(DirectoryObjectItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
