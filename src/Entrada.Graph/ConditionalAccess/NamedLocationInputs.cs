using System.ComponentModel;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Shared;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>Input naming one named location or policy.</summary>
internal sealed record ConditionalAccessIdInput([property: Description("The object's ID (a GUID).")] string Id) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: false);
}

/// <summary>Input of the conditional access list actions.</summary>
internal sealed record ConditionalAccessListInput(
    [property: Description("OData $filter, as Graph takes it, e.g. isof('microsoft.graph.ipNamedLocation') or state eq 'enabled'.")][property: MaxTextLength(4096)] string? Filter = null,
    [property: Description("Stop after this many items; all when absent.")] int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (Max is <= 0)
        {
            yield return new ValidationError("max", $"'max' must be a positive number, not {Max}.");
        }
    }
}

/// <summary>Input of named-locations.add-ranges and named-locations.remove-ranges.</summary>
internal sealed record NamedLocationRangesInput(
    [property: Description("The IP named location's ID.")] string Id,
    [property: Description("CIDR ranges, IPv4 (203.0.113.0/24) or IPv6 (2001:db8::/48).")] IReadOnlyList<string> Ranges) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: false).Concat(CidrRanges.Validate("ranges", Ranges, required: true));
}

/// <summary>Checks of country codes.</summary>
internal static class CountryCodes
{
    public static IEnumerable<ValidationError> Validate(string field, IReadOnlyList<string>? codes)
    {
        for (var i = 0; i < (codes?.Count ?? 0); i++)
        {
            if (codes![i] is not { Length: 2 } code || !code.All(char.IsAsciiLetterUpper))
            {
                yield return new ValidationError($"{field}[{i}]", $"'{field}[{i}]' ('{codes[i]}') is not a two-letter ISO 3166 country code in capitals, such as US or GB.");
            }
        }
    }
}

/// <summary>Input of named-locations.create: ranges for an IP location, or countries for a country location.</summary>
internal sealed record CreateNamedLocationInput(
    string DisplayName,
    [property: Description("CIDR ranges (IPv4 or IPv6): makes an IP location.")] IReadOnlyList<string>? Ranges = null,
    [property: Description("Mark the IP location trusted (default false).")] bool? IsTrusted = null,
    [property: Description("Two-letter country or region codes: makes a country location.")] IReadOnlyList<string>? CountriesAndRegions = null,
    [property: Description("A country location also matches addresses that map to no country (default false).")] bool? IncludeUnknownCountriesAndRegions = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(DisplayName))
        {
            errors.Add(new ValidationError("displayName", "'displayName' is required."));
        }

        var hasRanges = Ranges is { Count: > 0 };
        var hasCountries = CountriesAndRegions is { Count: > 0 };
        if (hasRanges == hasCountries)
        {
            errors.Add(new ValidationError("input", "Give either 'ranges' (an IP location) or 'countriesAndRegions' (a country location), not both and not neither."));
        }
        else if (hasRanges && IncludeUnknownCountriesAndRegions is not null)
        {
            errors.Add(new ValidationError("includeUnknownCountriesAndRegions", "'includeUnknownCountriesAndRegions' applies to a country location, not to one of IP ranges."));
        }
        else if (hasCountries && IsTrusted is not null)
        {
            errors.Add(new ValidationError("isTrusted", "'isTrusted' applies to an IP location, not to a country location."));
        }

        errors.AddRange(CidrRanges.Validate("ranges", Ranges, required: false));
        errors.AddRange(CountryCodes.Validate("countriesAndRegions", CountriesAndRegions));
        return errors;
    }
}

/// <summary>Input of named-locations.update: the fields to change (ranges and countries replace the whole list).</summary>
internal sealed record UpdateNamedLocationInput(
    [property: Description("The named location's ID.")] string Id,
    string? DisplayName = null,
    [property: Description("An IP location's new ranges: the whole list is replaced (named-locations.add-ranges adds to it).")] IReadOnlyList<string>? Ranges = null,
    bool? IsTrusted = null,
    [property: Description("A country location's new countries: the whole list is replaced.")] IReadOnlyList<string>? CountriesAndRegions = null,
    bool? IncludeUnknownCountriesAndRegions = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        var errors = InputRules.RequireId("id", Id, allowUpn: false).ToList();
        if (DisplayName is not null && string.IsNullOrWhiteSpace(DisplayName))
        {
            errors.Add(new ValidationError("displayName", "'displayName' cannot be empty."));
        }

        if (DisplayName is null && Ranges is null && IsTrusted is null && CountriesAndRegions is null && IncludeUnknownCountriesAndRegions is null)
        {
            errors.Add(new ValidationError("input", "Give at least one property to change: displayName, ranges, isTrusted, countriesAndRegions or includeUnknownCountriesAndRegions."));
        }

        if ((Ranges is not null || IsTrusted is not null) && (CountriesAndRegions is not null || IncludeUnknownCountriesAndRegions is not null))
        {
            errors.Add(new ValidationError("input", "'ranges' and 'isTrusted' change an IP location, 'countriesAndRegions' and 'includeUnknownCountriesAndRegions' a country location: give those of one kind."));
        }

        if (Ranges is not null)
        {
            errors.AddRange(CidrRanges.Validate("ranges", Ranges, required: true));
        }

        if (CountriesAndRegions is { Count: 0 })
        {
            errors.Add(new ValidationError("countriesAndRegions", "'countriesAndRegions' needs at least one code."));
        }

        errors.AddRange(CountryCodes.Validate("countriesAndRegions", CountriesAndRegions));
        return errors;
    }
}
