using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Entrada.Core.Playbooks;

/// <summary>
/// Keeps playbook runs in the database: the steps' states are written as each part finishes, so a
/// run killed at any moment resumes from exactly its checkpoints. A running run is held by its
/// process under a lease it renews; a run whose holder died is claimed by the next resume.
/// </summary>
public sealed class PlaybookRunStore(EntradaDatabase database, TimeProvider time)
{
    /// <summary>How long a holder keeps a running run without renewing.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private static readonly JsonSerializerOptions Json = EntradaJson.Default;

    /// <summary>Records a new run, held by this process.</summary>
    public async Task InsertAsync(PlaybookRunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var db = await database.OpenAsync(cancellationToken);
        await using var insert = db.CreateCommand();
        insert.CommandText = """
            INSERT INTO playbook_runs (id, playbook, connection, interface, actor, dry_run, status, definition, input, state, owner_pid, owner_host, lease_expires_at, created_at, updated_at)
            VALUES ($id, $playbook, $connection, $interface, $actor, $dry, $status, $definition, $input, $state, $pid, $host, $lease, $now, $now);
            """;
        insert.Parameters.AddWithValue("$id", run.Id);
        insert.Parameters.AddWithValue("$playbook", run.Playbook);
        insert.Parameters.AddWithValue("$connection", run.Connection);
        insert.Parameters.AddWithValue("$interface", run.Interface.ToWire());
        insert.Parameters.AddWithValue("$actor", (object?)run.Actor ?? DBNull.Value);
        insert.Parameters.AddWithValue("$dry", run.DryRun ? 1 : 0);
        insert.Parameters.AddWithValue("$status", run.Status.ToWire());
        insert.Parameters.AddWithValue("$definition", run.Definition);
        insert.Parameters.AddWithValue("$input", run.SealedInput);
        insert.Parameters.AddWithValue("$state", StateOf(run));
        insert.Parameters.AddWithValue("$pid", ProcessOwner.Pid);
        insert.Parameters.AddWithValue("$host", ProcessOwner.Host);
        insert.Parameters.AddWithValue("$lease", Stamp(Lease));
        insert.Parameters.AddWithValue("$now", Stamp());
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes a run's status and steps (durable when it returns); a held run's lease is renewed.</summary>
    public async Task SaveAsync(PlaybookRunRecord run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        var held = run.Status == PlaybookRunStatus.Running;
        update.CommandText = """
            UPDATE playbook_runs SET status = $status, state = $state, error = $error, audit_id = $audit, finished_at = $finished,
                owner_pid = $pid, owner_host = $host, lease_expires_at = $lease, updated_at = $now
            WHERE id = $id;
            """;
        update.Parameters.AddWithValue("$id", run.Id);
        update.Parameters.AddWithValue("$status", run.Status.ToWire());
        update.Parameters.AddWithValue("$state", StateOf(run));
        update.Parameters.AddWithValue("$error", (object?)run.Error ?? DBNull.Value);
        update.Parameters.AddWithValue("$audit", (object?)run.AuditId ?? DBNull.Value);
        update.Parameters.AddWithValue("$finished", run.FinishedAt is { } f ? Format(f) : DBNull.Value);
        update.Parameters.AddWithValue("$pid", held ? ProcessOwner.Pid : DBNull.Value);
        update.Parameters.AddWithValue("$host", held ? ProcessOwner.Host : DBNull.Value);
        update.Parameters.AddWithValue("$lease", held ? Stamp(Lease) : DBNull.Value);
        update.Parameters.AddWithValue("$now", Stamp());
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Claims a run to go on with it, atomically: a run that ended (succeeded, rejected) is refused;
    /// one a live holder runs is refused; a failed, cancelled or interrupted one becomes this
    /// process's, and so does one awaiting approval when <paramref name="fromApproval"/>.
    /// </summary>
    public async Task<PlaybookRunRecord> ClaimAsync(string id, bool fromApproval, CancellationToken cancellationToken)
    {
        var run = await GetAsync(id, cancellationToken);
        switch (run.Status)
        {
            case PlaybookRunStatus.Succeeded or PlaybookRunStatus.Rejected:
                throw new PlaybookRunFinishedException(run);
            case PlaybookRunStatus.Running:
                throw new PlaybookRunHeldException(run);
            case PlaybookRunStatus.AwaitingApproval when !fromApproval:
                throw new PlaybookRunAwaitingApprovalException(run);
        }

        await using var db = await database.OpenAsync(cancellationToken);
        await using var claim = db.CreateCommand();
        claim.CommandText = """
            UPDATE playbook_runs SET status = 'running', error = NULL, owner_pid = $pid, owner_host = $host, lease_expires_at = $lease, updated_at = $now
            WHERE id = $id AND status = $status AND updated_at = $stamp;
            """;
        claim.Parameters.AddWithValue("$id", run.Id);
        claim.Parameters.AddWithValue("$status", run.StoredStatus);
        claim.Parameters.AddWithValue("$stamp", run.StoredStamp);
        claim.Parameters.AddWithValue("$pid", ProcessOwner.Pid);
        claim.Parameters.AddWithValue("$host", ProcessOwner.Host);
        claim.Parameters.AddWithValue("$lease", Stamp(Lease));
        claim.Parameters.AddWithValue("$now", Stamp());
        if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new PlaybookRunHeldException(await GetAsync(id, cancellationToken));
        }

        return await GetAsync(id, cancellationToken);
    }

    /// <summary>Renews the lease of a run this process holds.</summary>
    internal async Task RenewAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var renew = db.CreateCommand();
        renew.CommandText = "UPDATE playbook_runs SET lease_expires_at = $lease WHERE id = $id AND status = 'running' AND owner_pid = $pid AND owner_host = $host;";
        renew.Parameters.AddWithValue("$id", id);
        renew.Parameters.AddWithValue("$lease", Stamp(Lease));
        renew.Parameters.AddWithValue("$pid", ProcessOwner.Pid);
        renew.Parameters.AddWithValue("$host", ProcessOwner.Host);
        await renew.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A run by id.</summary>
    public async Task<PlaybookRunRecord> GetAsync(string id, CancellationToken cancellationToken) =>
        await FindAsync(id, cancellationToken) ?? throw new PlaybookRunNotFoundException(id);

    /// <summary>A run by id; null when there is none.</summary>
    public async Task<PlaybookRunRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        (await SelectAsync("WHERE id = $id", cmd => cmd.Parameters.AddWithValue("$id", id ?? string.Empty), 1, cancellationToken)).FirstOrDefault();

    /// <summary>Recent runs, newest first, optionally of one playbook.</summary>
    public Task<IReadOnlyList<PlaybookRunRecord>> ListAsync(string? playbook, int limit, CancellationToken cancellationToken) =>
        SelectAsync("WHERE ($playbook IS NULL OR playbook = $playbook)", cmd => cmd.Parameters.AddWithValue("$playbook", (object?)playbook ?? DBNull.Value), limit, cancellationToken);

    private async Task<IReadOnlyList<PlaybookRunRecord>> SelectAsync(string where, Action<SqliteCommand> bind, int limit, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = $"""
            SELECT id, playbook, connection, interface, actor, dry_run, status, definition, input, state, error, owner_pid, owner_host, lease_expires_at, audit_id, created_at, updated_at, finished_at
            FROM playbook_runs {where} ORDER BY created_at DESC, id DESC LIMIT $limit;
            """;
        bind(select);
        select.Parameters.AddWithValue("$limit", limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var runs = new List<PlaybookRunRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var stored = reader.GetString(6);
            var status = WireNames.ParseWire<PlaybookRunStatus>(stored);
            int? pid = reader.IsDBNull(11) ? null : reader.GetInt32(11);
            var host = reader.IsDBNull(12) ? null : reader.GetString(12);
            var lease = reader.IsDBNull(13) ? (DateTimeOffset?)null : Parse(reader.GetString(13));
            if (status == PlaybookRunStatus.Running && (!ProcessOwner.IsAlive(pid, host) || (lease is { } l && l < time.GetUtcNow())))
            {
                status = PlaybookRunStatus.Interrupted;
            }

            var state = JsonNode.Parse(reader.GetString(9)) as JsonObject;
            runs.Add(new PlaybookRunRecord
            {
                Id = reader.GetString(0),
                Playbook = reader.GetString(1),
                Connection = reader.GetString(2),
                Caller = new Caller(WireNames.ParseWire<CallerInterface>(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetString(4)),
                DryRun = reader.GetInt64(5) != 0,
                Status = status,
                Definition = reader.GetString(7),
                SealedInput = reader.GetString(8),
                Input = state?["input"]?.DeepClone(),
                Steps = state?["steps"].Deserialize<List<PlaybookStepState>>(Json) ?? [],
                Error = reader.IsDBNull(10) ? null : reader.GetString(10),
                AuditId = reader.IsDBNull(14) ? null : reader.GetInt64(14),
                CreatedAt = Parse(reader.GetString(15)),
                UpdatedAt = Parse(reader.GetString(16)),
                FinishedAt = reader.IsDBNull(17) ? null : Parse(reader.GetString(17)),
                StoredStatus = stored,
                StoredStamp = reader.GetString(16),
            });
        }

        return runs;
    }

    /// <summary>What is kept of the steps and input: secrets masked (sealed inputs stay sealed).</summary>
    private static string StateOf(PlaybookRunRecord run) => new JsonObject
    {
        ["input"] = SecretMasking.MaskUntyped(run.Input),
        ["steps"] = JsonSerializer.SerializeToNode(run.Steps.Select(s => s with { Output = SecretMasking.MaskUntyped(s.Output), Parts = s.Parts?.Select(p => p with { Output = SecretMasking.MaskUntyped(p.Output) }).ToList() }), Json),
    }.ToJsonString();

    private string Stamp(TimeSpan? ahead = null) => Format(time.GetUtcNow() + (ahead ?? TimeSpan.Zero));

    private static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}

/// <summary>No playbook run has the id.</summary>
public sealed class PlaybookRunNotFoundException(string id)
    : EntradaException($"There is no playbook run '{id}'.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}

/// <summary>The run ended; there is nothing to go on with.</summary>
public sealed class PlaybookRunFinishedException(PlaybookRunRecord run)
    : EntradaException($"Playbook run '{run.Id}' has already {run.Status.ToWire()}; there is nothing to resume, approve or reject.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.InvalidInput;
}

/// <summary>A live process runs it.</summary>
public sealed class PlaybookRunHeldException(PlaybookRunRecord run)
    : EntradaException($"Playbook run '{run.Id}' is running in another process (since {run.UpdatedAt:u}); wait for it, or cancel that process.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Conflict;
}

/// <summary>The run waits for a person's decision, not for a resume.</summary>
public sealed class PlaybookRunAwaitingApprovalException(PlaybookRunRecord run)
    : EntradaException($"Playbook run '{run.Id}' is waiting for approval of step '{run.Steps.FirstOrDefault(s => s.Status == PlaybookStepStatus.AwaitingApproval)?.Id}'; approve or reject it.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Conflict;
}
