using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.RiskyUsers;

/// <summary>An entry of a risky user's history.</summary>
internal sealed record RiskyUserHistoryItem(string? Id, string? UserId, string? InitiatedBy, string? Activity, string? RiskLevel, string? RiskState, string? RiskDetail, DateTimeOffset? RiskLastUpdatedDateTime);

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
