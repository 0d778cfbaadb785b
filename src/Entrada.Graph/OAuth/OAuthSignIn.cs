using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Graph.Credentials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensibility;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace Entrada.Graph.OAuth;

/// <summary>A device code to show a person: the code, where to enter it, and until when.</summary>
/// <param name="UserCode">The code to enter.</param>
/// <param name="VerificationUrl">The page to enter it on.</param>
/// <param name="ExpiresOn">When the code stops working.</param>
/// <param name="Message">The identity platform's own sentence with both.</param>
public sealed record OAuthDeviceCode(string UserCode, Uri VerificationUrl, DateTimeOffset ExpiresOn, string Message);

/// <summary>A sign-in that succeeded (and was not refused as a Guest).</summary>
/// <param name="Connection">The connection with its new token cache (encrypted at rest once saved) and signed-in user.</param>
/// <param name="UserPrincipalName">Who signed in.</param>
/// <param name="DisplayName">Their display name.</param>
/// <param name="GrantedScopes">The delegated permissions in the access token (<c>scp</c>).</param>
public sealed record OAuthSignInResult(Connection Connection, string UserPrincipalName, string? DisplayName, IReadOnlyList<string> GrantedScopes) : ISignedIn;

/// <summary>
/// Signs a person in for an OAuth connection with MSAL.NET: in the browser (authorization code
/// with PKCE and a loopback redirect) or with a device code. After the sign-in it reads
/// <c>GET /me</c> and refuses a Guest. The token cache comes back in the result, for the caller to
/// save with the connection (<see cref="ConnectionService.SignInAsync{T}"/> for an existing one);
/// nothing is stored when the sign-in fails.
/// </summary>
public sealed partial class OAuthSignIn
{
    private readonly DelegatedScopes _scopes;
    private readonly ILogger _logger;

    internal OAuthSignIn(DelegatedScopes scopes, ILogger? logger = null)
    {
        _scopes = scopes;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Signs in through the browser: <paramref name="showUrl"/> receives the authorize URL (print it,
    /// open a browser); the method returns once the identity platform redirected to the loopback
    /// listener and the code was redeemed.
    /// </summary>
    public async Task<OAuthSignInResult> SignInWithBrowserAsync(Connection connection, Func<Uri, CancellationToken, Task> showUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(showUrl);
        using var handler = ConnectionTrust.CreateHandler(connection.Cloud);
        using var browser = new LoopbackBrowser(showUrl);
        var cache = TokenCacheBinding.InMemory();
        var client = PublicClients.Create(connection, handler, cache, browser.RedirectUri);
        LogSignInStarting(_logger, connection.Name, "browser");
        var result = await RunAsync(connection, () => client.AcquireTokenInteractive(_scopes.For(connection.Cloud))
            .WithCustomWebUi(browser)
            .WithPrompt(Prompt.SelectAccount)
            .ExecuteAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(connection, handler, cache, result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Signs in with a device code: <paramref name="showCode"/> receives the code and the page to enter
    /// it on; the method polls until the person has signed in, declined, the code expired, or
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<OAuthSignInResult> SignInWithDeviceCodeAsync(Connection connection, Func<OAuthDeviceCode, CancellationToken, Task> showCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(showCode);
        using var handler = ConnectionTrust.CreateHandler(connection.Cloud);
        var cache = TokenCacheBinding.InMemory();
        var client = PublicClients.Create(connection, handler, cache);
        LogSignInStarting(_logger, connection.Name, "device code");
        var result = await RunAsync(connection, () => client.AcquireTokenWithDeviceCode(_scopes.For(connection.Cloud), code =>
                showCode(new OAuthDeviceCode(code.UserCode, new Uri(code.VerificationUrl), code.ExpiresOn, code.Message), cancellationToken))
            .ExecuteAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(connection, handler, cache, result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks that an OAuth connection of this shape can start a sign-in (method, https authority).</summary>
    internal static void CheckConnection(Connection connection)
    {
        if (connection.Method != ConnectionMethod.OAuth || connection.OAuth is null)
        {
            throw new EntradaValidationException("method", $"Connection '{connection.Name}' is not an OAuth connection; only OAuth connections sign in.");
        }
    }

    /// <summary>Runs an MSAL sign-in, translating its failures (cancellation stays cancellation).</summary>
    internal async Task<AuthenticationResult> RunAsync(Connection connection, Func<Task<AuthenticationResult>> signIn, CancellationToken cancellationToken)
    {
        CheckConnection(connection);
        try
        {
            return await signIn().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var translated = OAuthErrors.Translate(ex, connection);
            LogSignInFailed(_logger, connection.Name, (translated as AuthenticationFailedException)?.Code);
            throw translated;
        }
    }

    /// <summary>After MSAL signed someone in: who is it (refusing a Guest), and the connection with its cache.</summary>
    internal async Task<OAuthSignInResult> CompleteAsync(Connection connection, HttpMessageHandler handler, TokenCacheBinding cache, AuthenticationResult result, CancellationToken cancellationToken)
    {
        var user = await SignedInUser.ReadAsync(connection, handler, result.AccessToken, cancellationToken).ConfigureAwait(false);
        if (user.IsGuest)
        {
            LogGuestRefused(_logger, connection.Name);
            throw OAuthErrors.GuestRefused(connection, user.UserPrincipalName);
        }

        var granted = AccessTokenClaims.Parse(result.AccessToken).Scopes.Order(StringComparer.Ordinal).ToList();
        LogSignedIn(_logger, connection.Name, user.UserPrincipalName, granted.Count);
        var signedIn = connection with { OAuth = connection.OAuth! with { TokenCache = cache.ToSecret(), SignedInUser = user.UserPrincipalName } };
        return new OAuthSignInResult(signedIn, user.UserPrincipalName, user.DisplayName, granted);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sign-in of connection {Connection} started ({Flow})")]
    private static partial void LogSignInStarting(ILogger logger, string connection, string flow);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connection {Connection} signed in as {User} with {Scopes} delegated permission(s)")]
    private static partial void LogSignedIn(ILogger logger, string connection, string user, int scopes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in of connection {Connection} failed: {Code}")]
    private static partial void LogSignInFailed(ILogger logger, string connection, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in of connection {Connection} refused: the user is a Guest")]
    private static partial void LogGuestRefused(ILogger logger, string connection);
}
