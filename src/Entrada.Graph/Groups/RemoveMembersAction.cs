using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;

namespace Entrada.Graph.Groups;

/// <summary>groups.members.remove: DELETE /groups/{id}/members/{member}/$ref, 20 to a <c>$batch</c>.</summary>
internal sealed class RemoveMembersAction : GraphBulkAction<MembersInput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.members.remove",
        "Removes members from a group, 20 requests per batch; reports each as done, unchanged (not a member) or failed.",
        "DELETE /groups/{id}/members/{memberId}/$ref",
        GraphPermissions.GroupMembersWrite,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["groupId"] = "00000000-0000-0000-0000-000000000001", ["memberIds"] = new JsonArray("00000000-0000-0000-0000-000000000002") });

    protected override MembersInput WithItems(MembersInput input, IReadOnlyList<string> items) => input with { MemberIds = items };

    protected override async Task<BulkResult> RunSliceAsync(MembersInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var steps = input.MemberIds.Select((id, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Groups[input.GroupId].Members[id].Ref.ToDeleteRequestInformation())).ToList();
        var answers = await GraphBatch.SendAsync(run, steps, cancellationToken).ConfigureAwait(false);
        if (run.DryRun)
        {
            return BulkResult.Of([.. input.MemberIds.Select(id => new BulkItemResult(id, BulkOutcome.Planned))]);
        }

        GraphBatch.ThrowIfAllForbidden(run, answers);
        if (answers.Values.Any(a => a.Status == 404))
        {
            // Not a member, or no such group: tell them apart before reporting "unchanged".
            await GroupChecks.EnsureGroupExistsAsync(run, input.GroupId, cancellationToken).ConfigureAwait(false);
        }

        return BulkResult.Of([.. input.MemberIds.Select((id, i) => answers[steps[i].Id] switch
        {
            { Succeeded: true } => new BulkItemResult(id, BulkOutcome.Done),
            { Status: 404 } => new BulkItemResult(id, BulkOutcome.Unchanged, "Not a member of the group."),
            var failed => GraphBatch.Failure(run, id, failed, $"member '{id}'"),
        })]);
    }
}
