using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>
/// named-locations.update: PATCH /identity/conditionalAccess/namedLocations/{id}. Graph wants the
/// location's derived type in the body, so the location is read first (also in a dry run: a read
/// changes nothing, and the plan then shows the exact PATCH).
/// </summary>
internal sealed class UpdateNamedLocationAction : GraphAction<UpdateNamedLocationInput, UpdateOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "named-locations.update",
        "Updates a named location's name, trust, IP ranges or countries (a list given replaces the whole list).",
        "PATCH /identity/conditionalAccess/namedLocations/{id}",
        GraphPermissions.NamedLocationsWrite,
        destructive: true,
        example: new JsonObject { ["id"] = "00000000-0000-0000-0000-000000000001", ["displayName"] = "Blocked countries" });

    protected override async Task<UpdateOutput> RunAsync(UpdateNamedLocationInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var current = await NamedLocationReads.GetAsync(run, input.Id, cancellationToken).ConfigureAwait(false);
        var changed = new List<string>();
        NamedLocation body;
        if (current is IpNamedLocation)
        {
            if (input.CountriesAndRegions is not null || input.IncludeUnknownCountriesAndRegions is not null)
            {
                throw new EntradaValidationException("countriesAndRegions", $"Named location '{input.Id}' is an IP location; countries belong to country locations.");
            }

            var ip = new IpNamedLocation();
            if (input.Ranges is not null)
            {
                ip.IpRanges = [.. input.Ranges.Select(CidrRanges.ToGraph)];
                changed.Add("ipRanges");
            }

            if (input.IsTrusted is { } trusted)
            {
                ip.IsTrusted = trusted;
                changed.Add("isTrusted");
            }

            body = ip;
        }
        else
        {
            if (input.Ranges is not null || input.IsTrusted is not null)
            {
                throw new EntradaValidationException("ranges", $"Named location '{input.Id}' is a country location; ranges and trust belong to IP locations.");
            }

            var country = new CountryNamedLocation();
            if (input.CountriesAndRegions is not null)
            {
                country.CountriesAndRegions = [.. input.CountriesAndRegions];
                changed.Add("countriesAndRegions");
            }

            if (input.IncludeUnknownCountriesAndRegions is { } unknown)
            {
                country.IncludeUnknownCountriesAndRegions = unknown;
                changed.Add("includeUnknownCountriesAndRegions");
            }

            body = country;
        }

        if (input.DisplayName is not null)
        {
            body.DisplayName = input.DisplayName;
            changed.Insert(0, "displayName");
        }

        var request = run.Client.Identity.ConditionalAccess.NamedLocations[input.Id].ToPatchRequestInformation(body);
        if (!run.ShouldSend(request))
        {
            return new UpdateOutput(input.Id, changed, DryRun: true);
        }

        await run.SendNoContentAsync(request, cancellationToken).ConfigureAwait(false);
        return new UpdateOutput(input.Id, changed);
    }
}
