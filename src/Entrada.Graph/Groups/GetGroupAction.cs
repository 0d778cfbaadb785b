using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>groups.get: GET /groups/{id}.</summary>
internal sealed class GetGroupAction : GraphAction<GroupIdInput, GroupItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.get",
        "Gets one group by object ID.",
        "GET /groups/{id}",
        GraphPermissions.GroupsRead,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001" });

    protected override async Task<GroupItem> RunAsync(GroupIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"group '{input.Id}'";
        var request = run.Client.Groups[input.Id].ToGetRequestInformation(rc => rc.QueryParameters.Select = GroupItem.DefaultSelect);
        return GroupItem.From((await run.SendAsync(request, Group.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false))!);
    }
}
