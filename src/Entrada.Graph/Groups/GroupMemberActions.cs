using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Users;
using Microsoft.Graph.Groups.Item.Members.Item.Ref;
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

/// <summary>Input of groups.members.add and groups.members.remove.</summary>
internal sealed record MembersInput(
    [property: Description("The group's object ID.")] string GroupId,
    [property: Description("Object IDs of the users, groups, devices or service principals.")] IReadOnlyList<string> MemberIds) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => MemberIds;

    public IEnumerable<ValidationError> Validate() =>
        InputRules.RequireId("groupId", GroupId, allowUpn: false).Concat(InputRules.RequireIds("memberIds", MemberIds, allowUpn: false));
}

/// <summary>
/// Shared by the member actions. The group is not read before the writes (that would cost every
/// run a round trip); a write answered 404 can mean the group or the member does not exist, so
/// then — once per run — the group is read, and a missing group fails the run as a whole.
/// </summary>
internal static class GroupChecks
{
    public static Task EnsureGroupExistsAsync(GraphRun run, string groupId, CancellationToken cancellationToken)
    {
        if (run.DryRun)
        {
            return Task.CompletedTask;
        }

        return run.OnceAsync("group:" + groupId, async () =>
        {
            run.Subject = $"group '{groupId}'";
            await run.SendAsync(run.Client.Groups[groupId].ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id"]), Group.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
            run.Subject = null;
        });
    }
}

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
