using Microsoft.Graph.Models;

namespace Entrada.Graph.RiskyUsers;

/// <summary>A risky user of Identity Protection.</summary>
internal sealed record RiskyUserItem(
    string? Id,
    string? UserDisplayName,
    string? UserPrincipalName,
    string? RiskLevel,
    string? RiskState,
    string? RiskDetail,
    DateTimeOffset? RiskLastUpdatedDateTime,
    bool? IsDeleted,
    bool? IsProcessing)
{
    public static RiskyUserItem From(RiskyUser r) => new(
        r.Id, r.UserDisplayName, r.UserPrincipalName, Wire(r.RiskLevel), Wire(r.RiskState), Wire(r.RiskDetail), r.RiskLastUpdatedDateTime, r.IsDeleted, r.IsProcessing);

    /// <summary>Graph's wire name of an enum value (camelCase), as its JSON shows it.</summary>
    public static string? Wire<T>(T? value)
        where T : struct, Enum => value is { } v ? char.ToLowerInvariant(v.ToString()[0]) + v.ToString()[1..] : null;
}
