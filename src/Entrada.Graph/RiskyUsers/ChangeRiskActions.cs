using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;

namespace Entrada.Graph.RiskyUsers;

/// <summary>Input of risky-users.confirm-compromised and risky-users.dismiss.</summary>
internal sealed record RiskyUserIdsInput([property: Description("Object IDs of the users.")] IReadOnlyList<string> UserIds) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => UserIds;

    public IEnumerable<ValidationError> Validate() => InputRules.RequireIds("userIds", UserIds, allowUpn: false);
}

/// <summary>risky-users.confirm-compromised: POST /identityProtection/riskyUsers/confirmCompromised.</summary>
internal sealed class ConfirmCompromisedAction() : ChangeRiskAction(true);

/// <summary>risky-users.dismiss: POST /identityProtection/riskyUsers/dismiss.</summary>
internal sealed class DismissRiskAction() : ChangeRiskAction(false);

/// <summary>
/// Changes the risk state of many users. The API takes a list of user IDs per request, and
/// Identity Protection allows about one request per second per tenant (throttled without
/// Retry-After), so the IDs go in as few requests as possible — up to
/// <see cref="UsersPerRequest"/> each — rather than one <c>$batch</c> step per user, which would
/// be throttled step by step.
/// </summary>
internal abstract class ChangeRiskAction(bool compromised) : GraphBulkAction<RiskyUserIdsInput>
{
    /// <summary>User IDs per request.</summary>
    public const int UsersPerRequest = 60;

    public override ActionDescriptor Descriptor { get; } = Graph(
        compromised ? "risky-users.confirm-compromised" : "risky-users.dismiss",
        compromised ? "Confirms users as compromised (sets their risk to high)." : "Dismisses users' risk (sets it to none).",
        compromised ? "POST /identityProtection/riskyUsers/confirmCompromised" : "POST /identityProtection/riskyUsers/dismiss",
        GraphPermissions.RiskyUsersWrite,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["userIds"] = new JsonArray("00000000-0000-0000-0000-000000000002") });

    protected override RiskyUserIdsInput WithItems(RiskyUserIdsInput input, IReadOnlyList<string> items) => input with { UserIds = items };

    protected override async Task<BulkResult> RunSliceAsync(RiskyUserIdsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var results = new List<BulkItemResult>();
        foreach (var chunk in input.UserIds.Chunk(UsersPerRequest))
        {
            var request = compromised
                ? run.Client.IdentityProtection.RiskyUsers.ConfirmCompromised.ToPostRequestInformation(new() { UserIds = [.. chunk] })
                : run.Client.IdentityProtection.RiskyUsers.Dismiss.ToPostRequestInformation(new() { UserIds = [.. chunk] });
            if (!run.ShouldSend(request))
            {
                results.AddRange(chunk.Select(id => new BulkItemResult(id, BulkOutcome.Planned)));
                continue;
            }

            try
            {
                await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
                results.AddRange(chunk.Select(id => new BulkItemResult(id, BulkOutcome.Done)));
            }
            catch (Microsoft.Graph.Models.ODataErrors.ODataError error) when (error.ResponseStatusCode is 400 or 404)
            {
                var message = run.Translate(error).Message;
                results.AddRange(chunk.Select(id => new BulkItemResult(id, BulkOutcome.Failed, message)));
            }

            run.Context.Progress?.Report(new ActionProgress(results.Count, input.UserIds.Count));
        }

        return BulkResult.Of(results);
    }
}
