using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Users;

/// <summary>users.enable: PATCH /users/{id} accountEnabled=true, in batches.</summary>
internal sealed class EnableUsersAction : SetAccountEnabledAction
{
    public EnableUsersAction()
        : base(true)
    {
    }
}

/// <summary>users.disable: PATCH /users/{id} accountEnabled=false, in batches.</summary>
internal sealed class DisableUsersAction : SetAccountEnabledAction
{
    public DisableUsersAction()
        : base(false)
    {
    }
}

/// <summary>
/// Sets accountEnabled on many users: reads their state first, so a user already in that state is
/// reported unchanged and left alone, then patches the others (in <c>$batch</c>es). The reads ask
/// for 15 users at a time (<c>$filter=id in (…)</c>, or <c>userPrincipalName in (…)</c>; 15 is
/// Graph's default limit of <c>in</c> values), so reading costs a fifteenth of the requests the
/// writes do. A dry run sends nothing, not even the reads, and plans every PATCH.
/// </summary>
internal abstract class SetAccountEnabledAction(bool enabled) : GraphBulkAction<UserIdsInput>
{
    /// <summary>Graph's default limit of values in one <c>in</c> filter.</summary>
    public const int UsersPerRead = 15;

    public override ActionDescriptor Descriptor { get; } = Graph(
        enabled ? "users.enable" : "users.disable",
        enabled ? "Enables sign-in for users (accountEnabled = true)." : "Blocks sign-in for users (accountEnabled = false).",
        "PATCH /users/{id}",
        GraphPermissions.UsersEnableDisable,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["userIds"] = new JsonArray("ann@contoso.onmicrosoft.com", "00000000-0000-0000-0000-000000000001") });

    protected override UserIdsInput WithItems(UserIdsInput input, IReadOnlyList<string> items) => input with { UserIds = items };

    protected override async Task<BulkResult> RunSliceAsync(UserIdsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var ids = input.UserIds;
        var results = new Dictionary<string, BulkItemResult>(StringComparer.OrdinalIgnoreCase);
        var toChange = ids.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (!run.DryRun)
        {
            var state = await ReadStatesAsync(run, toChange, cancellationToken).ConfigureAwait(false);
            toChange = [];
            foreach (var id in ids.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                switch (state.GetValueOrDefault(id))
                {
                    case { Enabled: var current } when current == enabled:
                        results[id] = new BulkItemResult(id, BulkOutcome.Unchanged, enabled ? "Already enabled." : "Already disabled.");
                        break;
                    case { Failure: { } failure }:
                        results[id] = Failed(run, id, failure);
                        break;
                    default:
                        // In the other state, or not found by the read (the PATCH then says why, or
                        // succeeds where the directory had not caught up yet).
                        toChange.Add(id);
                        break;
                }
            }
        }

        var patches = toChange.Select((id, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Users[id].ToPatchRequestInformation(new User { AccountEnabled = enabled }))).ToList();
        var answers = await GraphBatch.SendAsync(run, patches, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);
        for (var i = 0; i < toChange.Count; i++)
        {
            results[toChange[i]] = run.DryRun
                ? new BulkItemResult(toChange[i], BulkOutcome.Planned)
                : answers[patches[i].Id] is { Succeeded: true } ? new BulkItemResult(toChange[i], BulkOutcome.Done) : Failed(run, toChange[i], answers[patches[i].Id]);
        }

        return BulkResult.Of([.. ids.Select(id => results[id])]);
    }

    /// <summary>What the read found of one user: its accountEnabled, or why it could not be read.</summary>
    private sealed record UserState(bool? Enabled, BatchStepResult? Failure);

    /// <summary>
    /// Reads accountEnabled of <paramref name="ids"/>, 15 to a filtered GET, those GETs 20 to a
    /// <c>$batch</c>. A user the filter does not return is absent from the answer. Where a filtered
    /// read itself fails for a reason other than permission, its users are read one by one, so
    /// each gets its own answer.
    /// </summary>
    private static async Task<Dictionary<string, UserState>> ReadStatesAsync(GraphRun run, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var groups = ids.GroupBy(id => Guid.TryParse(id, out _))
            .SelectMany(byKind => byKind.Chunk(UsersPerRead).Select(chunk => (ByObjectId: byKind.Key, Ids: chunk)))
            .ToList();
        var reads = groups.Select((g, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Users.ToGetRequestInformation(rc =>
        {
            var property = g.ByObjectId ? "id" : "userPrincipalName";
            rc.QueryParameters.Filter = $"{property} in ({string.Join(',', g.Ids.Select(ODataQuery.Literal))})";
            rc.QueryParameters.Select = ["id", "userPrincipalName", "accountEnabled"];
            rc.QueryParameters.Top = UsersPerRead;
        }))).ToList();
        var answers = await GraphBatch.SendAsync(run, reads, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);

        var states = new Dictionary<string, UserState>(StringComparer.OrdinalIgnoreCase);
        var unread = new List<string>();
        for (var i = 0; i < groups.Count; i++)
        {
            var answer = answers[reads[i].Id];
            if (!answer.Succeeded)
            {
                unread.AddRange(groups[i].Ids);
                continue;
            }

            var key = groups[i].ByObjectId ? "id" : "userPrincipalName";
            foreach (var user in answer.Body?["value"]?.AsArray() ?? [])
            {
                if (user?[key]?.GetValue<string>() is { } found)
                {
                    states[found] = new UserState(user["accountEnabled"]?.GetValue<bool?>(), null);
                }
            }
        }

        if (unread.Count > 0)
        {
            var singles = unread.Select((id, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Users[id].ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id", "accountEnabled"]))).ToList();
            var one = await GraphBatch.SendAsync(run, singles, cancellationToken).ConfigureAwait(false);
            GraphBatch.ThrowIfAllForbidden(run, one);
            for (var i = 0; i < unread.Count; i++)
            {
                var answer = one[singles[i].Id];
                states[unread[i]] = answer.Succeeded
                    ? new UserState(answer.Body?["accountEnabled"]?.GetValue<bool?>(), null)
                    : new UserState(null, answer);
            }
        }

        return states;
    }

    internal static BulkItemResult Failed(GraphRun run, string id, BatchStepResult answer) => GraphBatch.Failure(run, id, answer, $"user '{id}'");
}
