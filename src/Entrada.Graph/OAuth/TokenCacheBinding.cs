using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Microsoft.Identity.Client;

namespace Entrada.Graph.OAuth;

/// <summary>
/// Where one public client's MSAL token cache lives: in memory while a sign-in for a connection
/// that is not saved yet runs, and in the connection's encrypted <see cref="OAuthSettings.TokenCache"/>
/// once it is saved — read from the store before every access and written back after every change,
/// so a refresh in one process is seen by the next. The cache is never written to a file of its own.
/// </summary>
internal sealed class TokenCacheBinding
{
    private readonly Func<CancellationToken, Task<(bool Saved, byte[]? Data)>>? _load;
    private readonly Func<byte[], CancellationToken, Task>? _save;
    private byte[]? _data;

    private TokenCacheBinding(byte[]? initial, Func<CancellationToken, Task<(bool Saved, byte[]? Data)>>? load, Func<byte[], CancellationToken, Task>? save)
    {
        _data = initial;
        _load = load;
        _save = save;
    }

    /// <summary>A cache kept in memory only (a sign-in whose result is saved by the caller).</summary>
    public static TokenCacheBinding InMemory(Secret? initial = null) => new(Decode(initial), null, null);

    /// <summary>
    /// A cache read from and written to the saved connection <paramref name="connection"/>; while
    /// the connection is not saved (testing before <c>add</c> saves it) it stays in memory.
    /// </summary>
    public static TokenCacheBinding Persisted(Connection connection, ConnectionStore store)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(store);
        return new TokenCacheBinding(
            Decode(connection.OAuth?.TokenCache),
            async ct => await store.FindAsync(connection.Name, ct).ConfigureAwait(false) is { } saved
                ? (true, saved.OAuth is { } o && SameIdentity(saved, connection) ? Decode(o.TokenCache) : null)
                : (false, null),
            async (data, ct) =>
            {
                // Read-modify-write of the token cache only: anything else changed meanwhile (by
                // 'connections update') is kept, and a connection re-pointed at another tenant or app
                // does not receive this one's tokens.
                if (await store.FindAsync(connection.Name, ct).ConfigureAwait(false) is { OAuth: { } o } saved && SameIdentity(saved, connection))
                {
                    await store.UpdateAsync(saved with { OAuth = o with { TokenCache = Encode(data) } }, ct).ConfigureAwait(false);
                }
            });
    }

    /// <summary>The cache as the connection keeps it (base64 of MSAL's v3 format, in a <see cref="Secret"/>), or null when empty.</summary>
    public Secret? ToSecret() => Encode(_data);

    /// <summary>Hooks the binding into a client's user token cache.</summary>
    public void Attach(ITokenCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        cache.SetBeforeAccessAsync(BeforeAccessAsync);
        cache.SetAfterAccessAsync(AfterAccessAsync);
    }

    private async Task BeforeAccessAsync(TokenCacheNotificationArgs args)
    {
        if (_load is not null && await _load(args.CancellationToken).ConfigureAwait(false) is (true, var stored))
        {
            _data = stored;
        }

        args.TokenCache.DeserializeMsalV3(_data, shouldClearExistingCache: true);
    }

    private async Task AfterAccessAsync(TokenCacheNotificationArgs args)
    {
        if (!args.HasStateChanged)
        {
            return;
        }

        _data = args.TokenCache.SerializeMsalV3();
        if (_save is not null)
        {
            await _save(_data, args.CancellationToken).ConfigureAwait(false);
        }
    }

    private static bool SameIdentity(Connection saved, Connection original) =>
        saved.Method == ConnectionMethod.OAuth
        && string.Equals(saved.OAuth!.TenantId, original.OAuth?.TenantId, StringComparison.OrdinalIgnoreCase)
        && string.Equals(saved.OAuth.ClientId, original.OAuth?.ClientId, StringComparison.OrdinalIgnoreCase)
        && saved.Cloud.AuthorityHost == original.Cloud.AuthorityHost;

    private static byte[]? Decode(Secret? secret) => secret is null ? null : Convert.FromBase64String(secret.Reveal());

    private static Secret? Encode(byte[]? data) => data is null || data.Length == 0 ? null : new Secret(Convert.ToBase64String(data));
}
