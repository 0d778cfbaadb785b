using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;

namespace Entrada.Graph.Users;

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
        var steps = ids.Select((id, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Users[id].RevokeSignInSessions.ToPostRequestInformation())).ToList();
        var answers = await GraphBatch.SendAsync(run, steps, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);
        return BulkResult.Of([.. ids.Select((id, i) => run.DryRun
            ? new BulkItemResult(id, BulkOutcome.Planned)
            : answers[steps[i].Id].Succeeded ? new BulkItemResult(id, BulkOutcome.Done) : SetAccountEnabledAction.Failed(run, id, answers[steps[i].Id]))]);
    }
}
