using Azure.Core;

namespace Entrada.Graph.Credentials;

/// <summary>
/// Keeps one access token per connection and scope and hands it out until shortly before it
/// expires, so a run of many actions asks the identity platform once, not once per request.
/// Concurrent callers wait for the one request in flight.
/// </summary>
internal sealed class CachedTokenCredential(TokenCredential inner, TimeProvider time) : TokenCredential
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

            token = await inner.GetTokenAsync(requestContext, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Forgets the tokens (after the identity platform or Graph refused one).</summary>
    public void Clear()
    {
        lock (_tokens)
        {
            _tokens.Clear();
        }
    }

    private bool TryGetFresh(string key, out AccessToken token)
    {
        lock (_tokens)
        {
            if (_tokens.TryGetValue(key, out token) && token.ExpiresOn - RefreshMargin > time.GetUtcNow())
            {
                return true;
            }
        }

        token = default;
        return false;
    }
}
