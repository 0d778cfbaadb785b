using Entrada.Core;
using Entrada.Core.Diagnostics;
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
        services.AddActions(LdapActions.Register);
        services.AddSingleton<IConnectionTester, LdapConnectionTester>();
        return services;
    }
}
