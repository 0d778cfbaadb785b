using Azure.Core;

namespace Entrada.Graph.Credentials;

/// <summary>
/// Keeps one access token per connection and scope and hands it out until shortly before it
/// expires, so a run of many actions asks the identity platform once, not once per request.
/// Concurrent callers wait for the one request in flight. With a <see cref="PersistedAppToken"/>
/// (App Registration connections) the token is also kept between processes: a later process
/// uses it until the same margin before expiry instead of asking again.
/// </summary>
internal sealed class CachedTokenCredential(TokenCredential inner, TimeProvider time, PersistedAppToken? persisted = null, bool readPersisted = true) : TokenCredential
{
    /// <summary>How long before expiry a token is renewed.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, AccessToken> _tokens = new(StringComparer.Ordinal);

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var key = string.Join(' ', requestContext.Scopes) + "|" + requestContext.Claims;
        if (TryGetFresh(key, out var token))
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (TryGetFresh(key, out token))
            {
                return token;
            }

            // Another process (an earlier run, or one running now) may have kept a token still fresh.
            if (persisted is not null && readPersisted
                && await persisted.LoadAsync(requestContext, cancellationToken).ConfigureAwait(false) is { } stored
                && IsFresh(stored.ExpiresOn))
            {
                token = new AccessToken(stored.AccessToken.Reveal(), stored.ExpiresOn);
                Core.Diagnostics.StartupTimeline.Mark("token read from the store");
            }
            else
            {
                token = await inner.GetTokenAsync(requestContext, cancellationToken).ConfigureAwait(false);
                Core.Diagnostics.StartupTimeline.Mark("token issued");
                if (persisted is not null)
                {
                    await persisted.SaveAsync(requestContext, token, cancellationToken).ConfigureAwait(false);
                }
            }

            lock (_tokens)
            {
                _tokens[key] = token;
            }

            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets the tokens in memory.</summary>
    public void Clear()
    {
        lock (_tokens)
        {
            _tokens.Clear();
        }
    }

    /// <summary>Forgets the tokens in memory and the one kept between processes (Graph refused it).</summary>
    public async Task ForgetAsync(CancellationToken cancellationToken)
    {
        Clear();
        if (persisted is not null)
        {
            await persisted.ForgetAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private bool TryGetFresh(string key, out AccessToken token)
    {
        lock (_tokens)
        {
            if (_tokens.TryGetValue(key, out token) && IsFresh(token.ExpiresOn))
            {
                return true;
            }
        }

        token = default;
        return false;
    }

    private bool IsFresh(DateTimeOffset expiresOn) => expiresOn - RefreshMargin > time.GetUtcNow();
}
