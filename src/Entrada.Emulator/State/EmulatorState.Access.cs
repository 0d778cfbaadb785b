using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;

namespace Entrada.Emulator.State;

/// <summary>Role management (unified RBAC) and conditional access: definitions, assignments, policies and named locations.</summary>
public sealed partial class EmulatorState
{
    internal List<Entity> RoleDefinitions { get; } = [];

    internal List<Entity> RoleAssignments { get; } = [];

    internal List<Entity> ConditionalAccessPolicies { get; } = [];

    internal List<Entity> NamedLocations { get; } = [];

    /// <summary>Lists the directory role assignments.</summary>
    /// <returns>A snapshot of every assignment.</returns>
    public IReadOnlyList<EmulatedRoleAssignment> GetRoleAssignments()
    {
        lock (Sync)
        {
            return [.. RoleAssignments.Select(a => new EmulatedRoleAssignment(a.Id, a.GetString("roleDefinitionId")!, a.GetString("principalId")!, a.GetString("directoryScopeId")!))];
        }
    }

    /// <summary>Assigns a role to a principal at the tenant scope, as <c>POST /roleManagement/directory/roleAssignments</c> does.</summary>
    /// <param name="roleDefinitionId">The role definition's ID (a built-in role's template ID).</param>
    /// <param name="principalId">The user's or group's object ID.</param>
    /// <returns>The assignment's ID.</returns>
    public string AddRoleAssignment(string roleDefinitionId, string principalId)
    {
        lock (Sync)
        {
            if (!RoleDefinitions.Any(d => d.Id.Equals(roleDefinitionId, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"There is no role definition '{roleDefinitionId}'.", nameof(roleDefinitionId));
            }

            if (!Objects.TryGetValue(principalId, out var principal))
            {
                throw new ArgumentException($"There is no principal '{principalId}'.", nameof(principalId));
            }

            return FindRoleAssignmentLocked(roleDefinitionId, principalId, "/")?.Id ?? AssignRoleLocked(roleDefinitionId, principal, "/").Id;
        }
    }

    /// <summary>Lists the role definitions' IDs.</summary>
    /// <param name="builtIn">Built-in definitions (true) or custom ones (false).</param>
    /// <returns>A snapshot of their IDs.</returns>
    public IReadOnlyList<string> GetRoleDefinitionIds(bool builtIn)
    {
        lock (Sync)
        {
            return [.. RoleDefinitions.Where(d => d.Get("isBuiltIn") is true == builtIn).Select(d => d.Id)];
        }
    }

    /// <summary>Lists the conditional access policies' IDs.</summary>
    /// <returns>A snapshot of their IDs.</returns>
    public IReadOnlyList<string> GetConditionalAccessPolicyIds()
    {
        lock (Sync)
        {
            return [.. ConditionalAccessPolicies.Select(p => p.Id)];
        }
    }

    /// <summary>Lists the named locations.</summary>
    /// <returns>A snapshot of every named location.</returns>
    public IReadOnlyList<EmulatedNamedLocation> GetNamedLocations()
    {
        lock (Sync)
        {
            return [.. NamedLocations.Select(l => l.Schema == AccessSchemas.IpNamedLocation
                ? new EmulatedNamedLocation(l.Id, "ip", l.GetString("displayName"), [.. (l.Get("ipRanges") as JsonArray ?? []).Select(r => r?["cidrAddress"]?.GetValue<string>() ?? string.Empty)], [])
                : new EmulatedNamedLocation(l.Id, "country", l.GetString("displayName"), [], l.Get("countriesAndRegions") as string[] ?? []))];
        }
    }

    /// <summary>
    /// Graph's ID of a role assignment: the role definition's and the principal's GUIDs in base64url,
    /// then <c>-1</c> for the tenant scope (<c>lAPpYvVpN0KRkAEhdxReE…-1</c> is Global Administrator).
    /// </summary>
    internal static string RoleAssignmentId(string roleDefinitionId, string principalId, string directoryScopeId)
    {
        static string Part(string id) => Guid.TryParse(id, out var g)
            ? System.Buffers.Text.Base64Url.EncodeToString(g.ToByteArray())
            : System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(id))[..16]);
        var suffix = directoryScopeId == "/" ? "1" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(directoryScopeId))[..4]);
        return Part(roleDefinitionId) + Part(principalId) + "-" + suffix;
    }

    internal Entity? FindRoleAssignmentLocked(string roleDefinitionId, string principalId, string directoryScopeId) =>
        RoleAssignments.FirstOrDefault(a => a.Id == RoleAssignmentId(roleDefinitionId, principalId, directoryScopeId));

    /// <summary>
    /// Adds an assignment; a built-in role at the tenant scope also makes the principal a member of
    /// the activated directory role (activating it first when the tenant has not yet), as Entra does.
    /// </summary>
    internal Entity AssignRoleLocked(string roleDefinitionId, DirectoryObject principal, string directoryScopeId)
    {
        var definition = RoleDefinitions.First(d => d.Id.Equals(roleDefinitionId, StringComparison.OrdinalIgnoreCase));
        var assignment = new Entity(AccessSchemas.RoleAssignment, RoleAssignmentId(definition.Id, principal.Id, directoryScopeId), NextSeq());
        assignment.Set("principalId", principal.Id);
        assignment.Set("roleDefinitionId", definition.Id);
        assignment.Set("directoryScopeId", directoryScopeId);
        assignment.Set("appScopeId", null);
        assignment.Set("resourceScope", directoryScopeId);
        assignment.Set("condition", null);
        RoleAssignments.Add(assignment);
        if (directoryScopeId == "/" && definition.Get("isBuiltIn") is true)
        {
            var role = Roles.FirstOrDefault(r => string.Equals(r.GetString("roleTemplateId"), definition.Id, StringComparison.OrdinalIgnoreCase));
            if (role is null && TenantGenerator.RoleTemplates.Any(t => t.TemplateId == definition.Id))
            {
                role = TenantGenerator.NewRole(this, NewId(), definition.Id);
                Objects.Add(role.Id, role);
                Roles.Add(role);
            }

            if (role is not null && !role.Members.Contains(principal))
            {
                role.Members.Add(principal);
                principal.MemberOf.Add(role);
            }
        }

        return assignment;
    }

    /// <summary>Removes an assignment, and the directory role membership it stands for.</summary>
    internal void UnassignRoleLocked(Entity assignment)
    {
        SeqOrder.Remove(RoleAssignments, assignment);
        if (assignment.GetString("directoryScopeId") != "/" || !Objects.TryGetValue(assignment.GetString("principalId")!, out var principal))
        {
            return;
        }

        var role = Roles.FirstOrDefault(r => string.Equals(r.GetString("roleTemplateId"), assignment.GetString("roleDefinitionId"), StringComparison.OrdinalIgnoreCase));
        if (role is not null && role.Members.Remove(principal))
        {
            principal.MemberOf.Remove(role);
        }
    }

    /// <summary>Keeps the assignments in step with a directory role's members changed through <c>/directoryRoles</c>.</summary>
    internal void SyncRoleMemberLocked(RoleObject role, DirectoryObject member, bool added)
    {
        var templateId = role.GetString("roleTemplateId");
        if (templateId is null || !RoleDefinitions.Any(d => d.Id.Equals(templateId, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var existing = FindRoleAssignmentLocked(templateId, member.Id, "/");
        if (added && existing is null)
        {
            AssignRoleLocked(templateId, member, "/");
        }
        else if (!added && existing is not null)
        {
            SeqOrder.Remove(RoleAssignments, existing);
        }
    }

    /// <summary>A deleted principal holds no roles any more.</summary>
    internal void RemoveRoleAssignmentsOfLocked(string principalId) =>
        RoleAssignments.RemoveAll(a => string.Equals(a.GetString("principalId"), principalId, StringComparison.OrdinalIgnoreCase));
}
