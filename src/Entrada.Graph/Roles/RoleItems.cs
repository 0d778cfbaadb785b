using System.ComponentModel;
using Entrada.Core;
using Entrada.Graph.Shared;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Roles;

/// <summary>A directory role definition: built-in (its ID is the role's template ID) or custom.</summary>
internal sealed record RoleDefinitionItem(
    [property: Description("The definition's ID; for a built-in role, its template ID.")] string? Id,
    string? DisplayName,
    string? Description,
    bool? IsBuiltIn,
    bool? IsEnabled,
    string? TemplateId,
    [property: Description("The resource actions the role allows.")] IReadOnlyList<string> AllowedResourceActions)
{
    public static RoleDefinitionItem From(UnifiedRoleDefinition d) => new(
        d.Id,
        d.DisplayName,
        d.Description,
        d.IsBuiltIn,
        d.IsEnabled,
        d.TemplateId,
        [.. (d.RolePermissions ?? []).SelectMany(p => p.AllowedResourceActions ?? [])]);
}

/// <summary>Who holds which directory role, where.</summary>
internal sealed record RoleAssignmentItem(
    [property: Description("The assignment's ID (what roles.assignments.remove takes).")] string? Id,
    string? RoleDefinitionId,
    [property: Description("The role's display name.")] string? RoleName,
    string? PrincipalId,
    [property: Description("user, group, servicePrincipal …")] string? PrincipalType,
    string? PrincipalName,
    [property: Description("The principal's user principal name, for a user.")] string? PrincipalUserPrincipalName,
    [property: Description("Where the role applies: / for the whole tenant.")] string? DirectoryScopeId)
{
    public static RoleAssignmentItem From(UnifiedRoleAssignment a, IReadOnlyDictionary<string, string?> roleNames)
    {
        var principal = a.Principal is null ? null : DirectoryObjectItem.From(a.Principal);
        return new(
            a.Id,
            a.RoleDefinitionId,
            a.RoleDefinitionId is { } r && roleNames.TryGetValue(r, out var name) ? name : a.RoleDefinition?.DisplayName,
            a.PrincipalId,
            principal?.Type,
            principal?.DisplayName,
            principal?.UserPrincipalName,
            a.DirectoryScopeId);
    }
}

/// <summary>The principal already holds the role at that scope (Graph refuses a second, identical assignment).</summary>
internal sealed class RoleAssignmentExistsException(string message, Exception? innerException = null) : EntradaException(message, innerException)
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.RemoteConflict;
}
