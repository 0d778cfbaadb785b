using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>conditional-access.policies.list: GET /identity/conditionalAccess/policies.</summary>
internal sealed class ListPoliciesAction : GraphListAction<ConditionalAccessListInput, PolicyItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "conditional-access.policies.list",
        "Lists the conditional access policies with their state (enabled, report-only, disabled), conditions and controls.",
        "GET /identity/conditionalAccess/policies",
        GraphPermissions.ConditionalAccessRead,
        new JsonObject { ["filter"] = "state eq 'enabled'" });

    protected override IAsyncEnumerable<PolicyItem> ListCoreAsync(ConditionalAccessListInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var request = run.Client.Identity.ConditionalAccess.Policies.ToGetRequestInformation(rc => rc.QueryParameters.Filter = input.Filter);
        return Paging.ItemsAsync(run, request, ConditionalAccessPolicyCollectionResponse.CreateFromDiscriminatorValue, p => p.Value?.Select(PolicyItem.From), p => p.OdataNextLink, input.Max, cancellationToken);
    }
}
