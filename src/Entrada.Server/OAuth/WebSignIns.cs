using System.Collections.Concurrent;
using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Graph.OAuth;
using Microsoft.AspNetCore.Http;

namespace Entrada.Server.OAuth;

/// <summary>How a web sign-in ended: who signed in, or why not (with what to do next).</summary>
/// <param name="Connection">The connection's name; null when the callback matched no sign-in.</param>
/// <param name="User">Who signed in (null on failure).</param>
/// <param name="Failure">Why the sign-in failed (null on success).</param>
/// <param name="AdminConsentUrl">For a missing consent: the page an administrator opens.</param>
internal sealed record WebSignInOutcome(string? Connection, string? User, AuthenticationFailedException? Failure, string? AdminConsentUrl)
{
    /// <summary>The code of a failure the identity platform or the checks gave (<c>state-mismatch</c>, <c>guest-user</c>, <c>AADSTS65001</c> …).</summary>
    public string? Code => Failure?.Code;

    /// <summary>A Guest was refused.</summary>
    public bool IsGuest => Code == "guest-user";

    /// <summary>An administrator must consent first.</summary>
    public bool IsConsentRequired => Code == "AADSTS65001";
}

/// <summary>
/// The server's side of OAuth sign-in for the pages and the API: begins
/// <see cref="OAuthWebSignIn"/> with the server's own callback URI, completes it from the
/// callback (keeping the new sign-in, encrypted, with the connection), and signs out. Each step
/// is audited like the CLI's. It remembers which connection a pending <c>state</c> belongs to only
/// so that a failed callback can link back to it; the state itself is checked by
/// <see cref="OAuthWebSignIn"/>.
/// </summary>
internal sealed class WebSignIns(OAuthWebSignIn web, ConnectionService connections, TimeProvider time)
{
    /// <summary>The path of the callback page the identity platform redirects to.</summary>
    public const string CallbackPath = "/connections/oauth-callback";

    /// <summary>The cookie that ties a sign-in to the browser that started it.</summary>
    public const string BrowserCookie = "entrada.oauth";

    private readonly ConcurrentDictionary<string, (string Connection, DateTimeOffset Expires)> _names = new(StringComparer.Ordinal);

    /// <summary>The server's callback URI as the request reached it: <c>{scheme}://{host}/connections/oauth-callback</c>.</summary>
    public static Uri RedirectUriFor(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Uri($"{request.Scheme}://{request.Host}{request.PathBase}{CallbackPath}");
    }

    /// <summary>Starts a sign-in for a saved OAuth connection; returns where to send the browser.</summary>
    public async Task<OAuthWebSignInStart> BeginAsync(string name, Uri redirectUri, CancellationToken cancellationToken)
    {
        var connection = await connections.GetOAuthAsync(name, cancellationToken);
        var start = await web.BeginAsync(connection, redirectUri, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var (state, pending) in _names)
        {
            if (pending.Expires <= now)
            {
                _names.TryRemove(state, out _);
            }
        }

        _names[start.State] = (connection.Name, start.ExpiresAt);
        return start;
    }

    /// <summary>
    /// Completes the sign-in the callback belongs to and keeps it with the connection. Failures
    /// (an unknown or replayed state, a Guest, a missing consent, a declined sign-in) come back in
    /// the outcome, never as an exception.
    /// </summary>
    public async Task<WebSignInOutcome> CompleteAsync(Uri callbackUri, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callbackUri);
        var state = StateOf(callbackUri);
        string? name = state is not null && _names.TryRemove(state, out var pending) ? pending.Connection : null;
        try
        {
            var result = await connections.SignInAsync(name, caller, ct => web.CompleteAsync(callbackUri, ct), cancellationToken);
            return new WebSignInOutcome(result.Connection.Name, result.UserPrincipalName, null, null);
        }
        catch (AuthenticationFailedException ex)
        {
            string? consentUrl = null;
            if (name is not null && ex.Code == "AADSTS65001" && await connections.FindAsync(name, cancellationToken) is { OAuth: { } oauth } connection)
            {
                consentUrl = connection.Cloud.AdminConsentUrl(oauth.TenantId, oauth.ClientId).ToString();
            }

            return new WebSignInOutcome(name, null, ex, consentUrl);
        }
    }

    /// <summary>Forgets the sign-in of an OAuth connection (its token cache is removed).</summary>
    public Task<Connection> SignOutAsync(string name, Caller caller, CancellationToken cancellationToken) =>
        connections.SignOutAsync(name, caller, cancellationToken);

    /// <summary>The <c>state</c> of a callback URI, if it has one.</summary>
    public static string? StateOf(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query);
        return query.TryGetValue("state", out var state) && state.Count == 1 ? state[0] : null;
    }
}
