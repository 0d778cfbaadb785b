using Microsoft.Graph.Models;

namespace Entrada.Graph.Users;

/// <summary>A user as Entrada outputs it.</summary>
internal sealed record UserItem(
    string? Id,
    string? DisplayName,
    string? UserPrincipalName,
    string? Mail,
    bool? AccountEnabled,
    string? GivenName,
    string? Surname,
    string? JobTitle,
    string? Department,
    string? UserType,
    string? UsageLocation,
    DateTimeOffset? CreatedDateTime,
    IReadOnlyList<Guid>? AssignedLicenses)
{
    /// <summary>The properties asked for when the input selects none: the defaults plus the ones Entrada's actions change.</summary>
    public static readonly string[] DefaultSelect =
        ["id", "displayName", "userPrincipalName", "mail", "accountEnabled", "givenName", "surname", "jobTitle", "department", "userType", "usageLocation", "createdDateTime", "assignedLicenses"];

    public static UserItem From(User user) => new(
        user.Id,
        user.DisplayName,
        user.UserPrincipalName,
        user.Mail,
        user.AccountEnabled,
        user.GivenName,
        user.Surname,
        user.JobTitle,
        user.Department,
        user.UserType,
        user.UsageLocation,
        user.CreatedDateTime,
        user.AssignedLicenses?.Where(l => l.SkuId is not null).Select(l => l.SkuId!.Value).ToList());
}
