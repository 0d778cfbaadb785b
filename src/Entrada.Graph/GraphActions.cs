using Entrada.Core.Actions;
using Entrada.Graph.Alerts;
using Entrada.Graph.Applications;
using Entrada.Graph.AuditLogs;
using Entrada.Graph.AuthMethods;
using Entrada.Graph.ConditionalAccess;
using Entrada.Graph.Devices;
using Entrada.Graph.Groups;
using Entrada.Graph.Invitations;
using Entrada.Graph.Licenses;
using Entrada.Graph.Raw;
using Entrada.Graph.RiskyUsers;
using Entrada.Graph.Roles;
using Entrada.Graph.ServicePrincipals;
using Entrada.Graph.Tenant;
using Entrada.Graph.Users;

namespace Entrada.Graph;

/// <summary>The Graph action catalogue.</summary>
internal static class GraphActions
{
    /// <summary>Adds every Graph action.</summary>
    public static void Register(ActionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        catalog
            .Add<ListUsersAction>()
            .Add<GetUserAction>()
            .Add<CreateUserAction>()
            .Add<UpdateUserAction>()
            .Add<DeleteUserAction>()
            .Add<EnableUsersAction>()
            .Add<DisableUsersAction>()
            .Add<UpdateIdentitiesAction>()
            .Add<ResetPasswordAction>()
            .Add<RevokeSessionsAction>()
            .Add<ListUserGroupsAction>()
            .Add<ListUserLicensesAction>()
            .Add<ListGroupsAction>()
            .Add<GetGroupAction>()
            .Add<CreateGroupAction>()
            .Add<UpdateGroupAction>()
            .Add<DeleteGroupAction>()
            .Add<ListMembersAction>()
            .Add<AddMembersAction>()
            .Add<RemoveMembersAction>()
            .Add<CheckMemberAction>()
            .Add<ListRiskyUsersAction>()
            .Add<GetRiskyUserAction>()
            .Add<RiskyUserHistoryAction>()
            .Add<ConfirmCompromisedAction>()
            .Add<DismissRiskAction>()
            .Add<ListAlertsAction>()
            .Add<GetAlertAction>()
            .Add<UpdateAlertAction>()
            .Add<CommentAlertAction>()
            .Add<ListSkusAction>()
            .Add<AssignLicensesAction>()
            .Add<RemoveLicensesAction>()
            .Add<GetOrganizationAction>()
            .Add<ListDirectoryRolesAction>()
            .Add<ListDirectoryRoleMembersAction>()
            .Add<GraphRequestAction>()
            .Add<ListRoleDefinitionsAction>()
            .Add<ListRoleAssignmentsAction>()
            .Add<AddRoleAssignmentAction>()
            .Add<RemoveRoleAssignmentsAction>()
            .Add<ListPoliciesAction>()
            .Add<GetPolicyAction>()
            .Add<ListNamedLocationsAction>()
            .Add<GetNamedLocationAction>()
            .Add<CreateNamedLocationAction>()
            .Add<UpdateNamedLocationAction>()
            .Add<DeleteNamedLocationAction>()
            .Add<AddRangesAction>()
            .Add<RemoveRangesAction>()
            .Add<ListAuthMethodsAction>()
            .Add<DeleteAuthMethodAction>()
            .Add<ResetAuthMethodsAction>()
            .Add<CreateTapAction>()
            .Add<ListTapsAction>()
            .Add<DeleteTapAction>()
            .Add<ListSignInsAction>()
            .Add<ListDirectoryAuditsAction>()
            .Add<ListRiskDetectionsAction>()
            .Add<InviteGuestsAction>()
            .Add<ListAppsAction>()
            .Add<ExpiringCredentialsAction>()
            .Add<RemoveCredentialAction>()
            .Add<ListServicePrincipalsAction>()
            .Add<DisableServicePrincipalsAction>()
            .Add<EnableServicePrincipalsAction>()
            .Add<GetManagerAction>()
            .Add<SetManagerAction>()
            .Add<RemoveManagerAction>()
            .Add<ListDirectReportsAction>()
            .Add<ListDevicesAction>()
            .Add<ListUserDevicesAction>()
            .Add<DisableDevicesAction>()
            .Add<EnableDevicesAction>();
    }
}
