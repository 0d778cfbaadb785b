using System.Globalization;
using Entrada.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Entrada.Core.Runners;

/// <summary>A registered runner as the server keeps it (its public key, never a secret).</summary>
public sealed record RunnerRecord
{
    /// <summary>Its id (<c>rn_…</c>).</summary>
    public required string Id { get; init; }
    /// <summary>The runner group it takes the runs of.</summary>
    public required string Group { get; init; }
    /// <summary>The name it registered with (its host name unless given).</summary>
    public required string Name { get; init; }
    /// <summary>Its ECDSA P-256 public key (SubjectPublicKeyInfo, base64).</summary>
    public required string PublicKey { get; init; }
    /// <summary>When it registered.</summary>
    public DateTimeOffset RegisteredAt { get; init; }
    /// <summary>When it was revoked, if it was.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
    /// <summary>The Entrada version it last reported.</summary>
    public string? Version { get; init; }
    /// <summary>The address its last connection came from.</summary>
    public string? Address { get; init; }
    /// <summary>When its last connection was made.</summary>
    public DateTimeOffset? ConnectedAt { get; init; }
    /// <summary>When it was last heard from.</summary>
    public DateTimeOffset? LastSeenAt { get; init; }

    /// <summary>Whether it may still connect.</summary>
    public bool Active => RevokedAt is null;
}

/// <summary>Keeps registration tokens (hashed) and registered runners in the database.</summary>
public sealed class RunnerStore(EntradaDatabase database)
{
    /// <summary>Stores a new registration token's hash.</summary>
    public async Task InsertTokenAsync(string id, string group, string hash, DateTimeOffset created, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var insert = db.CreateCommand();
        insert.CommandText = "INSERT INTO runner_tokens (id, group_name, hash, created_at, expires_at) VALUES ($id, $group, $hash, $created, $expires);";
        insert.Parameters.AddWithValue("$id", id);
        insert.Parameters.AddWithValue("$group", group);
        insert.Parameters.AddWithValue("$hash", hash);
        insert.Parameters.AddWithValue("$created", Format(created));
        insert.Parameters.AddWithValue("$expires", Format(expires));
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Uses a token up and records the runner it registers, in one transaction: a token that is
    /// unknown, used, expired or of another group changes nothing and says why.
    /// </summary>
    public async Task<TokenUse> RegisterAsync(string hash, string group, RunnerRecord runner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runner);
        await using var db = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        string tokenGroup;
        await using (var select = db.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT group_name, expires_at, used_at FROM runner_tokens WHERE hash = $hash;";
            select.Parameters.AddWithValue("$hash", hash);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return TokenUse.Unknown;
            }

            tokenGroup = reader.GetString(0);
            if (!reader.IsDBNull(2))
            {
                return TokenUse.Used;
            }

            if (Parse(reader.GetString(1)) <= now)
            {
                return TokenUse.Expired;
            }
        }

        if (!string.Equals(tokenGroup, group, StringComparison.Ordinal))
        {
            return TokenUse.OtherGroup;
        }

        await using (var use = db.CreateCommand())
        {
            use.Transaction = transaction;
            use.CommandText = "UPDATE runner_tokens SET used_at = $now, used_by = $runner WHERE hash = $hash AND used_at IS NULL;";
            use.Parameters.AddWithValue("$hash", hash);
            use.Parameters.AddWithValue("$now", Format(now));
            use.Parameters.AddWithValue("$runner", runner.Id);
            if (await use.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return TokenUse.Used;
            }
        }

        await using (var insert = db.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO runners (id, group_name, name, public_key, registered_at, version) VALUES ($id, $group, $name, $key, $at, $version);";
            insert.Parameters.AddWithValue("$id", runner.Id);
            insert.Parameters.AddWithValue("$group", runner.Group);
            insert.Parameters.AddWithValue("$name", runner.Name);
            insert.Parameters.AddWithValue("$key", runner.PublicKey);
            insert.Parameters.AddWithValue("$at", Format(runner.RegisteredAt));
            insert.Parameters.AddWithValue("$version", (object?)runner.Version ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return TokenUse.Registered;
    }

    /// <summary>A runner by id, or null.</summary>
    public async Task<RunnerRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = $"{Select} WHERE id = $id;";
        select.Parameters.AddWithValue("$id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>Every runner, by group and name.</summary>
    public async Task<IReadOnlyList<RunnerRecord>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = $"{Select} ORDER BY group_name, name, registered_at;";
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var list = new List<RunnerRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    /// <summary>Marks a runner revoked; returns it, or null when there is none by that id.</summary>
    public async Task<RunnerRecord?> RevokeAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var db = await database.OpenAsync(cancellationToken))
        await using (var update = db.CreateCommand())
        {
            update.CommandText = "UPDATE runners SET revoked_at = coalesce(revoked_at, $now) WHERE id = $id;";
            update.Parameters.AddWithValue("$id", id);
            update.Parameters.AddWithValue("$now", Format(now));
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        return await FindAsync(id, cancellationToken);
    }

    /// <summary>Records a new connection of a runner: its version and address.</summary>
    public async Task SetConnectedAsync(string id, string? version, string? address, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = "UPDATE runners SET version = $version, address = $address, connected_at = $now, last_seen_at = $now WHERE id = $id;";
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$version", (object?)version ?? DBNull.Value);
        update.Parameters.AddWithValue("$address", (object?)address ?? DBNull.Value);
        update.Parameters.AddWithValue("$now", Format(now));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records that a runner was heard from.</summary>
    public async Task SetSeenAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = "UPDATE runners SET last_seen_at = $now WHERE id = $id;";
        update.Parameters.AddWithValue("$id", id);
        update.Parameters.AddWithValue("$now", Format(now));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string Select = "SELECT id, group_name, name, public_key, registered_at, revoked_at, version, address, connected_at, last_seen_at FROM runners";

    private static RunnerRecord Read(SqliteDataReader r) => new()
    {
        Id = r.GetString(0),
        Group = r.GetString(1),
        Name = r.GetString(2),
        PublicKey = r.GetString(3),
        RegisteredAt = Parse(r.GetString(4)),
        RevokedAt = r.IsDBNull(5) ? null : Parse(r.GetString(5)),
        Version = r.IsDBNull(6) ? null : r.GetString(6),
        Address = r.IsDBNull(7) ? null : r.GetString(7),
        ConnectedAt = r.IsDBNull(8) ? null : Parse(r.GetString(8)),
        LastSeenAt = r.IsDBNull(9) ? null : Parse(r.GetString(9)),
    };

    private static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string at) => DateTimeOffset.Parse(at, CultureInfo.InvariantCulture);
}

/// <summary>What presenting a registration token did.</summary>
public enum TokenUse
{
    /// <summary>The runner is registered; the token is used up.</summary>
    Registered,
    /// <summary>No such token.</summary>
    Unknown,
    /// <summary>The token was used already.</summary>
    Used,
    /// <summary>The token expired.</summary>
    Expired,
    /// <summary>The token is for another group.</summary>
    OtherGroup,
}
