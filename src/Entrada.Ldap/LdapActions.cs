using Entrada.Core.Actions;
using Entrada.Ldap.Actions;
using Entrada.Ldap.ActiveDirectory;

namespace Entrada.Ldap;

/// <summary>The LDAP and Active Directory action catalogue.</summary>
internal static class LdapActions
{
    /// <summary>Adds every LDAP and Active Directory action.</summary>
    public static void Register(ActionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        catalog
            .Add<SearchAction>()
            .Add<GetAction>()
            .Add<FindDnAction>()
            .Add<AddAction>()
            .Add<ModifyAction>()
            .Add<DeleteAction>()
            .Add<RenameAction>()
            .Add<CompareAction>()
            .Add<EnableAccountAction>()
            .Add<DisableAccountAction>()
            .Add<DisableAccountsAction>()
            .Add<UnlockAccountAction>()
            .Add<ResetPasswordAction>()
            .Add<AddGroupMemberAction>()
            .Add<RemoveGroupMemberAction>()
            .Add<ListUserGroupsAction>();
    }
}
