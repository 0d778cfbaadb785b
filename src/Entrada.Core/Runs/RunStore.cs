using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Entrada.Core.Runs;

/// <summary>
/// Keeps runs in the database, so the history outlives the process. Inputs come masked by their
/// action's secret fields (<see cref="RunService"/>); inputs and outputs are masked again by name
/// (<see cref="SecretMasking.MaskUntyped"/>) as they are stored.
/// </summary>
public sealed class RunStore(EntradaDatabase database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records a run as it starts, owned by this process.</summary>
    public async Task InsertAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var db = await database.OpenAsync(cancellationToken);
        await using var insert = db.CreateCommand();
        insert.CommandText = """
            INSERT INTO runs (id, action, connection, interface, actor, status, dry_run, input, created_at, owner_pid, owner_host)
            VALUES ($id, $action, $connection, $interface, $actor, $status, $dryRun, $input, $created, $pid, $host);
            """;
        insert.Parameters.AddWithValue("$id", run.Id);
        insert.Parameters.AddWithValue("$action", run.Action);
        insert.Parameters.AddWithValue("$connection", run.Connection);
        insert.Parameters.AddWithValue("$interface", run.Interface.ToWire());
        insert.Parameters.AddWithValue("$actor", (object?)run.Actor ?? DBNull.Value);
        insert.Parameters.AddWithValue("$status", run.Status.ToWire());
        insert.Parameters.AddWithValue("$dryRun", run.DryRun ? 1 : 0);
        insert.Parameters.AddWithValue("$input", run.Input is null ? DBNull.Value : SecretMasking.MaskUntyped(run.Input)!.ToJsonString());
        insert.Parameters.AddWithValue("$created", Format(run.CreatedAt));
        insert.Parameters.AddWithValue("$pid", ProcessOwner.Pid);
        insert.Parameters.AddWithValue("$host", ProcessOwner.Host);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records how a run ended.</summary>
    public async Task CompleteAsync(RunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = """
            UPDATE runs SET status = $status, output = $output, item_count = $count, problem = $problem,
                audit_id = $audit, finished_at = $finished, connection = $connection, job_id = coalesce($job, job_id)
            WHERE id = $id;
            """;
        update.Parameters.AddWithValue("$id", run.Id);
        update.Parameters.AddWithValue("$status", run.Status.ToWire());
        var output = run.Output is null ? null : new JsonObject { ["value"] = SecretMasking.MaskUntyped(run.Output), ["truncated"] = run.OutputTruncated };
        update.Parameters.AddWithValue("$output", output is null ? DBNull.Value : output.ToJsonString());
        update.Parameters.AddWithValue("$count", run.ItemCount);
        update.Parameters.AddWithValue("$problem", run.Problem is null ? DBNull.Value : JsonSerializer.Serialize(run.Problem, Json));
        update.Parameters.AddWithValue("$audit", (object?)run.AuditId ?? DBNull.Value);
        update.Parameters.AddWithValue("$finished", run.FinishedAt is { } f ? Format(f) : DBNull.Value);
        update.Parameters.AddWithValue("$connection", run.Connection);
        update.Parameters.AddWithValue("$job", (object?)run.JobId ?? DBNull.Value);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records whether a running run waits for a runner.</summary>
    public async Task SetStatusAsync(string runId, RunStatus status, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = "UPDATE runs SET status = $status WHERE id = $id AND status IN ('running', 'waiting-for-runner');";
        update.Parameters.AddWithValue("$id", runId);
        update.Parameters.AddWithValue("$status", status.ToWire());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records the durable job a running bulk run works through.</summary>
    public async Task SetJobAsync(string runId, string jobId, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = "UPDATE runs SET job_id = $job WHERE id = $id;";
        update.Parameters.AddWithValue("$id", runId);
        update.Parameters.AddWithValue("$job", jobId);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The id of the run that made a job, or null when no run record names it (a job made before runs were recorded by every edge).</summary>
    public async Task<string?> FindRunOfJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT id FROM runs WHERE job_id = $job ORDER BY created_at, rowid LIMIT 1;";
        select.Parameters.AddWithValue("$job", jobId);
        return await select.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Marks runs left running by an earlier version, which recorded no owner, as interrupted (only a server made them, and it has stopped).</summary>
    public async Task MarkOwnerlessInterruptedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = "UPDATE runs SET status = $status, finished_at = $now WHERE status IN ('running', 'waiting-for-runner') AND owner_pid IS NULL;";
        update.Parameters.AddWithValue("$status", RunStatus.Interrupted.ToWire());
        update.Parameters.AddWithValue("$now", Format(now));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A run by id, or null.</summary>
    public async Task<RunRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = $"{Select} WHERE id = $id;";
        select.Parameters.AddWithValue("$id", id);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader, withOutput: true) : null;
    }

    /// <summary>Recent runs, newest first, without their outputs.</summary>
    public async Task<IReadOnlyList<RunRecord>> ListAsync(string? connection, string? action, int limit, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = $"""
            {Select}
            WHERE ($connection IS NULL OR connection = $connection COLLATE NOCASE) AND ($action IS NULL OR action = $action COLLATE NOCASE)
            ORDER BY created_at DESC, rowid DESC LIMIT $limit;
            """;
        select.Parameters.AddWithValue("$connection", (object?)connection ?? DBNull.Value);
        select.Parameters.AddWithValue("$action", (object?)action ?? DBNull.Value);
        select.Parameters.AddWithValue("$limit", limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RunRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(Read(reader, withOutput: false));
        }

        return runs;
    }

    private const string Select = "SELECT id, action, connection, interface, actor, status, dry_run, input, output, item_count, problem, audit_id, created_at, finished_at, job_id, owner_pid, owner_host FROM runs";

    private static RunRecord Read(SqliteDataReader r, bool withOutput)
    {
        var output = withOutput && !r.IsDBNull(8) ? JsonNode.Parse(r.GetString(8)) : null;
        var status = WireNames.ParseWire<RunStatus>(r.GetString(5));
        var ownerPid = r.IsDBNull(15) ? (int?)null : r.GetInt32(15);
        if (status is RunStatus.Running or RunStatus.WaitingForRunner && ownerPid is not null && !ProcessOwner.IsAlive(ownerPid, r.IsDBNull(16) ? null : r.GetString(16)))
        {
            status = RunStatus.Interrupted;
        }

        return new RunRecord
        {
            Id = r.GetString(0),
            Action = r.GetString(1),
            Connection = r.GetString(2),
            Caller = new Caller(WireNames.ParseWire<CallerInterface>(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4)),
            Status = status,
            DryRun = r.GetInt64(6) != 0,
            Input = r.IsDBNull(7) ? null : JsonNode.Parse(r.GetString(7)),
            Output = output?["value"]?.DeepClone(),
            OutputTruncated = output?["truncated"]?.GetValue<bool>() ?? false,
            ItemCount = r.GetInt64(9),
            Problem = r.IsDBNull(10) ? null : ReadProblem(r.GetString(10)),
            AuditId = r.IsDBNull(11) ? null : r.GetInt64(11),
            CreatedAt = DateTimeOffset.Parse(r.GetString(12), CultureInfo.InvariantCulture),
            FinishedAt = r.IsDBNull(13) ? null : DateTimeOffset.Parse(r.GetString(13), CultureInfo.InvariantCulture),
            JobId = r.IsDBNull(14) ? null : r.GetString(14),
        };
    }

    /// <summary>A stored problem; one stored before problems had a kind carries the HTTP status the server gave it.</summary>
    private static RunProblem? ReadProblem(string json)
    {
        var node = JsonNode.Parse(json);
        if (node?["kind"] is null && node?["status"] is JsonValue status)
        {
            var kind = status.GetValue<int>() switch
            {
                400 => ErrorKind.InvalidInput,
                403 => ErrorKind.PermissionMissing,
                404 => ErrorKind.NotFound,
                409 => ErrorKind.Cancelled,
                429 => ErrorKind.Throttled,
                502 => ErrorKind.RemoteFailure,
                _ => ErrorKind.Internal,
            };
            var errors = node["errors"]?.Deserialize<Dictionary<string, string[]>>(Json);
            return new RunProblem(kind, node["detail"]?.GetValue<string>(), errors);
        }

        return node.Deserialize<RunProblem>(Json);
    }

    private static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
}
