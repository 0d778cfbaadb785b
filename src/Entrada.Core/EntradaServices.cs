using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Entrada.Core;

/// <summary>Registers Entrada's core services.</summary>
public static class EntradaServices
{
    /// <summary>
    /// Adds the home folder, database, secret protector, connection store, audit log, action
    /// catalogue and runner. Method assemblies add their actions with <see cref="AddActions"/>
    /// and their testers as <see cref="IConnectionTester"/>.
    /// </summary>
    public static IServiceCollection AddEntradaCore(this IServiceCollection services, EntradaHome home)
    {
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(home);
        services.AddSingleton<EntradaDatabase>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<ConnectionStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ActionRunner>();
        services.AddSingleton<ConnectionTesting>();
        services.AddSingleton<Jobs.JobStore>();
        services.AddSingleton(sp =>
        {
            var catalog = new ActionCatalog();
            foreach (var registration in sp.GetServices<ActionRegistration>())
            {
                registration.Register(catalog);
            }

            return catalog;
        });
        return services;
    }

    /// <summary>Adds actions to the catalogue.</summary>
    public static IServiceCollection AddActions(this IServiceCollection services, Action<ActionCatalog> register) =>
        services.AddSingleton(new ActionRegistration(register));

    /// <summary>Finds the tester for a connection's method.</summary>
    public static IConnectionTester TesterFor(this IServiceProvider services, ConnectionMethod method) =>
        services.GetServices<IConnectionTester>().FirstOrDefault(t => t.Supports(method))
        ?? throw new EntradaValidationException("method", $"Testing {method.ToWireName()} connections is not available in this build of Entrada.");
}

/// <summary>A deferred registration of actions into the catalogue.</summary>
/// <param name="Register">Adds the actions.</param>
public sealed record ActionRegistration(Action<ActionCatalog> Register);
