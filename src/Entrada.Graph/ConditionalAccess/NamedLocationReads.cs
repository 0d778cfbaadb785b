using Entrada.Core;
using Entrada.Graph.Client;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>Reading a named location before changing it: Graph's update wants its derived type and, for ranges, the whole list.</summary>
internal static class NamedLocationReads
{
    public static async Task<NamedLocation> GetAsync(GraphRun run, string id, CancellationToken cancellationToken)
    {
        run.Subject = $"named location '{id}'";
        var request = run.Client.Identity.ConditionalAccess.NamedLocations[id].ToGetRequestInformation();
        return (await run.SendAsync(request, NamedLocation.CreateFromDiscriminatorValue, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>The IP location, or a clear refusal when the location is of countries.</summary>
    public static async Task<IpNamedLocation> GetIpAsync(GraphRun run, string id, CancellationToken cancellationToken) =>
        await GetAsync(run, id, cancellationToken).ConfigureAwait(false) as IpNamedLocation
            ?? throw new EntradaValidationException("id", $"Named location '{id}' is a country location; ranges belong to IP locations. The action named-locations.update changes its countries.");
}
