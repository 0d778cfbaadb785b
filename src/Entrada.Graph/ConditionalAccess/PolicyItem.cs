using System.ComponentModel;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>A conditional access policy: its state, who and what it covers, and what it requires.</summary>
internal sealed record PolicyItem(
    string? Id,
    string? DisplayName,
    [property: Description("enabled, disabled or enabledForReportingButNotEnforced (report-only).")] string? State,
    DateTimeOffset? CreatedDateTime,
    DateTimeOffset? ModifiedDateTime,
    [property: Description("Users it applies to: IDs, All, GuestsOrExternalUsers or None.")] IReadOnlyList<string> IncludeUsers,
    IReadOnlyList<string> ExcludeUsers,
    IReadOnlyList<string> IncludeGroups,
    IReadOnlyList<string> ExcludeGroups,
    [property: Description("Directory role template IDs it applies to.")] IReadOnlyList<string> IncludeRoles,
    IReadOnlyList<string> ExcludeRoles,
    [property: Description("Applications it applies to: IDs, All or Office365.")] IReadOnlyList<string> IncludeApplications,
    IReadOnlyList<string> ExcludeApplications,
    [property: Description("Named location IDs, All or AllTrusted.")] IReadOnlyList<string> IncludeLocations,
    IReadOnlyList<string> ExcludeLocations,
    IReadOnlyList<string> ClientAppTypes,
    IReadOnlyList<string> UserRiskLevels,
    IReadOnlyList<string> SignInRiskLevels,
    [property: Description("AND or OR: whether all or one of the controls is required.")] string? GrantOperator,
    [property: Description("block, mfa, compliantDevice, passwordChange …")] IReadOnlyList<string> GrantControls,
    [property: Description("The authentication strength required, by name.")] string? AuthenticationStrength)
{
    public static PolicyItem From(ConditionalAccessPolicy p)
    {
        var c = p.Conditions;
        static IReadOnlyList<string> Of<T>(IEnumerable<T>? values) => [.. (values ?? []).Select(v => v switch
        {
            Enum e => char.ToLowerInvariant(e.ToString()[0]) + e.ToString()[1..],
            _ => v?.ToString() ?? string.Empty,
        })];
        return new(
            p.Id,
            p.DisplayName,
            p.State is { } s ? Of([s])[0] : null,
            p.CreatedDateTime,
            p.ModifiedDateTime,
            Of(c?.Users?.IncludeUsers),
            Of(c?.Users?.ExcludeUsers),
            Of(c?.Users?.IncludeGroups),
            Of(c?.Users?.ExcludeGroups),
            Of(c?.Users?.IncludeRoles),
            Of(c?.Users?.ExcludeRoles),
            Of(c?.Applications?.IncludeApplications),
            Of(c?.Applications?.ExcludeApplications),
            Of(c?.Locations?.IncludeLocations),
            Of(c?.Locations?.ExcludeLocations),
            Of(c?.ClientAppTypes?.Where(t => t is not null).Select(t => t!.Value)),
            Of(c?.UserRiskLevels?.Where(t => t is not null).Select(t => t!.Value)),
            Of(c?.SignInRiskLevels?.Where(t => t is not null).Select(t => t!.Value)),
            p.GrantControls?.Operator,
            Of(p.GrantControls?.BuiltInControls?.Where(t => t is not null).Select(t => t!.Value)),
            p.GrantControls?.AuthenticationStrength?.DisplayName);
    }
}
