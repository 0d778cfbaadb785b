using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Diagnostics;
using Entrada.Ldap.Actions;
using Entrada.Ldap.ActiveDirectory;
using Entrada.Ldap.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Ldap;

/// <summary>Registers the LDAP side of Entrada: its actions and its connection tester.</summary>
public static class LdapServices
{
    /// <summary>Adds the LDAP and Active Directory actions to the catalogue and the LDAP connection tester.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection.</returns>
    public static IServiceCollection AddEntradaLdap(this IServiceCollection services)
    {
        services.AddActions(catalog => catalog.AddLdapActions());
        services.AddSingleton<IConnectionTester, LdapConnectionTester>();
        return services;
    }

    /// <summary>Adds every LDAP and Active Directory action.</summary>
    /// <param name="catalog">The catalogue.</param>
    /// <returns>The same catalogue.</returns>
    public static ActionCatalog AddLdapActions(this ActionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog
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
            .Add<UnlockAccountAction>()
            .Add<ResetPasswordAction>()
            .Add<AddGroupMemberAction>()
            .Add<RemoveGroupMemberAction>()
            .Add<ListUserGroupsAction>();
    }
}
