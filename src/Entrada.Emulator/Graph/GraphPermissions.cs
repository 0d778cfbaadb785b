namespace Entrada.Emulator.Graph;

/// <summary>What a Graph operation needs.</summary>
internal enum GraphOperation
{
    UsersRead,
    UsersCreate,
    UsersUpdate,
    UsersEnableDisable,
    UsersManageIdentities,
    UsersDelete,
    UsersRevokeSessions,
    UsersMemberOf,
    UsersLicenseDetails,
    GroupsRead,
    GroupsCreate,
    GroupsUpdate,
    GroupMembersRead,
    GroupMembersWrite,
    MemberCheck,
    DirectoryObjectsRead,
    DirectoryObjectsDelete,
    OrganizationRead,
    OrganizationWrite,
    RolesRead,
    RolesWrite,
    SkusRead,
    LicensesAssign,
    RiskyUsersRead,
    RiskyUsersWrite,
    AlertsRead,
    AlertsWrite,
    Me,
    MeUpdate,
    RoleDefinitionsRead,
    RoleDefinitionsWrite,
    RoleAssignmentsRead,
    RoleAssignmentsWrite,
    ConditionalAccessPoliciesRead,
    ConditionalAccessPoliciesWrite,
    NamedLocationsRead,
    NamedLocationsWrite,
    AuthMethodsRead,
    AuthMethodsWrite,
    TapRead,
    TapWrite,
    MeAuthMethodsRead,
    MeAuthMethodsWrite,
    SignInsRead,
    DirectoryAuditsRead,
    RiskDetectionsRead,
    InvitationsCreate,
    ApplicationsRead,
    ApplicationsCreate,
    ApplicationsWrite,
    ServicePrincipalsRead,
    ServicePrincipalsCreate,
    ServicePrincipalsWrite,
    UsersManagerRead,
    UsersManagerWrite,
    UsersDevicesRead,
    DevicesRead,
    DevicesWrite,
}

/// <summary>
/// The permission table, in one place: for each operation the least-privileged permission first,
/// then the higher ones that also suffice (Microsoft Graph's per-API "Permissions" sections; the
/// least-privileged application permissions are the ones Entrada's actions ask for). Delegated tokens are
/// checked against the delegated permissions of the same names.
/// </summary>
internal static class GraphPermissions
{
    private static readonly Dictionary<GraphOperation, string[]> Table = new()
    {
        [GraphOperation.UsersRead] = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All", "User.ReadBasic.All"],
        [GraphOperation.UsersCreate] = ["User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.UsersUpdate] = ["User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.UsersEnableDisable] = ["User.EnableDisableAccount.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.UsersManageIdentities] = ["User.ManageIdentities.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.UsersDelete] = ["User.ReadWrite.All", "Directory.ReadWrite.All", "User.DeleteRestore.All"],
        [GraphOperation.UsersRevokeSessions] = ["User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.UsersMemberOf] = ["Directory.Read.All", "Directory.ReadWrite.All", "GroupMember.Read.All", "Group.Read.All"],
        [GraphOperation.UsersLicenseDetails] = ["User.Read.All", "LicenseAssignment.Read.All", "Directory.Read.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.GroupsRead] = ["GroupMember.Read.All", "Group.Read.All", "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        [GraphOperation.GroupsCreate] = ["Group.Create", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.GroupsUpdate] = ["Group.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.GroupMembersRead] = ["GroupMember.Read.All", "Group.Read.All", "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        [GraphOperation.GroupMembersWrite] = ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.MemberCheck] = ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All", "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.DirectoryObjectsRead] = ["Directory.Read.All", "Directory.ReadWrite.All"],
        [GraphOperation.DirectoryObjectsDelete] = ["Directory.ReadWrite.All"],
        [GraphOperation.OrganizationRead] = ["Directory.Read.All", "Organization.Read.All", "Organization.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.OrganizationWrite] = ["Organization.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.RolesRead] = ["Directory.Read.All", "RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Directory.ReadWrite.All"],
        [GraphOperation.RolesWrite] = ["RoleManagement.ReadWrite.Directory"],
        [GraphOperation.SkusRead] = ["LicenseAssignment.Read.All", "Directory.Read.All", "Organization.Read.All", "LicenseAssignment.ReadWrite.All", "Organization.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.LicensesAssign] = ["LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.RiskyUsersRead] = ["IdentityRiskyUser.Read.All", "IdentityRiskyUser.ReadWrite.All"],
        [GraphOperation.RiskyUsersWrite] = ["IdentityRiskyUser.ReadWrite.All"],
        [GraphOperation.AlertsRead] = ["SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All"],
        [GraphOperation.AlertsWrite] = ["SecurityAlert.ReadWrite.All"],
        [GraphOperation.MeUpdate] = ["User.ReadWrite", "User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.AuthMethodsRead] = ["UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
        [GraphOperation.AuthMethodsWrite] = ["UserAuthenticationMethod.ReadWrite.All"],
        [GraphOperation.TapRead] = ["UserAuthMethod-TAP.Read.All", "UserAuthenticationMethod.Read.All", "UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All"],
        [GraphOperation.TapWrite] = ["UserAuthenticationMethod.ReadWrite.All", "UserAuthMethod-TAP.ReadWrite.All"],
        [GraphOperation.MeAuthMethodsRead] = ["UserAuthenticationMethod.Read", "UserAuthenticationMethod.ReadWrite", "UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"],
        [GraphOperation.MeAuthMethodsWrite] = ["UserAuthenticationMethod.ReadWrite", "UserAuthenticationMethod.ReadWrite.All"],
        [GraphOperation.SignInsRead] = ["AuditLog.Read.All"],
        [GraphOperation.DirectoryAuditsRead] = ["AuditLog.Read.All"],
        [GraphOperation.RiskDetectionsRead] = ["IdentityRiskEvent.Read.All"],
        [GraphOperation.InvitationsCreate] = ["User.Invite.All", "User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.Me] = ["User.Read", "User.ReadWrite", "User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        [GraphOperation.RoleDefinitionsRead] = ["RoleManagement.Read.Directory", "RoleManagement.Read.All", "Directory.Read.All", "RoleManagement.ReadWrite.Directory", "Directory.ReadWrite.All"],
        [GraphOperation.RoleDefinitionsWrite] = ["RoleManagement.ReadWrite.Directory"],
        [GraphOperation.RoleAssignmentsRead] = ["RoleManagement.Read.Directory", "RoleManagement.Read.All", "Directory.Read.All", "RoleManagement.ReadWrite.Directory", "Directory.ReadWrite.All"],
        [GraphOperation.RoleAssignmentsWrite] = ["RoleManagement.ReadWrite.Directory"],
        [GraphOperation.ConditionalAccessPoliciesRead] = ["Policy.Read.All"],
        [GraphOperation.ConditionalAccessPoliciesWrite] = ["Policy.ReadWrite.ConditionalAccess"],
        [GraphOperation.NamedLocationsRead] = ["Policy.Read.All"],
        [GraphOperation.NamedLocationsWrite] = ["Policy.ReadWrite.ConditionalAccess"],
        [GraphOperation.ApplicationsRead] = ["Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        [GraphOperation.ApplicationsCreate] = ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.ApplicationsWrite] = ["Application.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.ServicePrincipalsRead] = ["Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        [GraphOperation.ServicePrincipalsCreate] = ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.ServicePrincipalsWrite] = ["Application.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.UsersManagerRead] = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        [GraphOperation.UsersManagerWrite] = ["User.ReadWrite.All", "Directory.ReadWrite.All"],
        [GraphOperation.UsersDevicesRead] = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        [GraphOperation.DevicesRead] = ["Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
        [GraphOperation.DevicesWrite] = ["Device.ReadWrite.All", "Directory.ReadWrite.All"],
    };

    /// <summary>Every application permission Entrada's actions ask for: what the <c>demo</c> app is granted.</summary>
    public static readonly string[] DemoApplicationPermissions =
    [
        "User.Read.All", "User.ReadWrite.All", "User.EnableDisableAccount.All", "User.ManageIdentities.All", "User.RevokeSessions.All",
        "Directory.Read.All", "GroupMember.Read.All", "Group.Create", "Group.ReadWrite.All", "GroupMember.ReadWrite.All",
        "IdentityRiskyUser.Read.All", "IdentityRiskyUser.ReadWrite.All", "SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All",
        "LicenseAssignment.Read.All", "LicenseAssignment.ReadWrite.All", "Organization.Read.All",
        "RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", "Policy.Read.All", "Policy.ReadWrite.ConditionalAccess",
        "UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All", "UserAuthMethod-TAP.Read.All",
        "AuditLog.Read.All", "IdentityRiskEvent.Read.All", "User.Invite.All",
        "Application.Read.All", "Application.ReadWrite.All", "Device.Read.All", "Device.ReadWrite.All",
    ];

    /// <summary>OpenID Connect scopes and <c>User.Read</c>, which any user may consent to.</summary>
    public static readonly string[] BasicScopes = ["openid", "profile", "email", "offline_access", "User.Read"];

    public static IReadOnlyList<string> Accepted(GraphOperation operation) => Table[operation];

    public static bool IsAllowed(GraphOperation operation, IReadOnlySet<string> granted)
    {
        foreach (var permission in Table[operation])
        {
            if (granted.Contains(permission))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a user may consent to a scope for themselves (everything else needs an admin).</summary>
    public static bool IsUserConsentable(string scope) =>
        BasicScopes.Contains(scope, StringComparer.OrdinalIgnoreCase)
        || scope.Equals("User.ReadBasic.All", StringComparison.OrdinalIgnoreCase)
        || !scope.EndsWith(".All", StringComparison.OrdinalIgnoreCase);
}
