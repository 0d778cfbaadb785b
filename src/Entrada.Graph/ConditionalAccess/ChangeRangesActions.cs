using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>What named-locations.add-ranges or .remove-ranges did to a location's ranges.</summary>
internal sealed record RangesChangeOutput(
    string Id,
    string? DisplayName,
    [property: Description("The ranges added (add-ranges) or removed (remove-ranges).")] IReadOnlyList<string> Changed,
    [property: Description("The ranges given that needed no change: already present (add-ranges) or absent (remove-ranges).")] IReadOnlyList<string> Unchanged,
    [property: Description("The location's ranges after the change (what the PATCH sends).")] IReadOnlyList<string> Ranges,
    [property: Description("Whether a PATCH was sent (false when nothing needed to change).")] bool Updated,
    bool DryRun = false);

/// <summary>
/// The shared flow of both range actions: read the IP location, work out its new list, and PATCH
/// the whole list back (Graph replaces ipRanges as a whole); nothing is sent when nothing changes.
/// A dry run reads the location too (a read changes nothing) so that its plan is the exact PATCH.
/// </summary>
internal abstract class ChangeRangesAction : GraphAction<NamedLocationRangesInput, RangesChangeOutput>
{
    protected abstract bool Adding { get; }

    protected override async Task<RangesChangeOutput> RunAsync(NamedLocationRangesInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var location = await NamedLocationReads.GetIpAsync(run, input.Id, cancellationToken).ConfigureAwait(false);
        var current = (location.IpRanges ?? []).Select(CidrRanges.Of).OfType<string>().ToList();
        var present = current.Select(CidrRanges.Canonical).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var given = input.Ranges.Select(r => (Text: r.Trim(), Key: CidrRanges.Canonical(r))).ToList();
        var changed = given.Where(g => present.Contains(g.Key) != Adding).Select(g => g.Text).ToList();
        var unchanged = given.Where(g => present.Contains(g.Key) == Adding).Select(g => g.Text).ToList();
        var removing = given.Select(g => g.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var next = Adding ? [.. current, .. changed] : current.Where(c => !removing.Contains(CidrRanges.Canonical(c))).ToList();
        if (changed.Count == 0)
        {
            return new RangesChangeOutput(input.Id, location.DisplayName, [], unchanged, current, Updated: false, run.DryRun);
        }

        if (next.Count == 0)
        {
            throw new EntradaValidationException("ranges", $"Removing these ranges would leave named location '{input.Id}' ('{location.DisplayName}') with none, and Graph requires at least one. Delete the location instead (named-locations.delete), or add a range first.");
        }

        var body = new IpNamedLocation { IpRanges = [.. next.Select(CidrRanges.ToGraph)] };
        var request = run.Client.Identity.ConditionalAccess.NamedLocations[input.Id].ToPatchRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new RangesChangeOutput(input.Id, location.DisplayName, changed, unchanged, next, Updated: false, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new RangesChangeOutput(input.Id, location.DisplayName, changed, unchanged, next, Updated: true);
    }
}

/// <summary>named-locations.add-ranges: GET the IP location, PATCH it with its ranges and the new ones.</summary>
internal sealed class AddRangesAction : ChangeRangesAction
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "named-locations.add-ranges",
        "Adds CIDR ranges (IPv4 or IPv6) to an IP named location, keeping the others; a range already there is reported unchanged.",
        "GET, then PATCH /identity/conditionalAccess/namedLocations/{id}",
        GraphPermissions.NamedLocationsWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001", ["ranges"] = new JsonArray("192.0.2.66/32") });

    protected override bool Adding => true;
}

/// <summary>named-locations.remove-ranges: GET the IP location, PATCH it without the given ranges.</summary>
internal sealed class RemoveRangesAction : ChangeRangesAction
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "named-locations.remove-ranges",
        "Removes CIDR ranges from an IP named location, keeping the others; a range not there is reported unchanged.",
        "GET, then PATCH /identity/conditionalAccess/namedLocations/{id}",
        GraphPermissions.NamedLocationsWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001", ["ranges"] = new JsonArray("192.0.2.66/32") });

    protected override bool Adding => false;
}
