namespace Entrada.Emulator;

/// <summary>A directory role assignment of the emulated tenant as tests see it (a snapshot).</summary>
/// <param name="Id">The assignment's ID.</param>
/// <param name="RoleDefinitionId">The role definition (a built-in role's template ID, or a custom role's ID).</param>
/// <param name="PrincipalId">Who holds the role.</param>
/// <param name="DirectoryScopeId">Where it applies (<c>/</c> for the whole tenant).</param>
public sealed record EmulatedRoleAssignment(string Id, string RoleDefinitionId, string PrincipalId, string DirectoryScopeId);

/// <summary>A named location of the emulated tenant as tests see it (a snapshot).</summary>
/// <param name="Id">The location's ID.</param>
/// <param name="Kind"><c>ip</c> or <c>country</c>.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="Ranges">The CIDR ranges of an IP location (empty for a country location).</param>
/// <param name="Countries">The countries and regions of a country location (empty for an IP location).</param>
public sealed record EmulatedNamedLocation(string Id, string Kind, string? DisplayName, IReadOnlyList<string> Ranges, IReadOnlyList<string> Countries);
