using System.Globalization;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;

namespace Entrada.Core.Connections;

/// <summary>
/// Keeps one access token per saved connection between processes, encrypted with
/// <see cref="SecretProtector"/> like the connection's secrets. The token is stored with the
/// fingerprint of what it was issued for (authority, tenant, client, credential, scopes) inside the
/// encrypted payload, and given back only to a caller presenting the same fingerprint, so a token
/// is never reused once the connection's destination or credential changed. A token is dropped
/// when its connection is updated or removed.
/// </summary>
public sealed class TokenStore(EntradaDatabase database, SecretProtector protector)
{
    private const string Purpose = "Entrada.Connections.AppToken.v1";

    /// <summary>
    /// The token stored for <paramref name="connection"/> if it was issued for
    /// <paramref name="fingerprint"/>, or null (none, or issued for something else).
    /// </summary>
    public async Task<StoredToken?> FindAsync(string connection, string fingerprint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connection);
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT token, expires_at FROM app_tokens WHERE connection_key = $key;";
        select.Parameters.AddWithValue("$key", Key(connection));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var payload = protector.Unprotect(Purpose, reader.GetString(0));
        if (!payload.TryGetValue("fingerprint", out var issuedFor) || issuedFor.Reveal() != fingerprint
            || !payload.TryGetValue("accessToken", out var token))
        {
            return null;
        }

        return new StoredToken(token, DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Keeps <paramref name="token"/> for <paramref name="connection"/>, replacing the one it had.
    /// A connection that is not saved (tested before it is added) keeps nothing.
    /// </summary>
    public async Task SaveAsync(string connection, string fingerprint, StoredToken token, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connection);
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        ArgumentNullException.ThrowIfNull(token);
        var payload = protector.Protect(Purpose, new Dictionary<string, Secret>(StringComparer.Ordinal)
        {
            ["fingerprint"] = new Secret(fingerprint),
            ["accessToken"] = token.AccessToken,
        });
        await using var db = await database.OpenAsync(cancellationToken);
        await using var upsert = db.CreateCommand();
        upsert.CommandText = """
            INSERT INTO app_tokens (connection_key, token, expires_at)
            SELECT $key, $token, $expires WHERE EXISTS (SELECT 1 FROM connections WHERE name_key = $key)
            ON CONFLICT (connection_key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at;
            """;
        upsert.Parameters.AddWithValue("$key", Key(connection));
        upsert.Parameters.AddWithValue("$token", payload);
        upsert.Parameters.AddWithValue("$expires", token.ExpiresOn.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets the token of <paramref name="connection"/> (refused, or the connection changed).</summary>
    public async Task ForgetAsync(string connection, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connection);
        await using var db = await database.OpenAsync(cancellationToken);
        await using var delete = db.CreateCommand();
        delete.CommandText = "DELETE FROM app_tokens WHERE connection_key = $key;";
        delete.Parameters.AddWithValue("$key", Key(connection));
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    // The same key as the connections table, so the row follows its connection (ON DELETE CASCADE).
    internal static string Key(string name) => name.Trim().ToUpperInvariant();
}

/// <summary>An access token as kept between processes: the token (never printed) and when it expires.</summary>
/// <param name="AccessToken">The bearer token.</param>
/// <param name="ExpiresOn">When the identity platform said it expires.</param>
public sealed record StoredToken(Secret AccessToken, DateTimeOffset ExpiresOn);
