using Entrada.Core;
using Entrada.Core.Diagnostics;
using Entrada.Graph.Client;
using Entrada.Graph.OAuth;
using Entrada.Graph.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Entrada.Graph;

/// <summary>Registers Entrada's Microsoft Graph side.</summary>
public static class GraphServices
{
    /// <summary>
    /// Adds the per-connection Graph client and token cache, the App Registration connection
    /// tester, the permission preflight of Graph actions, and every Graph action of the catalogue.
    /// Call it after <see cref="EntradaServices.AddEntradaCore"/>.
    /// </summary>
    public static IServiceCollection AddEntradaGraph(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new GraphClientCache(sp.GetRequiredService<TimeProvider>(), sp.GetService<ILoggerFactory>(), sp.GetRequiredService<OAuth.OAuthCredentials>(), sp.GetService<Core.Connections.TokenStore>()));
        services.AddSingleton<IConnectionTester, AppRegistrationTester>();
        services.AddSingleton<IActionPreflight, GraphPreflight>();
        services.AddSingleton<Core.Actions.IActionContextFactory, GraphActionContextFactory>();
        services.AddActions(GraphActions.Register);
        services.AddEntradaOAuth();
        return services;
    }
}
