using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Users;

/// <summary>Input naming many users.</summary>
internal sealed record UserIdsInput([property: Description("Object IDs or user principal names.")] IReadOnlyList<string> UserIds) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => UserIds;

    public IEnumerable<ValidationError> Validate() => InputRules.RequireIds("userIds", UserIds, allowUpn: true);
}

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
/// Sets accountEnabled on many users: reads each user's state first (in <c>$batch</c>es) so a user
/// already in that state is reported unchanged and left alone, then patches the others
/// (in <c>$batch</c>es). A dry run sends nothing, not even the reads, and plans every PATCH.
/// </summary>
internal abstract class SetAccountEnabledAction(bool enabled) : GraphBulkAction<UserIdsInput>
{
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
        var toChange = ids.ToList();
        if (!run.DryRun)
        {
            var reads = ids.Select((id, i) => new BatchStep(i.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Client.Users[id].ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id", "accountEnabled"]))).ToList();
            var state = await GraphBatch.SendAsync(run, reads, cancellationToken).ConfigureAwait(false);
            GraphBatch.ThrowIfAllForbidden(run, state);
            toChange = [];
            for (var i = 0; i < ids.Count; i++)
            {
                var answer = state[reads[i].Id];
                if (answer.Succeeded && answer.Body?["accountEnabled"]?.GetValue<bool>() == enabled)
                {
                    results[ids[i]] = new BulkItemResult(ids[i], BulkOutcomes.Unchanged, enabled ? "Already enabled." : "Already disabled.");
                }
                else if (!answer.Succeeded)
                {
                    results[ids[i]] = Failed(run, ids[i], answer);
                }
                else
                {
                    toChange.Add(ids[i]);
                }
            }
        }

        var patches = toChange.Select((id, i) => new BatchStep(i.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Client.Users[id].ToPatchRequestInformation(new User { AccountEnabled = enabled }))).ToList();
        var answers = await GraphBatch.SendAsync(run, patches, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);
        for (var i = 0; i < toChange.Count; i++)
        {
            results[toChange[i]] = run.DryRun
                ? new BulkItemResult(toChange[i], BulkOutcomes.Planned)
                : answers[patches[i].Id] is { Succeeded: true } ? new BulkItemResult(toChange[i], BulkOutcomes.Done) : Failed(run, toChange[i], answers[patches[i].Id]);
        }

        return BulkResult.Of([.. ids.Select(id => results[id])]);
    }

    internal static BulkItemResult Failed(GraphRun run, string id, BatchStepResult answer) => GraphBatch.Failure(run, id, answer, $"user '{id}'");
}

/// <summary>users.revoke-sessions: POST /users/{id}/revokeSignInSessions, in batches.</summary>
internal sealed class RevokeSessionsAction : GraphBulkAction<UserIdsInput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.revoke-sessions",
        "Revokes users' refresh tokens and session cookies, forcing them to sign in again.",
        "POST /users/{id}/revokeSignInSessions",
        GraphPermissions.UsersRevokeSessions,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["userIds"] = new JsonArray("ann@contoso.onmicrosoft.com") });

    protected override UserIdsInput WithItems(UserIdsInput input, IReadOnlyList<string> items) => input with { UserIds = items };

    protected override async Task<BulkResult> RunSliceAsync(UserIdsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var ids = input.UserIds;
        var steps = ids.Select((id, i) => new BatchStep(i.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Client.Users[id].RevokeSignInSessions.ToPostRequestInformation())).ToList();
        var answers = await GraphBatch.SendAsync(run, steps, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);
        return BulkResult.Of([.. ids.Select((id, i) => run.DryRun
            ? new BulkItemResult(id, BulkOutcomes.Planned)
            : answers[steps[i].Id].Succeeded ? new BulkItemResult(id, BulkOutcomes.Done) : SetAccountEnabledAction.Failed(run, id, answers[steps[i].Id]))]);
    }
}
