using Entrada.Emulator.State;

namespace Entrada.Emulator.Identity;

/// <summary>The <c>scope</c> parameter of delegated flows: Graph permissions (bare or prefixed by Graph's URI or app ID) and OIDC scopes.</summary>
internal static class DelegatedScopes
{
    /// <summary>Splits a scope parameter on spaces, keeping each scope as requested (prefixes and all).</summary>
    public static List<string> Parse(string scope) => [.. scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Whether a scope is one of OpenID Connect's, which name no Graph permission.</summary>
    public static bool IsOpenIdScope(string scope) => scope is "openid" or "profile" or "email" or "offline_access";

    /// <summary>The Graph permission named by a requested scope, or null for OIDC scopes; throws for other resources.</summary>
    /// <exception cref="AadErrorException">The scope names a resource other than Graph (AADSTS70011).</exception>
    public static string? GraphScope(string requested)
    {
        if (IsOpenIdScope(requested))
        {
            return null;
        }

        foreach (var prefix in (string[])[TokenService.GraphResource + "/", TokenService.GraphAppId + "/"])
        {
            if (requested.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return requested[prefix.Length..];
            }
        }

        if (requested.Contains("://", StringComparison.Ordinal) || requested.Contains('/', StringComparison.Ordinal))
        {
            throw new AadErrorException(AadError.InvalidScope(requested));
        }

        return requested;
    }

    /// <summary>The Graph permissions a delegated request ends up with, or a 65001 when consent is missing (call under the state's lock).</summary>
    /// <exception cref="AadErrorException">A requested permission has no consent (AADSTS65001) or a scope is not Graph's (AADSTS70011).</exception>
    public static HashSet<string> ResolvePermissionsLocked(AppRegistration app, string userId, IEnumerable<string> requested)
    {
        var consented = new HashSet<string>(app.AdminConsentedScopes, StringComparer.OrdinalIgnoreCase);
        if (app.UserConsents.TryGetValue(userId, out var own))
        {
            consented.UnionWith(own);
        }

        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var scope in requested)
        {
            var graph = GraphScope(scope);
            if (graph is null)
            {
                continue;
            }

            if (graph == ".default")
            {
                result.UnionWith(consented.Where(c => GraphScope(c) is not null));
                continue;
            }

            if (!consented.Contains(graph))
            {
                throw new AadErrorException(AadError.ConsentRequired(app.ClientId, app.Name));
            }

            result.Add(graph);
        }

        return result;
    }

    /// <summary>Scopes as the response lists them: each granted Graph scope in the form it was asked for (MSAL's cache matches on them).</summary>
    public static IEnumerable<string> ForResponse(IReadOnlyList<string> requested, HashSet<string> granted)
    {
        var hadDefault = false;
        foreach (var scope in requested)
        {
            var graph = GraphScope(scope);
            if (graph == ".default")
            {
                hadDefault = true;
                continue;
            }

            // OIDC scopes (graph is null) are listed as asked, like Graph's.
            yield return scope;
        }

        if (hadDefault)
        {
            foreach (var g in granted.Order(StringComparer.OrdinalIgnoreCase))
            {
                yield return TokenService.GraphResource + "/" + g;
            }
        }
    }
}
