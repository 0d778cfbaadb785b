using Entrada.Core.Connections;
using Entrada.Graph.Credentials;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Entrada.Graph.OAuth;

/// <summary>Who signed in, as Graph's <c>GET /me</c> tells it.</summary>
/// <param name="Id">The user's object ID.</param>
/// <param name="UserPrincipalName">The user principal name.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="UserType"><c>Member</c> or <c>Guest</c>.</param>
internal sealed record SignedInUser(string? Id, string UserPrincipalName, string? DisplayName, string? UserType)
{
    /// <summary>Whether the user is a Guest of the tenant (the OAuth method refuses them).</summary>
    public bool IsGuest => string.Equals(UserType, "Guest", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads <c>GET /me</c> with an access token, through the connection's handler and Graph's middleware.</summary>
    public static async Task<SignedInUser> ReadAsync(Connection connection, HttpMessageHandler handler, string accessToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var http = GraphClientFactory.Create(GraphClientFactory.CreateDefaultHandlers(), version: "v1.0", nationalCloud: GraphClientFactory.Global_Cloud, proxy: null, finalHandler: handler, disposeHandler: false);
        var auth = new BaseBearerTokenAuthenticationProvider(new FixedToken(accessToken, connection.Cloud.GraphHost));
        return await ReadAsync(connection, new GraphServiceClient(http, auth, connection.Cloud.GraphEndpoint.ToString().TrimEnd('/')), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <c>GET /me</c> with a Graph client that already carries the delegated token.</summary>
    public static async Task<SignedInUser> ReadAsync(Connection connection, GraphServiceClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var me = await client.Me.GetAsync(r => r.QueryParameters.Select = ["id", "displayName", "userPrincipalName", "userType"], cancellationToken).ConfigureAwait(false);
            return new SignedInUser(me?.Id, me?.UserPrincipalName ?? "?", me?.DisplayName, me?.UserType);
        }
        catch (Exception ex) when (Client.GraphErrors.IsTranslatable(ex, cancellationToken))
        {
            throw Client.GraphErrors.Translate(ex, null, connection, "signed-in user (GET /me)");
        }
    }

    private sealed class FixedToken(string token, string host) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new([host]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(AllowedHostsValidator.IsUrlHostValid(uri) ? token : string.Empty);
    }
}
