using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>named-locations.get: GET /identity/conditionalAccess/namedLocations/{id}.</summary>
internal sealed class GetNamedLocationAction : GraphAction<ConditionalAccessIdInput, NamedLocationItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "named-locations.get",
        "Gets one named location with its IP ranges or countries.",
        "GET /identity/conditionalAccess/namedLocations/{id}",
        GraphPermissions.ConditionalAccessRead,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001" });

    protected override async Task<NamedLocationItem> RunAsync(ConditionalAccessIdInput input, GraphRun run, CancellationToken cancellationToken) =>
        NamedLocationItem.From(await NamedLocationReads.GetAsync(run, input.Id, cancellationToken).ConfigureAwait(false));
}
