using Azure.Core;
using Entrada.Core.Connections;
using Entrada.Graph.Credentials;
using Microsoft.Graph;
using Microsoft.Kiota.Authentication.Azure;

namespace Entrada.Graph.Client;

/// <summary>
/// Everything one connection talks to Graph with, made once and reused: its HTTP handler (its
/// TLS trust), its credential with the token cache, and its <see cref="GraphServiceClient"/>
/// built on Graph's middleware (retry honouring Retry-After on 429/503/504, redirect, …) plus
/// Entrada's own.
/// </summary>
internal sealed class GraphConnection : IDisposable
{
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _httpClient;

    /// <param name="connection">The connection.</param>
    /// <param name="time">The clock token expiry is judged by.</param>
    /// <param name="logger">Where the Graph middleware logs.</param>
    /// <param name="delegated">The OAuth credentials (for OAuth connections).</param>
    /// <param name="tokens">Where an App Registration connection's token is kept between processes; none keeps it in memory only.</param>
    /// <param name="readPersisted">False to ask for a fresh token rather than reuse a kept one (a connection test); the fresh one is kept.</param>
    public GraphConnection(Connection connection, TimeProvider time, Microsoft.Extensions.Logging.ILogger logger, OAuth.OAuthCredentials? delegated = null, TokenStore? tokens = null, bool readPersisted = true)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        _handler = ConnectionTrust.CreateHandler(connection.Cloud);
        try
        {
            // The credential per method: application (client credentials) or delegated (the signed-in user's MSAL cache).
            var (credential, scopes) = connection.Method == ConnectionMethod.OAuth
                ? (delegated ?? throw new InvalidOperationException("OAuth connections need the OAuth services (AddEntradaGraph).")).Create(connection, _handler)
                : (CredentialFactory.Create(connection, _handler), [connection.Cloud.DefaultScope]);
            var persisted = connection.Method == ConnectionMethod.AppRegistration && tokens is not null ? new PersistedAppToken(tokens, connection) : null;
            Credential = new CachedTokenCredential(credential, time, persisted, readPersisted);
            Scopes = scopes;

            _httpClient = CreateHttpClient(connection.Cloud.GraphEndpoint, logger, _handler, new RefusedTokenHandler(Credential), new GraphPacer(time));

            // Without the Graph host in the allowed list, the provider sends no token to a host
            // other than Microsoft's (the emulator, a proxy): list the connection's own.
            var auth = new AzureIdentityAuthenticationProvider(Credential, [connection.Cloud.GraphHost], observabilityOptions: null, isCaeEnabled: false, scopes: Scopes);
            Client = new GraphServiceClient(_httpClient, auth, connection.Cloud.GraphEndpoint.ToString().TrimEnd('/'));
        }
        catch
        {
            _handler.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The HTTP client of a connection's Graph client: Graph's middleware (retry, redirect …), then
    /// Entrada's, then the <see cref="GraphPacer"/> that keeps the connection within the audit logs' and
    /// Identity Protection's own limits (inside the retry handler, so every attempt is paced), then — innermost, so every request, redirected or not, passes it just before
    /// <paramref name="finalHandler"/> sends it — the <see cref="GraphOriginGuard"/> that keeps the
    /// token on the Graph endpoint's origin.
    /// </summary>
    internal static HttpClient CreateHttpClient(Uri graphEndpoint, Microsoft.Extensions.Logging.ILogger logger, HttpMessageHandler finalHandler, DelegatingHandler? refused = null, GraphPacer? pacer = null)
    {
        var handlers = GraphClientFactory.CreateDefaultHandlers();
        handlers.Add(new EntradaGraphHandler(logger));
        if (pacer is not null)
        {
            handlers.Add(pacer);
        }

        if (refused is not null)
        {
            handlers.Add(refused);
        }

        handlers.Add(new GraphOriginGuard(graphEndpoint));
        var client = GraphClientFactory.Create(handlers, version: "v1.0", nationalCloud: GraphClientFactory.Global_Cloud, proxy: null, finalHandler: finalHandler, disposeHandler: false);
        client.Timeout = TimeSpan.FromMinutes(10);
        return client;
    }

    /// <summary>The connection, as it was when this was built.</summary>
    public Connection Connection { get; }

    /// <summary>The connection's credential, caching one token until shortly before expiry.</summary>
    public CachedTokenCredential Credential { get; }

    /// <summary>The scopes asked for: the cloud's Graph <c>/.default</c>, or an OAuth connection's delegated permissions.</summary>
    public string[] Scopes { get; }

    /// <summary>The Graph client.</summary>
    public GraphServiceClient Client { get; }

    /// <summary>Gets the connection's access token (cached), translating failures into what to do.</summary>
    public async Task<AccessToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw AadstsTranslator.Translate(ex, Connection);
        }
    }

    public void Dispose()
    {
        _httpClient.Dispose();
        _handler.Dispose();
    }
}
