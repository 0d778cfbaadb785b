using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Entrada.Core;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Entrada.Core.Keys;

/// <summary>What is known of an API key: never the key itself, which is shown once and stored only as a hash.</summary>
/// <param name="Id">The key's public id (the part after <c>entrada_</c>), used to list and revoke it.</param>
/// <param name="Name">A label given when it was made.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="LastUsedAt">When it last authenticated a request (to the minute).</param>
/// <param name="RevokedAt">When it was revoked, if it was.</param>
public sealed record ApiKeyInfo(string Id, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>Whether it still authenticates.</summary>
    public bool Active => RevokedAt is null;
}

/// <summary>
/// API keys for the server. A key is <c>entrada_{id}_{secret}</c> with a 256-bit random secret;
/// the database keeps the SHA-256 of the whole key, so a stolen database authenticates nobody.
/// Keys are compared in constant time.
/// </summary>
public sealed class ApiKeyStore(EntradaDatabase database, TimeProvider time)
{
    private const string Prefix = "entrada_";
    private static readonly TimeSpan LastUsedGranularity = TimeSpan.FromMinutes(1);

    /// <summary>Makes a key; the returned secret is the only time it can be seen.</summary>
    public async Task<(ApiKeyInfo Info, Secret Key)> CreateAsync(string? name, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        var created = await InsertAsync(db, transaction, name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Makes a key only when no active key exists (the server's first start); null otherwise.</summary>
    public async Task<(ApiKeyInfo Info, Secret Key)?> CreateFirstAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        await using var count = db.CreateCommand();
        count.Transaction = transaction;
        count.CommandText = "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL;";
        if (Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) > 0)
        {
            return null;
        }

        var created = await InsertAsync(db, transaction, name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Revokes every active key with this name and makes a new one (the demo's key, fresh on every start).</summary>
    public async Task<(ApiKeyInfo Info, Secret Key)> ReplaceNamedAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        await using var revoke = db.CreateCommand();
        revoke.Transaction = transaction;
        revoke.CommandText = "UPDATE api_keys SET revoked_at = $now WHERE name = $name AND revoked_at IS NULL;";
        revoke.Parameters.AddWithValue("$now", Format(time.GetUtcNow()));
        revoke.Parameters.AddWithValue("$name", name);
        await revoke.ExecuteNonQueryAsync(cancellationToken);
        var created = await InsertAsync(db, transaction, name, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return created;
    }

    /// <summary>Every key, active first, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT id, name, created_at, last_used_at, revoked_at FROM api_keys ORDER BY revoked_at IS NOT NULL, created_at DESC;";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <summary>Revokes a key by id (with or without the <c>entrada_</c> prefix).</summary>
    public async Task<ApiKeyInfo> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var bare = id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : id;
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = """
            UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $now) WHERE id = $id
            RETURNING id, name, created_at, last_used_at, revoked_at;
            """;
        update.Parameters.AddWithValue("$id", bare);
        update.Parameters.AddWithValue("$now", Format(time.GetUtcNow()));
        await using var reader = await update.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : throw new ApiKeyNotFoundException(id);
    }

    /// <summary>The active key a presented value is, or null. Never says why a value was refused.</summary>
    public async Task<ApiKeyInfo?> ValidateAsync(string? presented, CancellationToken cancellationToken)
    {
        if (!TryParseId(presented, out var id))
        {
            return null;
        }

        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT id, name, created_at, last_used_at, revoked_at, hash FROM api_keys WHERE id = $id AND revoked_at IS NULL;";
        select.Parameters.AddWithValue("$id", id);
        ApiKeyInfo? info = null;
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                var expected = Convert.FromHexString(reader.GetString(5));
                if (CryptographicOperations.FixedTimeEquals(expected, Hash(presented!)))
                {
                    info = Read(reader);
                }
            }
        }

        if (info is not null && (info.LastUsedAt is null || time.GetUtcNow() - info.LastUsedAt > LastUsedGranularity))
        {
            await using var touch = db.CreateCommand();
            touch.CommandText = "UPDATE api_keys SET last_used_at = $now WHERE id = $id;";
            touch.Parameters.AddWithValue("$now", Format(time.GetUtcNow()));
            touch.Parameters.AddWithValue("$id", id);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        return info;
    }

    /// <summary>Whether a key id is still active (a signed-in page session ends when its key is revoked).</summary>
    public async Task<bool> IsActiveAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT 1 FROM api_keys WHERE id = $id AND revoked_at IS NULL;";
        select.Parameters.AddWithValue("$id", id);
        return await select.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private async Task<(ApiKeyInfo, Secret)> InsertAsync(SqliteConnection db, SqliteTransaction transaction, string? name, CancellationToken cancellationToken)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = $"{Prefix}{id}_{secret}";
        var now = time.GetUtcNow();
        await using var insert = db.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO api_keys (id, name, hash, created_at) VALUES ($id, $name, $hash, $created);";
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$name", string.IsNullOrWhiteSpace(name) ? DBNull.Value : name.Trim());
        insert.Parameters.AddWithValue("$hash", Convert.ToHexStringLower(Hash(key)));
        insert.Parameters.AddWithValue("$created", Format(now));
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return (new ApiKeyInfo(id, string.IsNullOrWhiteSpace(name) ? null : name.Trim(), now, null, null), new Secret(key));
    }

    private static bool TryParseId(string? presented, out string id)
    {
        id = string.Empty;
        if (presented is null || presented.Length > 200 || !presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = presented.AsSpan(Prefix.Length);
        var underscore = rest.IndexOf('_');
        if (underscore != 12)
        {
            return false;
        }

        id = rest[..underscore].ToString();
        return true;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseOrNull(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture);

    private static ApiKeyInfo Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        DateTimeOffset.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
        ParseOrNull(reader, 3),
        ParseOrNull(reader, 4));
}

/// <summary>No API key has the given id.</summary>
public sealed class ApiKeyNotFoundException(string id)
    : EntradaException($"There is no API key with id '{id}'.", next: new NextStep(NextStepKind.ListKeys))
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}
