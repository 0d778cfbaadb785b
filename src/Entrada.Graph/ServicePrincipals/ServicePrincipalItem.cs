using Microsoft.Graph.Models;

namespace Entrada.Graph.ServicePrincipals;

/// <summary>An enterprise app (service principal) as Entrada outputs it.</summary>
internal sealed record ServicePrincipalItem(
    string? Id,
    string? AppId,
    string? DisplayName,
    bool? AccountEnabled,
    string? ServicePrincipalType,
    string? AppOwnerOrganizationId,
    string? PublisherName,
    bool? AppRoleAssignmentRequired)
{
    /// <summary>The properties asked for when the input selects none.</summary>
    public static readonly string[] DefaultSelect = ["id", "appId", "displayName", "accountEnabled", "servicePrincipalType", "appOwnerOrganizationId", "publisherName", "appRoleAssignmentRequired"];

    public static ServicePrincipalItem From(ServicePrincipal sp) => new(
        sp.Id,
        sp.AppId,
        sp.DisplayName,
        sp.AccountEnabled,
        sp.ServicePrincipalType,
        sp.AppOwnerOrganizationId?.ToString(),
        sp.AdditionalData.TryGetValue("publisherName", out var publisher) ? publisher?.ToString() : null,
        sp.AppRoleAssignmentRequired);
}
