using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>Input of groups.members.check.</summary>
internal sealed record CheckMemberInput(
    [property: Description("The group's object ID.")] string GroupId,
    [property: Description("The object ID of the user, group, device or service principal.")] string MemberId,
    [property: Description("Count membership through nested groups (default true).")] bool? Transitive = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() =>
        InputRules.RequireId("groupId", GroupId, allowUpn: false).Concat(InputRules.RequireId("memberId", MemberId, allowUpn: false));
}

/// <summary>Output of groups.members.check.</summary>
internal sealed record CheckMemberOutput(string GroupId, string MemberId, bool IsMember, bool Transitive);

/// <summary>
/// groups.members.check: transitive (default) through POST /directoryObjects/{id}/checkMemberGroups;
/// direct by filtering the group's members on the ID.
/// </summary>
internal sealed class CheckMemberAction : GraphAction<CheckMemberInput, CheckMemberOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.members.check",
        "Tells whether an object is a member of a group, directly or through nested groups (transitive, the default).",
        "POST /directoryObjects/{id}/checkMemberGroups",
        GraphPermissions.GroupMembersRead,
        example: new JsonObject { ["groupId"] = "00000000-0000-0000-0000-000000000001", ["memberId"] = "00000000-0000-0000-0000-000000000002" });

    protected override async Task<CheckMemberOutput> RunAsync(CheckMemberInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var transitive = input.Transitive ?? true;
        if (transitive)
        {
            run.Subject = $"directory object '{input.MemberId}'";
            var request = run.Client.DirectoryObjects[input.MemberId].CheckMemberGroups.ToPostRequestInformation(
                new Microsoft.Graph.DirectoryObjects.Item.CheckMemberGroups.CheckMemberGroupsPostRequestBody { GroupIds = [input.GroupId] });
            var answer = await run.SendAsync(request, Microsoft.Graph.DirectoryObjects.Item.CheckMemberGroups.CheckMemberGroupsPostResponse.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
            var isMember = answer?.Value?.Contains(input.GroupId, StringComparer.OrdinalIgnoreCase) == true;
            return new CheckMemberOutput(input.GroupId, input.MemberId, isMember, true);
        }

        run.Subject = $"group '{input.GroupId}'";
        var direct = run.Client.Groups[input.GroupId].Members.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Filter = $"id eq {ODataQuery.Literal(input.MemberId)}";
            rc.QueryParameters.Select = ["id"];
            rc.QueryParameters.Count = true;
            rc.Headers.Add("ConsistencyLevel", "eventual");
        });
        var page = await run.SendAsync(direct, DirectoryObjectCollectionResponse.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        return new CheckMemberOutput(input.GroupId, input.MemberId, page?.Value?.Any(o => string.Equals(o.Id, input.MemberId, StringComparison.OrdinalIgnoreCase)) == true, false);
    }
}
