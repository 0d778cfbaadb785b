using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;

namespace Entrada.Core.Audit;

/// <summary>How an audited operation ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuditOutcome>))]
public enum AuditOutcome
{
    /// <summary>It did what was asked.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,
    /// <summary>It failed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
    /// <summary>It was cancelled.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
    /// <summary>It was a dry run: nothing was sent.</summary>
    [JsonStringEnumMemberName("dry-run")]
    DryRun,
}

/// <summary>One audited operation. <see cref="Details"/> never holds a secret (see <see cref="SecretMasking"/>).</summary>
public sealed record AuditRecord
{
    /// <summary>Its number, in order of writing.</summary>
    public long Id { get; init; }
    /// <summary>When it started.</summary>
    public DateTimeOffset At { get; init; }
    /// <summary>Who did it, through which edge.</summary>
    [JsonIgnore]
    public required Caller Caller { get; init; }
    /// <summary><c>cli</c>, <c>api</c> or <c>web</c>.</summary>
    public CallerInterface Interface => Caller.Interface;
    /// <summary>Who did it: the OS user for the CLI, the API key's id for the API.</summary>
    public string? Actor => Caller.Actor;
    /// <summary>What was done: <c>connections.add</c>, <c>run users.disable</c> …</summary>
    public required string Operation { get; init; }
    /// <summary>The connection it concerned.</summary>
    public string? Connection { get; init; }
    /// <summary>What it acted on, briefly.</summary>
    public string? Target { get; init; }
    /// <summary>How it ended.</summary>
    public required AuditOutcome Outcome { get; init; }
    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; init; }
    /// <summary>Masked inputs and results (JSON).</summary>
    public JsonObject? Details { get; init; }
    /// <summary>The error message, when it failed.</summary>
    public string? Error { get; init; }
}

/// <summary>Writes and reads the audit log in the database.</summary>
public sealed class AuditLog(EntradaDatabase database, TimeProvider time)
{
    /// <summary>
    /// Records an operation that took <paramref name="duration"/> and ended now: the one way every
    /// use case writes its audit record. Written even when the caller was cancelled.
    /// </summary>
    public Task<long> RecordAsync(Caller caller, string operation, string? connection, AuditOutcome outcome, TimeSpan duration, JsonObject? details = null, string? error = null) =>
        WriteAsync(
            new AuditRecord
            {
                At = time.GetUtcNow() - duration,
                Caller = caller,
                Operation = operation,
                Connection = connection,
                Outcome = outcome,
                Duration = duration,
                Details = details,
                Error = error,
            },
            CancellationToken.None);

    /// <summary>Appends a record; secrets in its details are masked first.</summary>
    public async Task<long> WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await using var db = await database.OpenAsync(cancellationToken);
        await using var insert = db.CreateCommand();
        insert.CommandText = """
            INSERT INTO audit (at, interface, actor, operation, connection, target, outcome, duration_ms, details, error)
            VALUES ($at, $interface, $actor, $operation, $connection, $target, $outcome, $duration, $details, $error)
            RETURNING id;
            """;
        insert.Parameters.AddWithValue("$at", record.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        insert.Parameters.AddWithValue("$interface", record.Interface.ToWire());
        insert.Parameters.AddWithValue("$actor", (object?)record.Actor ?? DBNull.Value);
        insert.Parameters.AddWithValue("$operation", record.Operation);
        insert.Parameters.AddWithValue("$connection", (object?)record.Connection ?? DBNull.Value);
        insert.Parameters.AddWithValue("$target", (object?)record.Target ?? DBNull.Value);
        insert.Parameters.AddWithValue("$outcome", record.Outcome.ToWire());
        insert.Parameters.AddWithValue("$duration", (long)record.Duration.TotalMilliseconds);
        insert.Parameters.AddWithValue("$details", record.Details is null ? DBNull.Value : SecretMasking.MaskUntyped(record.Details)!.ToJsonString());
        insert.Parameters.AddWithValue("$error", (object?)record.Error ?? DBNull.Value);
        return (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Lists records, newest first.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ListAsync(int limit, string? connection, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = """
            SELECT id, at, interface, actor, operation, connection, target, outcome, duration_ms, details, error
            FROM audit WHERE ($connection IS NULL OR connection = $connection COLLATE NOCASE)
            ORDER BY id DESC LIMIT $limit;
            """;
        select.Parameters.AddWithValue("$connection", (object?)connection ?? DBNull.Value);
        select.Parameters.AddWithValue("$limit", limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var records = new List<AuditRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord
            {
                Id = reader.GetInt64(0),
                At = DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                Caller = new Caller(WireNames.ParseWire<CallerInterface>(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetString(3)),
                Operation = reader.GetString(4),
                Connection = reader.IsDBNull(5) ? null : reader.GetString(5),
                Target = reader.IsDBNull(6) ? null : reader.GetString(6),
                Outcome = WireNames.ParseWire<AuditOutcome>(reader.GetString(7)),
                Duration = TimeSpan.FromMilliseconds(reader.GetInt64(8)),
                Details = reader.IsDBNull(9) ? null : JsonNode.Parse(reader.GetString(9)) as JsonObject,
                Error = reader.IsDBNull(10) ? null : reader.GetString(10),
            });
        }

        return records;
    }
}
