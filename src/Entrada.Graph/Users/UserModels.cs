using System.ComponentModel;
using System.Security.Cryptography;
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

/// <summary>A directory object (group, user, role …) as listed in memberships.</summary>
internal sealed record DirectoryObjectItem(
    [property: Description("The object ID.")] string? Id,
    [property: Description("group, user, directoryRole, servicePrincipal …")] string? Type,
    string? DisplayName,
    string? UserPrincipalName,
    string? Mail)
{
    public static DirectoryObjectItem From(DirectoryObject o) => o switch
    {
        User u => new(u.Id, "user", u.DisplayName, u.UserPrincipalName, u.Mail),
        Group g => new(g.Id, "group", g.DisplayName, null, g.Mail),
        DirectoryRole r => new(r.Id, "directoryRole", r.DisplayName, null, null),
        ServicePrincipal s => new(s.Id, "servicePrincipal", s.DisplayName, null, null),
        Device d => new(d.Id, "device", d.DisplayName, null, null),
        OrgContact c => new(c.Id, "orgContact", c.DisplayName, null, c.Mail),
        _ => new(o.Id, o.OdataType?.Replace("#microsoft.graph.", string.Empty, StringComparison.Ordinal), o.AdditionalData.TryGetValue("displayName", out var n) ? n?.ToString() : null, null, null),
    };
}

/// <summary>Temporary passwords for new users and resets.</summary>
internal static class TemporaryPassword
{
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Digits = "23456789";
    private const string Symbols = "!#%+-=?@";

    /// <summary>A 16-character password with upper and lower case, digits and symbols (Entra's complexity rules).</summary>
    public static string Generate()
    {
        var all = Upper + Lower + Digits + Symbols;
        var chars = new char[16];
        chars[0] = Upper[RandomNumberGenerator.GetInt32(Upper.Length)];
        chars[1] = Lower[RandomNumberGenerator.GetInt32(Lower.Length)];
        chars[2] = Digits[RandomNumberGenerator.GetInt32(Digits.Length)];
        chars[3] = Symbols[RandomNumberGenerator.GetInt32(Symbols.Length)];
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
