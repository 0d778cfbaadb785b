using Entrada.Core;
using Entrada.Core.Connections;
using Microsoft.Identity.Client;

namespace Entrada.Graph.OAuth;

/// <summary>
/// Builds the MSAL public client of an OAuth connection for its cloud: the authority
/// <c>{authority host}/{tenant}</c> (https only), instance discovery off for a custom cloud (it
/// is not a Microsoft authority and must not be looked up at login.microsoftonline.com), and every
/// request through the connection's own HTTP handler, which trusts exactly the connection's CA.
/// </summary>
internal static class PublicClients
{
    /// <summary>The redirect URI of the CLI's browser sign-in without a port (Entra matches loopback URIs on any port).</summary>
    public const string LoopbackRedirect = "http://localhost";

    public static IPublicClientApplication Create(Connection connection, HttpMessageHandler handler, TokenCacheBinding cache, Uri? redirectUri = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(cache);
        var oauth = connection.OAuth
            ?? throw new EntradaValidationException("method", $"Connection '{connection.Name}' is not an OAuth connection.");
        var cloud = connection.Cloud;
        if (cloud.AuthorityHost.Scheme != Uri.UriSchemeHttps)
        {
            throw new EntradaValidationException("authorityHost", $"The authority host of connection '{connection.Name}' must use https, not '{cloud.AuthorityHost.Scheme}'.");
        }

        var authority = $"{cloud.AuthorityHost.GetLeftPart(UriPartial.Authority)}/{Uri.EscapeDataString(oauth.TenantId)}";
        var app = PublicClientApplicationBuilder.Create(oauth.ClientId)
            .WithAuthority(authority, validateAuthority: cloud.Kind != CloudKind.Custom)
            .WithInstanceDiscovery(cloud.Kind != CloudKind.Custom)
            .WithHttpClientFactory(new ConnectionHttpClientFactory(handler))
            .WithRedirectUri((redirectUri ?? new Uri(LoopbackRedirect)).ToString().TrimEnd('/'))
            .WithClientName("Entrada")
            .Build();
        cache.Attach(app.UserTokenCache);
        return app;
    }

    /// <summary>Hands MSAL one HttpClient over the connection's handler (its TLS trust; never trust-all).</summary>
    private sealed class ConnectionHttpClientFactory(HttpMessageHandler handler) : IMsalHttpClientFactory
    {
        private readonly HttpClient _client = new(handler, disposeHandler: false);

        public HttpClient GetHttpClient() => _client;
    }
}
