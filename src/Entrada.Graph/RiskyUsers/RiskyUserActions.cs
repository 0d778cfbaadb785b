using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.RiskyUsers;

/// <summary>A risky user of Identity Protection.</summary>
internal sealed record RiskyUserItem(
    string? Id,
    string? UserDisplayName,
    string? UserPrincipalName,
    string? RiskLevel,
    string? RiskState,
    string? RiskDetail,
    DateTimeOffset? RiskLastUpdatedDateTime,
    bool? IsDeleted,
    bool? IsProcessing)
{
    public static RiskyUserItem From(RiskyUser r) => new(
        r.Id, r.UserDisplayName, r.UserPrincipalName, Wire(r.RiskLevel), Wire(r.RiskState), Wire(r.RiskDetail), r.RiskLastUpdatedDateTime, r.IsDeleted, r.IsProcessing);

    /// <summary>Graph's wire name of an enum value (camelCase), as its JSON shows it.</summary>
    public static string? Wire<T>(T? value)
        where T : struct, Enum => value is { } v ? char.ToLowerInvariant(v.ToString()[0]) + v.ToString()[1..] : null;
}

/// <summary>An entry of a risky user's history.</summary>
internal sealed record RiskyUserHistoryItem(string? Id, string? UserId, string? InitiatedBy, string? Activity, string? RiskLevel, string? RiskState, string? RiskDetail, DateTimeOffset? RiskLastUpdatedDateTime);

/// <summary>Input of risky-users.list.</summary>
internal sealed record ListRiskyUsersInput(
    [property: Description("OData $filter, e.g. riskLevel eq 'high' or riskState eq 'atRisk'.")] string? Filter = null,
    int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (Max is <= 0)
        {
            yield return new ValidationError("max", $"'max' must be a positive number, not {Max}.");
        }
    }
}

/// <summary>risky-users.list: GET /identityProtection/riskyUsers.</summary>
internal sealed class ListRiskyUsersAction : GraphListAction<ListRiskyUsersInput, RiskyUserItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "risky-users.list",
        "Lists Identity Protection's risky users, with an optional filter.",
        "GET /identityProtection/riskyUsers",
        GraphPermissions.RiskyUsersRead,
        new JsonObject { ["filter"] = "riskState eq 'atRisk'" });

    protected override IAsyncEnumerable<RiskyUserItem> ListCoreAsync(ListRiskyUsersInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = run.Client.IdentityProtection.RiskyUsers.ToGetRequestInformation(rc =>
        {
            rc.QueryParameters.Filter = input.Filter;
            rc.QueryParameters.Top = ODataQuery.PageSize(input.Max, 500);
        });
        return Paging.ItemsAsync(run, request, RiskyUserCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(RiskyUserItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}

/// <summary>Input naming one risky user by user object ID or user principal name.</summary>
internal sealed record RiskyUserIdInput(
    [property: Description("The user's object ID, or user principal name (looked up by filter).")] string Id,
    int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}

/// <summary>Looks up a risky user's id when given a UPN.</summary>
internal static class RiskyUserLookup
{
    public static async Task<string> ResolveAsync(GraphRun run, string id, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(id, out _))
        {
            return id;
        }

        run.Subject = $"risky user '{id}'";
        // The UPN is user input inside an OData literal: escaped so an apostrophe matches as written.
        var request = run.Client.IdentityProtection.RiskyUsers.ToGetRequestInformation(rc => rc.QueryParameters.Filter = $"userPrincipalName eq {ODataQuery.Literal(id)}");
        var page = await run.SendAsync(request, RiskyUserCollectionResponse.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        return page?.Value?.FirstOrDefault()?.Id
            ?? throw new GraphRequestException($"Identity Protection has no risky user '{id}'. Check the user principal name, or list the risky users.", 404, "Request_ResourceNotFound", null) { Next = new NextStep(NextStepKind.RunAction, "risky-users.list") };
    }
}

/// <summary>risky-users.get: GET /identityProtection/riskyUsers/{id}.</summary>
internal sealed class GetRiskyUserAction : GraphAction<RiskyUserIdInput, RiskyUserItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "risky-users.get",
        "Gets one risky user by user object ID or user principal name.",
        "GET /identityProtection/riskyUsers/{id}",
        GraphPermissions.RiskyUsersRead,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000002" });

    protected override async Task<RiskyUserItem> RunAsync(RiskyUserIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var id = await RiskyUserLookup.ResolveAsync(run, input.Id, cancellationToken).ConfigureAwait(false);
        run.Subject = $"risky user '{input.Id}'";
        var user = await run.SendAsync(run.Client.IdentityProtection.RiskyUsers[id].ToGetRequestInformation(), RiskyUser.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false);
        return RiskyUserItem.From(user!);
    }
}

/// <summary>risky-users.history: GET /identityProtection/riskyUsers/{id}/history.</summary>
internal sealed class RiskyUserHistoryAction : GraphListAction<RiskyUserIdInput, RiskyUserHistoryItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "risky-users.history",
        "Lists the risk history of a user.",
        "GET /identityProtection/riskyUsers/{id}/history",
        GraphPermissions.RiskyUsersRead,
        new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000002" });

    protected override async IAsyncEnumerable<RiskyUserHistoryItem> ListCoreAsync(RiskyUserIdInput input, GraphRun run, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var id = await RiskyUserLookup.ResolveAsync(run, input.Id, cancellationToken).ConfigureAwait(false);
        run.Subject = $"risky user '{input.Id}'";
        var request = run.Client.IdentityProtection.RiskyUsers[id].History.ToGetRequestInformation();
        await foreach (var item in Paging.ItemsAsync(
            run,
            request,
            RiskyUserHistoryItemCollectionResponse.CreateFromDiscriminatorValue,
            p => p.Value?.Select(h => new RiskyUserHistoryItem(h.Id, h.UserId, h.InitiatedBy, RiskyUserItem.Wire(h.Activity?.Detail), RiskyUserItem.Wire(h.RiskLevel), RiskyUserItem.Wire(h.RiskState), RiskyUserItem.Wire(h.RiskDetail), h.RiskLastUpdatedDateTime)),
            p => p.OdataNextLink,
            input.Max,
            cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }
}

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
