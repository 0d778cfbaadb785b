using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Entrada.Graph.OAuth;

/// <summary>Registers the OAuth (delegated) side: scopes, credentials, sign-in flows, tester and preflight.</summary>
internal static class OAuthServices
{
    public static IServiceCollection AddEntradaOAuth(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new DelegatedScopes(sp.GetRequiredService<ActionCatalog>()));
        services.TryAddSingleton(sp => new OAuthCredentials(sp.GetRequiredService<ConnectionStore>(), sp.GetRequiredService<DelegatedScopes>()));
        services.TryAddSingleton(sp => new OAuthSignIn(
            sp.GetRequiredService<DelegatedScopes>(),
            sp.GetService<ILoggerFactory>()?.CreateLogger<OAuthSignIn>()));
        services.TryAddSingleton(sp => new OAuthWebSignIn(sp.GetRequiredService<OAuthSignIn>(), sp.GetRequiredService<DelegatedScopes>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IConnectionTester, OAuthTester>();
        return services;
    }
}
