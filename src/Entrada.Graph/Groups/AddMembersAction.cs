using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>
/// groups.members.add: 20 members per <c>PATCH /groups/{id}</c> with <c>members@odata.bind</c>,
/// those PATCHes 20 to a <c>$batch</c>. Graph adds none of a PATCH's members when one fails
/// (already a member, no such object), so a failed PATCH is retried member by member
/// (<c>POST members/$ref</c>, batched) to say which were added, already there, or failed.
/// </summary>
internal sealed class AddMembersAction : GraphBulkAction<MembersInput>
{
    /// <summary>Graph's limit of references per members@odata.bind PATCH.</summary>
    public const int MembersPerPatch = 20;

    /// <summary>Four full <c>$batch</c>es of 20 PATCHes of 20 members per checkpoint; with four slices in flight, twice the most <c>$batch</c>es the limiter allows.</summary>
    protected override int SliceSize => 4 * GraphBatch.MaxStepsPerBatch * MembersPerPatch;

    /// <inheritdoc />
    protected override int SlicesInFlight => 4;

    public override ActionDescriptor Descriptor { get; } = Graph(
        "groups.members.add",
        "Adds members to a group, 20 per request and 20 requests per batch; reports each as done, unchanged (already a member) or failed.",
        "PATCH /groups/{id} (members@odata.bind)",
        GraphPermissions.GroupMembersWrite,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["groupId"] = "00000000-0000-0000-0000-000000000001", ["memberIds"] = new JsonArray("00000000-0000-0000-0000-000000000002") });

    /// <summary>
    /// Above this many members refused, the group's direct members are read (999 a page, once per
    /// run) instead of asking about each with a write; below, one <c>$batch</c> or two of single adds
    /// cost less than reading a large group.
    /// </summary>
    public const int ReadMembersAbove = 2 * GraphBatch.MaxStepsPerBatch;

    protected override MembersInput WithItems(MembersInput input, IReadOnlyList<string> items) => input with { MemberIds = items };

    /// <summary>The IDs of a group's direct members.</summary>
    private static async Task<HashSet<string>> ReadMemberIdsAsync(GraphRun run, string groupId, CancellationToken cancellationToken)
    {
        var request = run.Client.Groups[groupId].Members.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Select = ["id"];
            rc.QueryParameters.Top = ODataQuery.PageSize(null);
        });
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var id in Paging.ItemsAsync(run, request, DirectoryObjectCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(o => o.Id), p => p.OdataNextLink, null, cancellationToken).ConfigureAwait(false))
        {
            if (id is not null)
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    protected override async Task<BulkResult> RunSliceAsync(MembersInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var root = run.Context.Connection.Cloud.GraphEndpoint.ToString().TrimEnd('/');
        var chunks = input.MemberIds.Chunk(MembersPerPatch).ToList();
        var patches = chunks.Select((chunk, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Groups[input.GroupId].ToPatchRequestInformation(new Group
        {
            AdditionalData = new Dictionary<string, object> { ["members@odata.bind"] = chunk.Select(id => $"{root}/directoryObjects/{id}").ToList() },
        }))).ToList();
        var answers = await GraphBatch.SendAsync(run, patches, cancellationToken).ConfigureAwait(false);
        if (run.DryRun)
        {
            return BulkResult.Of([.. input.MemberIds.Select(id => new BulkItemResult(id, BulkOutcome.Planned))]);
        }

        GraphBatch.ThrowIfAllForbidden(run, answers);
        var results = new Dictionary<string, BulkItemResult>(StringComparer.OrdinalIgnoreCase);
        var retry = new List<string>();
        for (var i = 0; i < chunks.Count; i++)
        {
            var answer = answers[patches[i].Id];
            if (answer.Succeeded)
            {
                foreach (var id in chunks[i])
                {
                    results[id] = new BulkItemResult(id, BulkOutcome.Done);
                }
            }
            else if (answer.Status is 400 or 404)
            {
                retry.AddRange(chunks[i]);
            }
            else
            {
                foreach (var id in chunks[i])
                {
                    results[id] = GraphBatch.Failure(run, id, answer, $"member '{id}'");
                }
            }
        }

        if (retry.Count > 0)
        {
            await GroupChecks.EnsureGroupExistsAsync(run, input.GroupId, cancellationToken).ConfigureAwait(false);
        }

        if (retry.Count > ReadMembersAbove)
        {
            // Many refused (a run repeated, or a list mostly of members already): read the group's
            // members once for the run rather than spend a write on each to learn it.
            var members = await run.OnceAsync("members:" + input.GroupId, () => ReadMemberIdsAsync(run, input.GroupId, cancellationToken)).ConfigureAwait(false);
            foreach (var id in retry.Where(members.Contains))
            {
                results[id] = new BulkItemResult(id, BulkOutcome.Unchanged, "Already a member.");
            }

            retry.RemoveAll(members.Contains);
        }

        if (retry.Count > 0)
        {
            var singles = retry.Select((id, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Groups[input.GroupId].Members.Ref.ToPostRequestInformation(new ReferenceCreate { OdataId = $"{root}/directoryObjects/{id}" }))).ToList();
            var singleAnswers = await GraphBatch.SendAsync(run, singles, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < retry.Count; i++)
            {
                var answer = singleAnswers[singles[i].Id];
                results[retry[i]] = answer switch
                {
                    { Succeeded: true } => new BulkItemResult(retry[i], BulkOutcome.Done),
                    { Status: 400 } when answer.ErrorMessage?.Contains("already exist", StringComparison.OrdinalIgnoreCase) == true => new BulkItemResult(retry[i], BulkOutcome.Unchanged, "Already a member."),
                    _ => GraphBatch.Failure(run, retry[i], answer, $"directory object '{retry[i]}'"),
                };
            }
        }

        return BulkResult.Of([.. input.MemberIds.Select(id => results[id])]);
    }
}
