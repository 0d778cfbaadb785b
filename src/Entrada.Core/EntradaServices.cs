using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Diagnostics;
using Entrada.Core.Playbooks.Triggers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Entrada.Core;

/// <summary>Registers Entrada's core services.</summary>
public static class EntradaServices
{
    /// <summary>
    /// Adds the home folder, database, secret protector, stores, audit log, action catalogue and
    /// runner, and the connection and run services every edge uses. Method assemblies add their actions with <see cref="AddActions"/>
    /// and their testers as <see cref="IConnectionTester"/>.
    /// </summary>
    public static IServiceCollection AddEntradaCore(this IServiceCollection services, EntradaHome home)
    {
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(home);
        services.AddSingleton<EntradaDatabase>();
        services.TryAddSingleton(_ => KeyRingProtection.FromEnvironment(home));
        services.AddSingleton(sp => new SecretProtector(home, sp.GetRequiredService<KeyRingProtection>()));
        services.AddSingleton<ConnectionStore>();
        services.AddSingleton<TokenStore>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<ActionRunner>();
        services.AddSingleton<ConnectionTesting>();
        services.AddSingleton<ConnectionService>();
        services.AddSingleton<Jobs.JobStore>();
        services.AddSingleton<Jobs.JobInputs>();
        services.AddSingleton<Runs.RunStore>();
        services.AddSingleton<Runs.RunService>();
        services.AddSingleton<Keys.ApiKeyStore>();
        services.AddSingleton<Playbooks.PlaybookValidator>();
        services.AddSingleton<Playbooks.PlaybookLibrary>();
        services.AddSingleton<Playbooks.PlaybookRunStore>();
        services.AddSingleton<Playbooks.PlaybookService>();
        services.TryAddSingleton(new Runners.RunnerOptions());
        services.AddSingleton<Runners.RunnerStore>();
        services.AddSingleton<Runners.RunnerDispatcher>();
        services.AddSingleton<Runners.RunnerService>();
        services.AddSingleton<Runners.RunnerExecutor>();
        services.AddSingleton<Playbooks.PlaybookHookService>();
        services.AddPlaybookTriggers();
        services.AddSingleton(sp =>
        {
            var catalog = new ActionCatalog();
            foreach (var registration in sp.GetServices<ActionRegistration>())
            {
                registration.Register(catalog);
            }

            StartupTimeline.Mark("action catalogue built");
            return catalog;
        });
        return services;
    }

    /// <summary>Adds actions to the catalogue.</summary>
    public static IServiceCollection AddActions(this IServiceCollection services, Action<ActionCatalog> register) =>
        services.AddSingleton(new ActionRegistration(register));
}

/// <summary>A deferred registration of actions into the catalogue.</summary>
/// <param name="Register">Adds the actions.</param>
public sealed record ActionRegistration(Action<ActionCatalog> Register);
