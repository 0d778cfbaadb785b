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
}
