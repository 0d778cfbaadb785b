using Azure.Core;
using Entrada.Core.Connections;
using Microsoft.Identity.Client;

namespace Entrada.Graph.OAuth;

/// <summary>
/// Makes the credential the Graph client of an OAuth connection uses: an MSAL public client bound
/// to the connection's encrypted token cache in the store, and the delegated scopes to ask for.
/// </summary>
internal sealed class OAuthCredentials(ConnectionStore store, DelegatedScopes scopes)
{
    /// <summary>The scopes to ask for.</summary>
    public DelegatedScopes Scopes => scopes;

    /// <summary>A public client for a saved (or about to be saved) connection, its cache kept in the store.</summary>
    public IPublicClientApplication CreateClient(Connection connection, HttpMessageHandler handler) =>
        PublicClients.Create(connection, handler, TokenCacheBinding.Persisted(connection, store));

    /// <summary>The Graph scopes of silent requests (no <c>offline_access</c>: MSAL adds its reserved scopes itself).</summary>
    public string[] GraphScopes(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return [.. scopes.For(connection.Cloud).Where(s => s != DelegatedScopes.OfflineAccess)];
    }

    /// <summary>The credential and scopes of the Graph client of <paramref name="connection"/>.</summary>
    public (TokenCredential Credential, string[] Scopes) Create(Connection connection, HttpMessageHandler handler) =>
        (new DelegatedCredential(connection, CreateClient(connection, handler)), GraphScopes(connection));
}
