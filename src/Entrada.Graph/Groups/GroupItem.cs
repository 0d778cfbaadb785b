using Microsoft.Graph.Models;

namespace Entrada.Graph.Groups;

/// <summary>A group as Entrada outputs it.</summary>
internal sealed record GroupItem(
    string? Id,
    string? DisplayName,
    string? Description,
    string? MailNickname,
    string? Mail,
    bool? SecurityEnabled,
    bool? MailEnabled,
    IReadOnlyList<string>? GroupTypes,
    DateTimeOffset? CreatedDateTime)
{
    public static readonly string[] DefaultSelect = ["id", "displayName", "description", "mailNickname", "mail", "securityEnabled", "mailEnabled", "groupTypes", "createdDateTime"];

    public static GroupItem From(Group g) => new(g.Id, g.DisplayName, g.Description, g.MailNickname, g.Mail, g.SecurityEnabled, g.MailEnabled, g.GroupTypes, g.CreatedDateTime);
}
