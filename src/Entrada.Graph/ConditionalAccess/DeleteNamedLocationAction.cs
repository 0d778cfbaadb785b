using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>named-locations.delete: DELETE /identity/conditionalAccess/namedLocations/{id}.</summary>
internal sealed class DeleteNamedLocationAction : GraphAction<ConditionalAccessIdInput, DeleteOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "named-locations.delete",
        "Deletes a named location (Graph refuses while a conditional access policy uses it).",
        "DELETE /identity/conditionalAccess/namedLocations/{id}",
        GraphPermissions.NamedLocationsWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001" });

    protected override async Task<DeleteOutput> RunAsync(ConditionalAccessIdInput input, GraphRun run, CancellationToken cancellationToken)
    {
        run.Subject = $"named location '{input.Id}'";
        var request = run.Client.Identity.ConditionalAccess.NamedLocations[input.Id].ToDeleteRequestInformation();
        if (!run.ShouldSend(request))
        {
            return new DeleteOutput(input.Id, false, DryRun: true);
        }

        try
        {
            await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ODataError e) when (e.ResponseStatusCode == 400)
        {
            throw GraphErrors.FromStatus(
                400,
                e.Error?.Code,
                (e.Error?.Message ?? "no message") + " Remove the location from those policies first (conditional-access.policies.list shows where each is used).",
                e.ResponseHeaders.TryGetValue("request-id", out var id) ? id.FirstOrDefault() : null,
                Descriptor,
                run.Context.Connection,
                run.Subject,
                e);
        }

        return new DeleteOutput(input.Id, true);
    }
}
