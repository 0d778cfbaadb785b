using Entrada.Graph.RiskyUsers;
using Microsoft.Graph.Models.Security;

namespace Entrada.Graph.Alerts;

/// <summary>A security alert (alerts v2).</summary>
internal sealed record AlertItem(
    string? Id,
    string? Title,
    string? Severity,
    string? Status,
    string? Classification,
    string? Determination,
    string? AssignedTo,
    string? Category,
    string? ServiceSource,
    string? DetectionSource,
    string? IncidentId,
    DateTimeOffset? CreatedDateTime,
    DateTimeOffset? LastUpdateDateTime,
    string? AlertWebUrl,
    IReadOnlyList<AlertCommentItem>? Comments)
{
    public static AlertItem From(Alert a) => new(
        a.Id,
        a.Title,
        RiskyUserItem.Wire(a.Severity),
        RiskyUserItem.Wire(a.Status),
        RiskyUserItem.Wire(a.Classification),
        RiskyUserItem.Wire(a.Determination),
        a.AssignedTo,
        a.Category,
        RiskyUserItem.Wire(a.ServiceSource),
        RiskyUserItem.Wire(a.DetectionSource),
        a.IncidentId,
        a.CreatedDateTime,
        a.LastUpdateDateTime,
        a.AlertWebUrl,
        a.Comments?.Select(c => new AlertCommentItem(c.Comment, c.CreatedByDisplayName, c.CreatedDateTime)).ToList());
}

/// <summary>A comment on an alert.</summary>
internal sealed record AlertCommentItem(string? Comment, string? CreatedByDisplayName, DateTimeOffset? CreatedDateTime);
