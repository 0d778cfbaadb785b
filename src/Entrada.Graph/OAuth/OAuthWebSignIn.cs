using System.Collections.Concurrent;
using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Graph.Credentials;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensibility;
using AuthenticationFailedException = Entrada.Core.AuthenticationFailedException;

namespace Entrada.Graph.OAuth;

/// <summary>Where to send the person's browser to sign in, and the <c>state</c> that will come back.</summary>
/// <param name="AuthorizationUrl">The identity platform's authorize URL (with PKCE challenge and state).</param>
/// <param name="State">The state value the callback must carry.</param>
/// <param name="ExpiresAt">When the sign-in is abandoned if no callback came.</param>
public sealed record OAuthWebSignInStart(Uri AuthorizationUrl, string State, DateTimeOffset ExpiresAt);

/// <summary>
/// The server-side sign-in of the web page: authorization code with PKCE, redirecting to the
/// server's own callback URI. <see cref="BeginAsync"/> returns the URL to redirect the browser
/// to; the server's callback endpoint hands the URL it was called with to
/// <see cref="CompleteAsync"/>, which matches it to the sign-in by its <c>state</c> (a callback
/// whose state matches no sign-in in progress is refused), lets MSAL check the state again and
/// redeem the code with the verifier, and refuses a Guest. The caller saves the result.
/// </summary>
public sealed class OAuthWebSignIn : IDisposable
{
    /// <summary>How long a started sign-in waits for its callback.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly OAuthSignIn _signIn;
    private readonly DelegatedScopes _scopes;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);

    internal OAuthWebSignIn(OAuthSignIn signIn, DelegatedScopes scopes, TimeProvider time)
    {
        _signIn = signIn;
        _scopes = scopes;
        _time = time;
    }

    /// <summary>How many sign-ins wait for their callback.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Starts a sign-in for <paramref name="connection"/> that returns to <paramref name="redirectUri"/>.</summary>
    public async Task<OAuthWebSignInStart> BeginAsync(Connection connection, Uri redirectUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(redirectUri);
        OAuthSignIn.CheckConnection(connection);
        if (!redirectUri.IsAbsoluteUri || (redirectUri.Scheme != Uri.UriSchemeHttps && !redirectUri.IsLoopback))
        {
            throw new EntradaValidationException("redirectUri", $"The redirect URI '{redirectUri}' must be an absolute https URL (or http on a loopback address).");
        }

        RemoveExpired();
        var handler = ConnectionTrust.CreateHandler(connection.Cloud);
        var cache = TokenCacheBinding.InMemory();
        var ui = new DeferredWebUi();
        var expires = _time.GetUtcNow() + Lifetime;
        var lifetime = new CancellationTokenSource(Lifetime, _time);
        try
        {
            var client = PublicClients.Create(connection, handler, cache, redirectUri);
            var flow = _signIn.RunAsync(connection, () => client.AcquireTokenInteractive(_scopes.For(connection.Cloud))
                .WithCustomWebUi(ui)
                .WithPrompt(Prompt.SelectAccount)
                .ExecuteAsync(lifetime.Token), lifetime.Token);

            // MSAL builds the URL (PKCE verifier, state) and hands it to the web UI; a failure before that ends the flow.
            var first = await Task.WhenAny(ui.AuthorizationUrl, flow).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (first == flow)
            {
                await flow.ConfigureAwait(false);
                throw new InvalidOperationException("MSAL finished a sign-in without asking for the authorization code.");
            }

            var url = await ui.AuthorizationUrl.ConfigureAwait(false);
            var state = QueryValue(url, "state") ?? throw new InvalidOperationException("MSAL's authorize URL carries no state.");
            _pending[state] = new Pending(connection, handler, cache, ui, flow, lifetime, expires);
            return new OAuthWebSignInStart(url, state, expires);
        }
        catch
        {
            await lifetime.CancelAsync().ConfigureAwait(false);
            lifetime.Dispose();
            handler.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Completes the sign-in the callback <paramref name="callbackUri"/> (the full URL the identity
    /// platform redirected to, with <c>code</c> and <c>state</c>, or <c>error</c>) belongs to.
    /// </summary>
    public async Task<OAuthSignInResult> CompleteAsync(Uri callbackUri, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callbackUri);
        var state = QueryValue(callbackUri, "state");
        if (state is null || !_pending.TryRemove(state, out var pending))
        {
            throw new AuthenticationFailedException("This sign-in response matches no sign-in in progress (its state is unknown or was already used). Start the sign-in again.", "state-mismatch");
        }

        try
        {
            if (pending.ExpiresAt <= _time.GetUtcNow())
            {
                throw new AuthenticationFailedException($"The sign-in for connection '{pending.Connection.Name}' took longer than {Lifetime.TotalMinutes:0} minutes and was abandoned. Start it again.", "expired");
            }

            pending.Ui.Callback.TrySetResult(callbackUri);
            var result = await pending.Flow.WaitAsync(cancellationToken).ConfigureAwait(false);
            return await _signIn.CompleteAsync(pending.Connection, pending.Handler, pending.Cache, result, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            pending.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var key in _pending.Keys)
        {
            if (_pending.TryRemove(key, out var pending))
            {
                pending.Dispose();
            }
        }
    }

    private void RemoveExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var (key, pending) in _pending)
        {
            if (pending.ExpiresAt <= now && _pending.TryRemove(key, out _))
            {
                pending.Dispose();
            }
        }
    }

    private static string? QueryValue(Uri uri, string name)
    {
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (Uri.UnescapeDataString(parts[0]) == name)
            {
                return parts.Length > 1 ? Uri.UnescapeDataString(parts[1].Replace('+', ' ')) : string.Empty;
            }
        }

        return null;
    }

    private sealed record Pending(Connection Connection, HttpMessageHandler Handler, TokenCacheBinding Cache, DeferredWebUi Ui, Task<AuthenticationResult> Flow, CancellationTokenSource Lifetime, DateTimeOffset ExpiresAt) : IDisposable
    {
        public void Dispose()
        {
            Ui.Callback.TrySetCanceled();
            Lifetime.Cancel();
            Lifetime.Dispose();
            Flow.ContinueWith(_ => Handler.Dispose(), TaskScheduler.Default);
        }
    }

    /// <summary>Hands MSAL's authorize URL out and waits for the callback the server receives.</summary>
    private sealed class DeferredWebUi : ICustomWebUi
    {
        private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<Uri> AuthorizationUrl => _url.Task;

        public TaskCompletionSource<Uri> Callback { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<Uri> AcquireAuthorizationCodeAsync(Uri authorizationUri, Uri redirectUri, CancellationToken cancellationToken)
        {
            _url.TrySetResult(authorizationUri);
            return await Callback.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
