using Entrada.Core.Actions;

namespace Entrada.Graph.Permissions;

/// <summary>
/// The permission table, in one place: for each Graph operation the least-privileged
/// application permission and the higher ones that also suffice, as the "Permissions" section of
/// each Microsoft Graph v1.0 API page names them. Where a page names a narrower least-privileged
/// permission than the broad Directory.* one, the page's is the least and the broad one is listed
/// as a higher one that also does; the member's summary says so.
/// </summary>
internal static partial class GraphPermissions
{
    private static readonly string[] UserReadHigher = ["User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
    private static readonly string[] UserWriteHigher = ["Directory.ReadWrite.All"];

    /// <summary>GET /users, GET /users/{id}.</summary>
    public static PermissionRequirement UsersRead { get; } = PermissionRequirement.Of("User.Read.All", UserReadHigher);

    /// <summary>POST /users, PATCH /users/{id}, DELETE /users/{id}, passwordProfile.</summary>
    public static PermissionRequirement UsersWrite { get; } = PermissionRequirement.Of("User.ReadWrite.All", UserWriteHigher);

    /// <summary>
    /// PATCH accountEnabled: User.EnableDisableAccount.All together with User.Read.All
    /// (Microsoft's user-update page); User.ReadWrite.All alone covers both.
    /// </summary>
    public static PermissionRequirement UsersEnableDisable { get; } =
        PermissionRequirement.Of("User.EnableDisableAccount.All", "User.ReadWrite.All", "Directory.ReadWrite.All") with
        {
            AlsoRequired = [PermissionRequirement.Of("User.Read.All", UserReadHigher)],
        };

    /// <summary>PATCH identities.</summary>
    public static PermissionRequirement UsersManageIdentities { get; } = PermissionRequirement.Of("User.ManageIdentities.All", "User.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>
    /// POST /users/{id}/revokeSignInSessions. Older versions of Microsoft's page name only
    /// Directory.ReadWrite.All for applications; the current page names User.RevokeSessions.All,
    /// kept as least with the others as higher.
    /// </summary>
    public static PermissionRequirement UsersRevokeSessions { get; } = PermissionRequirement.Of("User.RevokeSessions.All", "User.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>GET /users/{id}/memberOf and transitiveMemberOf.</summary>
    public static PermissionRequirement UsersMemberOf { get; } = PermissionRequirement.Of("Directory.Read.All", "Directory.ReadWrite.All");

    /// <summary>GET /users/{id}/licenseDetails.</summary>
    public static PermissionRequirement UsersLicenseDetails { get; } = PermissionRequirement.Of("User.Read.All", "LicenseAssignment.Read.All", "Directory.Read.All", "User.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>GET /groups, GET /groups/{id}.</summary>
    public static PermissionRequirement GroupsRead { get; } = PermissionRequirement.Of("GroupMember.Read.All", "Group.Read.All", "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All");

    /// <summary>POST /groups.</summary>
    public static PermissionRequirement GroupsCreate { get; } = PermissionRequirement.Of("Group.Create", "Group.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>PATCH and DELETE /groups/{id}.</summary>
    public static PermissionRequirement GroupsWrite { get; } = PermissionRequirement.Of("Group.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>GET /groups/{id}/members, transitiveMembers; POST checkMemberGroups.</summary>
    public static PermissionRequirement GroupMembersRead { get; } = PermissionRequirement.Of("GroupMember.Read.All", "Group.Read.All", "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All");

    /// <summary>PATCH members@odata.bind, POST and DELETE members/$ref.</summary>
    public static PermissionRequirement GroupMembersWrite { get; } = PermissionRequirement.Of("GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>GET /identityProtection/riskyUsers[/{id}[/history]].</summary>
    public static PermissionRequirement RiskyUsersRead { get; } = PermissionRequirement.Of("IdentityRiskyUser.Read.All", "IdentityRiskyUser.ReadWrite.All");

    /// <summary>POST riskyUsers/confirmCompromised and dismiss.</summary>
    public static PermissionRequirement RiskyUsersWrite { get; } = PermissionRequirement.Of("IdentityRiskyUser.ReadWrite.All");

    /// <summary>GET /security/alerts_v2[/{id}].</summary>
    public static PermissionRequirement AlertsRead { get; } = PermissionRequirement.Of("SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All");

    /// <summary>PATCH /security/alerts_v2/{id}, POST …/comments.</summary>
    public static PermissionRequirement AlertsWrite { get; } = PermissionRequirement.Of("SecurityAlert.ReadWrite.All");

    /// <summary>GET /subscribedSkus.</summary>
    public static PermissionRequirement SkusRead { get; } = PermissionRequirement.Of("LicenseAssignment.Read.All", "Organization.Read.All", "Directory.Read.All", "LicenseAssignment.ReadWrite.All", "Organization.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>POST /users/{id}/assignLicense.</summary>
    public static PermissionRequirement LicensesAssign { get; } = PermissionRequirement.Of("LicenseAssignment.ReadWrite.All", "User.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>
    /// GET /organization. Microsoft's organization-get page names Organization.Read.All as the
    /// least-privileged application permission; Directory.Read.All also does, and is listed here
    /// as a higher one.
    /// </summary>
    public static PermissionRequirement OrganizationRead { get; } = PermissionRequirement.Of("Organization.Read.All", "Directory.Read.All", "Organization.ReadWrite.All", "Directory.ReadWrite.All");

    /// <summary>
    /// GET /directoryRoles and their members. Microsoft's directoryrole-list page names
    /// RoleManagement.Read.Directory as least privileged; Directory.Read.All also does.
    /// </summary>
    public static PermissionRequirement DirectoryRolesRead { get; } = PermissionRequirement.Of("RoleManagement.Read.Directory", "Directory.Read.All", "RoleManagement.ReadWrite.Directory", "Directory.ReadWrite.All");

    /// <summary>
    /// GET /roleManagement/directory/roleDefinitions and roleAssignments. Microsoft's
    /// rbacapplication-list-roleassignments page names RoleManagement.Read.Directory as least
    /// privileged for the directory provider; the broader ones also do.
    /// </summary>
    public static PermissionRequirement RoleManagementRead { get; } = PermissionRequirement.Of("RoleManagement.Read.Directory", "RoleManagement.Read.All", "Directory.Read.All", "RoleManagement.ReadWrite.Directory", "Directory.ReadWrite.All");

    /// <summary>POST and DELETE /roleManagement/directory/roleAssignments: RoleManagement.ReadWrite.Directory alone (no higher one).</summary>
    public static PermissionRequirement RoleManagementWrite { get; } = PermissionRequirement.Of("RoleManagement.ReadWrite.Directory");

    /// <summary>GET /identity/conditionalAccess/policies and namedLocations: Policy.Read.All (no higher one named).</summary>
    public static PermissionRequirement ConditionalAccessRead { get; } = PermissionRequirement.Of("Policy.Read.All");

    /// <summary>
    /// POST, PATCH and DELETE /identity/conditionalAccess/namedLocations: Microsoft's pages name
    /// Policy.Read.All and Policy.ReadWrite.ConditionalAccess together.
    /// </summary>
    public static PermissionRequirement NamedLocationsWrite { get; } =
        PermissionRequirement.Of("Policy.ReadWrite.ConditionalAccess") with
        {
            AlsoRequired = [PermissionRequirement.Of("Policy.Read.All")],
        };

    /// <summary>
    /// GET /users/{id}/authentication/methods (and each method type's GET). Microsoft's
    /// authentication-list-methods page names UserAuthenticationMethod.Read.All as least privileged for
    /// applications acting on other users.
    /// </summary>
    public static PermissionRequirement AuthMethodsRead { get; } = PermissionRequirement.Of("UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All");

    /// <summary>DELETE /users/{id}/authentication/{type}Methods/{id} (phone, Authenticator, FIDO2, software OATH, e-mail, Windows Hello, pass).</summary>
    public static PermissionRequirement AuthMethodsWrite { get; } = PermissionRequirement.Of("UserAuthenticationMethod.ReadWrite.All");

    /// <summary>
    /// GET …/authentication/temporaryAccessPassMethods[/{id}]: Microsoft's page names
    /// UserAuthMethod-TAP.Read.All as least privileged; the broader ones also do.
    /// </summary>
    public static PermissionRequirement TapRead { get; } = PermissionRequirement.Of("UserAuthMethod-TAP.Read.All", "UserAuthenticationMethod.Read.All", "UserAuthMethod-TAP.ReadWrite.All", "UserAuthenticationMethod.ReadWrite.All");

    /// <summary>
    /// POST and DELETE …/authentication/temporaryAccessPassMethods: Microsoft's delete page names
    /// UserAuthenticationMethod.ReadWrite.All as least privileged for applications, with
    /// UserAuthMethod-TAP.ReadWrite.All as a higher one.
    /// </summary>
    public static PermissionRequirement TapWrite { get; } = PermissionRequirement.Of("UserAuthenticationMethod.ReadWrite.All", "UserAuthMethod-TAP.ReadWrite.All");

    /// <summary>GET /auditLogs/signIns: AuditLog.Read.All together with Directory.Read.All (Microsoft's signin-list page).</summary>
    public static PermissionRequirement SignInsRead { get; } =
        PermissionRequirement.Of("AuditLog.Read.All") with
        {
            AlsoRequired = [PermissionRequirement.Of("Directory.Read.All", "Directory.ReadWrite.All")],
        };

    /// <summary>GET /auditLogs/directoryAudits.</summary>
    public static PermissionRequirement DirectoryAuditsRead { get; } = PermissionRequirement.Of("AuditLog.Read.All");

    /// <summary>GET /identityProtection/riskDetections (Microsoft's riskdetection-list page: no higher one).</summary>
    public static PermissionRequirement RiskDetectionsRead { get; } = PermissionRequirement.Of("IdentityRiskEvent.Read.All");

    /// <summary>POST /invitations.</summary>
    public static PermissionRequirement InvitationsCreate { get; } = PermissionRequirement.Of("User.Invite.All", "User.ReadWrite.All", "Directory.ReadWrite.All");
}
