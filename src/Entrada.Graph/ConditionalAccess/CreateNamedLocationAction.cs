using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>named-locations.create: POST /identity/conditionalAccess/namedLocations.</summary>
internal sealed class CreateNamedLocationAction : GraphAction<CreateNamedLocationInput, NamedLocationItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "named-locations.create",
        "Creates a named location: of IP ranges (IPv4 and IPv6 CIDR) or of countries.",
        "POST /identity/conditionalAccess/namedLocations",
        GraphPermissions.NamedLocationsWrite,
        destructive: true,
        example: new JsonObject { ["displayName"] = "Attacker addresses", ["ranges"] = new JsonArray("192.0.2.66/32", "2001:db8:bad::/48") });

    protected override async Task<NamedLocationItem> RunAsync(CreateNamedLocationInput input, GraphRun run, CancellationToken cancellationToken)
    {
        NamedLocation body = input.Ranges is { Count: > 0 } ranges
            ? new IpNamedLocation { DisplayName = input.DisplayName, IsTrusted = input.IsTrusted ?? false, IpRanges = [.. ranges.Select(CidrRanges.ToGraph)] }
            : new CountryNamedLocation { DisplayName = input.DisplayName, CountriesAndRegions = [.. input.CountriesAndRegions!], IncludeUnknownCountriesAndRegions = input.IncludeUnknownCountriesAndRegions ?? false };
        var request = run.Client.Identity.ConditionalAccess.NamedLocations.ToPostRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return NamedLocationItem.From(body);
        }

        return NamedLocationItem.From((await run.SendAsync(request, NamedLocation.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false))!);
    }
}
