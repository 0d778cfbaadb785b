using System.ComponentModel;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>A named location: IP ranges or countries.</summary>
internal sealed record NamedLocationItem(
    string? Id,
    [property: Description("ip or country.")] string Type,
    string? DisplayName,
    [property: Description("An IP location marked trusted (conditional access can treat it as a known network).")] bool? IsTrusted,
    [property: Description("The CIDR ranges of an IP location.")] IReadOnlyList<string> IpRanges,
    [property: Description("The two-letter country or region codes of a country location.")] IReadOnlyList<string> CountriesAndRegions,
    bool? IncludeUnknownCountriesAndRegions,
    DateTimeOffset? CreatedDateTime,
    DateTimeOffset? ModifiedDateTime)
{
    public static NamedLocationItem From(NamedLocation location) => location switch
    {
        IpNamedLocation ip => new(ip.Id, "ip", ip.DisplayName, ip.IsTrusted, [.. (ip.IpRanges ?? []).Select(CidrRanges.Of).OfType<string>()], [], null, ip.CreatedDateTime, ip.ModifiedDateTime),
        CountryNamedLocation c => new(c.Id, "country", c.DisplayName, null, [], [.. c.CountriesAndRegions ?? []], c.IncludeUnknownCountriesAndRegions, c.CreatedDateTime, c.ModifiedDateTime),
        _ => new(location.Id, location.OdataType?.Replace("#microsoft.graph.", string.Empty, StringComparison.Ordinal) ?? "namedLocation", location.DisplayName, null, [], [], null, location.CreatedDateTime, location.ModifiedDateTime),
    };
}
