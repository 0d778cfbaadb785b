using Azure.Core;
using Entrada.Core.Connections;
using Microsoft.Identity.Client;

namespace Entrada.Graph.OAuth;

/// <summary>
/// The delegated token of an OAuth connection for the Graph client: MSAL's silent acquisition
/// from the connection's token cache, refreshing with the refresh token when the access token
/// has expired. When no silent token can be had, it says to sign in again (exit 3).
/// </summary>
internal sealed class DelegatedCredential(Connection connection, IPublicClientApplication client) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var result = await AcquireSilentAsync(client, connection, requestContext.Scopes, forceRefresh: false, cancellationToken).ConfigureAwait(false);
        return new AccessToken(result.AccessToken, result.ExpiresOn);
    }

    /// <summary>Gets a token for the connection's signed-in account without user interaction.</summary>
    public static async Task<AuthenticationResult> AcquireSilentAsync(IPublicClientApplication client, Connection connection, IEnumerable<string> scopes, bool forceRefresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(connection);
        try
        {
            var accounts = await client.GetAccountsAsync().ConfigureAwait(false);
            var account = accounts.FirstOrDefault(a => string.Equals(a.Username, connection.OAuth?.SignedInUser, StringComparison.OrdinalIgnoreCase))
                ?? accounts.FirstOrDefault()
                ?? throw OAuthErrors.NotSignedIn(connection);
            return await client.AcquireTokenSilent(scopes, account).WithForceRefresh(forceRefresh).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MsalException ex)
        {
            throw OAuthErrors.Translate(ex, connection);
        }
    }
}
