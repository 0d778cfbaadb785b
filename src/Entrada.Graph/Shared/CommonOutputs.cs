using System.ComponentModel;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Shared;

/// <summary>Output of a delete.</summary>
internal sealed record DeleteOutput(string Id, bool Deleted, bool DryRun = false);

/// <summary>Output of an update: what changed on which object.</summary>
internal sealed record UpdateOutput(string Id, IReadOnlyList<string> Updated, bool DryRun = false);

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
