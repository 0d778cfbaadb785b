using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>conditional-access.policies.get: GET /identity/conditionalAccess/policies/{id}.</summary>
internal sealed class GetPolicyAction : GraphAction<ConditionalAccessIdInput, PolicyItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "conditional-access.policies.get",
        "Gets one conditional access policy with its state, conditions and controls.",
        "GET /identity/conditionalAccess/policies/{id}",
        GraphPermissions.ConditionalAccessRead,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001" });

    protected override async Task<PolicyItem> RunAsync(ConditionalAccessIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"conditional access policy '{input.Id}'";
        var request = run.Client.Identity.ConditionalAccess.Policies[input.Id].ToGetRequestInformation();
        return PolicyItem.From((await run.SendAsync(request, ConditionalAccessPolicy.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false))!);
    }
}
