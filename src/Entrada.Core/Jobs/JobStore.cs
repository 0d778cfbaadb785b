using System.Globalization;
using System.Text.Json;
using Entrada.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Entrada.Core.Jobs;

/// <summary>One item of a job and how it stands.</summary>
/// <param name="Index">Its position in the job's input.</param>
/// <param name="Item">The item as given (a user ID, a UPN …).</param>
/// <param name="State">How it stands.</param>
/// <param name="Message">Why it failed or was unchanged.</param>
public sealed record JobItem(int Index, string Item, JobItemState State, string? Message = null);

/// <summary>A durable bulk job.</summary>
public sealed record JobRecord
{
    /// <summary>Its id.</summary>
    public required string Id { get; init; }
    /// <summary>The bulk action.</summary>
    public required string Action { get; init; }
    /// <summary>The connection's name.</summary>
    public required string Connection { get; init; }
    /// <summary>Who started it, through which edge.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public required Caller Caller { get; init; }
    /// <summary>The edge that started it.</summary>
    public CallerInterface Interface => Caller.Interface;
    /// <summary>Who started it.</summary>
    public string? Actor => Caller.Actor;
    /// <summary>The action's input (JSON), kept to resume.</summary>
    public required string Input { get; init; }
    /// <summary>How it stands; a running job whose process is gone reads as interrupted.</summary>
    public required JobStatus Status { get; init; }
    /// <summary>Items in all.</summary>
    public int Total { get; init; }
    /// <summary>Items done.</summary>
    public int Done { get; init; }
    /// <summary>Items unchanged.</summary>
    public int Unchanged { get; init; }
    /// <summary>Items failed.</summary>
    public int Failed { get; init; }
    /// <summary>Items finished.</summary>
    public int Finished => Done + Unchanged + Failed;
    /// <summary>Whether cancellation was asked for.</summary>
    public bool CancelRequested { get; init; }
    /// <summary>The error that ended it, if any.</summary>
    public string? Error { get; init; }
    /// <summary>When it was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>While running: the process that holds it (<c>pid@host</c>).</summary>
    public string? Owner { get; init; }
    /// <summary>While running: until when its holder's lease lasts (renewed while it works).</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }
    /// <summary>The status and change stamp as stored, to claim the job only if nobody changed it meanwhile.</summary>
    internal (string Status, string UpdatedAt) Stored { get; init; }
}

/// <summary>A job as every edge shows it: its progress, not the input it keeps for resuming.</summary>
public sealed record JobSummary(string Id, string Action, string Connection, JobStatus Status, int Total, int Done, int Unchanged, int Failed, int Pending, CallerInterface Interface, string? Actor, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The summary of a job.</summary>
    public static JobSummary From(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new(job.Id, job.Action, job.Connection, job.Status, job.Total, job.Done, job.Unchanged, job.Failed, job.Total - job.Finished, job.Interface, job.Actor, job.Error, job.CreatedAt, job.UpdatedAt);
    }
}

/// <summary>
/// Keeps bulk jobs and their items in the database. Item states are checkpointed in
/// transactions as work finishes, so a job killed at any moment can be resumed with exactly the
/// items still pending.
/// </summary>
public sealed class JobStore(EntradaDatabase database, TimeProvider time)
{
    /// <summary>How long a running job's holder keeps it without renewing; a lapsed lease lets another resume take it over.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>How often a holder renews its lease while it works.</summary>
    public static readonly TimeSpan LeaseRenewal = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Claims a job to resume it, atomically: a completed job is refused; a job another live holder
    /// runs is refused with who holds it and since when; an interrupted, failed or cancelled job —
    /// or a running one whose holder's lease lapsed — becomes this process's. Of two claims at once,
    /// exactly one wins.
    /// </summary>
    public async Task<JobRecord> ClaimAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await GetAsync(jobId, cancellationToken);
        switch (job.Status)
        {
            case JobStatus.Completed:
                throw new JobFinishedException(job);
            case JobStatus.Running:
                throw new JobRunningException(job);
        }

        await using var db = await database.OpenAsync(cancellationToken);
        await using var claim = db.CreateCommand();
        claim.CommandText = """
            UPDATE jobs SET status = 'running', error = NULL, cancel_requested = 0, owner_pid = $pid, owner_host = $host, lease_expires_at = $lease, updated_at = $now
            WHERE id = $job AND status = $status AND updated_at = $updated;
            """;
        claim.Parameters.AddWithValue("$job", job.Id);
        claim.Parameters.AddWithValue("$status", job.Stored.Status);
        claim.Parameters.AddWithValue("$updated", job.Stored.UpdatedAt);
        claim.Parameters.AddWithValue("$pid", ProcessOwner.Pid);
        claim.Parameters.AddWithValue("$host", ProcessOwner.Host);
        claim.Parameters.AddWithValue("$lease", Stamp(Lease));
        claim.Parameters.AddWithValue("$now", Stamp());
        if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            // Someone changed it between the read and the claim: most likely another resume won.
            throw new JobRunningException(await GetAsync(jobId, cancellationToken));
        }

        return await GetAsync(jobId, cancellationToken);
    }

    /// <summary>Renews the lease of a job this process holds.</summary>
    internal async Task RenewLeaseAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var renew = db.CreateCommand();
        renew.CommandText = "UPDATE jobs SET lease_expires_at = $lease WHERE id = $job AND status = 'running' AND owner_pid = $pid AND owner_host = $host;";
        renew.Parameters.AddWithValue("$job", jobId);
        renew.Parameters.AddWithValue("$lease", Stamp(Lease));
        renew.Parameters.AddWithValue("$pid", ProcessOwner.Pid);
        renew.Parameters.AddWithValue("$host", ProcessOwner.Host);
        await renew.ExecuteNonQueryAsync(cancellationToken);
    }
    /// <summary>Makes a job with all its items pending, owned by this process.</summary>
    public async Task<JobRecord> CreateAsync(string action, string connection, string input, IReadOnlyList<string> items, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        var now = Stamp();
        await using var db = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        await using (var insert = db.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO jobs (id, action, connection, interface, actor, input, items, status, total, owner_pid, owner_host, created_at, updated_at, lease_expires_at)
                VALUES ($id, $action, $connection, $interface, $actor, $input, $items, 'running', $total, $pid, $host, $now, $now, $lease);
                """;
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$action", action);
            insert.Parameters.AddWithValue("$connection", connection);
            ArgumentNullException.ThrowIfNull(caller);
            insert.Parameters.AddWithValue("$interface", caller.Interface.ToWire());
            insert.Parameters.AddWithValue("$actor", (object?)caller.Actor ?? DBNull.Value);
            insert.Parameters.AddWithValue("$input", input);
            insert.Parameters.AddWithValue("$items", JsonSerializer.Serialize(items));
            insert.Parameters.AddWithValue("$total", items.Count);
            insert.Parameters.AddWithValue("$pid", Environment.ProcessId);
            insert.Parameters.AddWithValue("$host", Environment.MachineName);
            insert.Parameters.AddWithValue("$now", now);
            insert.Parameters.AddWithValue("$lease", Stamp(Lease));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (await FindAsync(id, cancellationToken))!;
    }

    /// <summary>Deletes a job and its items (a job made for a run that never started).</summary>
    internal async Task DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var delete = db.CreateCommand();
        delete.CommandText = "DELETE FROM job_items WHERE job_id = $job; DELETE FROM jobs WHERE id = $job;";
        delete.Parameters.AddWithValue("$job", jobId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A tracker for a job just created: nothing is finished yet.</summary>
    public JobTracker TrackNew(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobTracker(this, job, [], time);
    }

    /// <summary>A tracker for a job, knowing the items already finished.</summary>
    public async Task<JobTracker> TrackAsync(JobRecord job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var items = await ItemsAsync(job.Id, null, cancellationToken);
        return new JobTracker(this, job, items.Where(i => i.State.IsFinal()), time);
    }

    /// <summary>
    /// On a runner: where a checkpoint goes before it is written here — the server's record of the
    /// job, which a second runner resumes from. A checkpoint it refuses is not written, and the run fails.
    /// </summary>
    internal Func<string, IReadOnlyList<JobItem>, CancellationToken, Task>? Forward { get; set; }

    /// <summary>
    /// On a runner: a job of the server's, copied with its id, its items and those already finished,
    /// as an interrupted job that <see cref="ClaimAsync"/> then takes (a copy left from an earlier
    /// assignment is replaced).
    /// </summary>
    internal async Task ImportAsync(string id, string action, string connection, string input, IReadOnlyList<string> items, IReadOnlyList<JobItem> finished, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(finished);
        ArgumentNullException.ThrowIfNull(caller);
        await DeleteAsync(id, cancellationToken);
        var now = Stamp();
        await using (var db = await database.OpenAsync(cancellationToken))
        await using (var insert = db.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO jobs (id, action, connection, interface, actor, input, items, status, total, created_at, updated_at)
                VALUES ($id, $action, $connection, $interface, $actor, $input, $items, 'interrupted', $total, $now, $now);
                """;
            insert.Parameters.AddWithValue("$id", id);
            insert.Parameters.AddWithValue("$action", action);
            insert.Parameters.AddWithValue("$connection", connection);
            insert.Parameters.AddWithValue("$interface", caller.Interface.ToWire());
            insert.Parameters.AddWithValue("$actor", (object?)caller.Actor ?? DBNull.Value);
            insert.Parameters.AddWithValue("$input", input);
            insert.Parameters.AddWithValue("$items", JsonSerializer.Serialize(items));
            insert.Parameters.AddWithValue("$total", items.Count);
            insert.Parameters.AddWithValue("$now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await WriteAsync(id, finished, cancellationToken);
    }

    /// <summary>Renews the lease of a job this process holds for a runner that works on it.</summary>
    internal Task RenewForRunnerAsync(string jobId, CancellationToken cancellationToken) => RenewLeaseAsync(jobId, cancellationToken);

    /// <summary>Records finished items in one transaction (a checkpoint). Only pending items change.</summary>
    public async Task RecordAsync(string jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return;
        }

        if (Forward is { } forward)
        {
            await forward(jobId, items, cancellationToken);
        }

        await WriteAsync(jobId, items, cancellationToken);
    }

    private async Task WriteAsync(string jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0)
        {
            return;
        }

        var now = Stamp();
        await using var db = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await db.BeginTransactionAsync(cancellationToken);
        foreach (var item in items)
        {
            if (!item.State.IsFinal())
            {
                throw new ArgumentException($"Item {item.Index} has state '{item.State}', which is not final.", nameof(items));
            }
        }

        await using (var upsert = db.CreateCommand())
        {
            // One statement for the whole checkpoint (SQLite expands the JSON array). A job keeps
            // finished items only — or, made before schema 4, every item as pending: then the
            // pending row is updated. An item already finished is left as it was.
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO job_items (job_id, idx, item, state, message, attempts, updated_at)
                SELECT $job, value ->> '$[0]', value ->> '$[1]', value ->> '$[2]', value ->> '$[3]', 1, $now FROM json_each($items) WHERE true
                ON CONFLICT (job_id, idx) DO UPDATE SET state = excluded.state, message = excluded.message, updated_at = excluded.updated_at, attempts = job_items.attempts + 1
                WHERE job_items.state = 'pending';
                """;
            upsert.Parameters.AddWithValue("$job", jobId);
            upsert.Parameters.AddWithValue("$now", now);
            upsert.Parameters.AddWithValue("$items", JsonSerializer.Serialize(items.Select(i => new object?[] { i.Index, i.Item, i.State.ToWire(), i.Message })));
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var touch = db.CreateCommand())
        {
            touch.Transaction = transaction;
            touch.CommandText = "UPDATE jobs SET updated_at = $now, lease_expires_at = CASE WHEN status = 'running' THEN $lease ELSE lease_expires_at END WHERE id = $job;";
            touch.Parameters.AddWithValue("$job", jobId);
            touch.Parameters.AddWithValue("$now", now);
            touch.Parameters.AddWithValue("$lease", Stamp(Lease));
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Sets a job's status (and error); taking it as <see cref="JobStatus.Running"/> makes this process its owner.</summary>
    public async Task SetStatusAsync(string jobId, JobStatus status, string? error, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = "UPDATE jobs SET status = $status, error = $error, updated_at = $now, owner_pid = $pid, owner_host = $host, lease_expires_at = $lease, cancel_requested = CASE WHEN $status = 'running' THEN 0 ELSE cancel_requested END WHERE id = $job;";
        update.Parameters.AddWithValue("$lease", status == JobStatus.Running ? Stamp(Lease) : DBNull.Value);
        update.Parameters.AddWithValue("$job", jobId);
        update.Parameters.AddWithValue("$status", status.ToWire());
        update.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        update.Parameters.AddWithValue("$now", Stamp());
        update.Parameters.AddWithValue("$pid", status == JobStatus.Running ? Environment.ProcessId : DBNull.Value);
        update.Parameters.AddWithValue("$host", status == JobStatus.Running ? Environment.MachineName : DBNull.Value);
        if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new JobNotFoundException(jobId);
        }
    }

    /// <summary>Asks the process running a job to stop; a job no process runs is cancelled at once.</summary>
    public async Task<JobRecord> RequestCancelAsync(string jobId, CancellationToken cancellationToken)
    {
        var job = await GetAsync(jobId, cancellationToken);
        if (job.Status is JobStatus.Completed or JobStatus.Cancelled or JobStatus.Failed)
        {
            throw new JobFinishedException(job);
        }

        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        update.CommandText = job.Status == JobStatus.Running
            ? "UPDATE jobs SET cancel_requested = 1, updated_at = $now WHERE id = $job;"
            : "UPDATE jobs SET status = 'cancelled', cancel_requested = 1, updated_at = $now WHERE id = $job;";
        update.Parameters.AddWithValue("$job", jobId);
        update.Parameters.AddWithValue("$now", Stamp());
        await update.ExecuteNonQueryAsync(cancellationToken);
        return await GetAsync(jobId, cancellationToken);
    }

    /// <summary>Whether someone asked to cancel the job.</summary>
    public async Task<bool> IsCancelRequestedAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT cancel_requested FROM jobs WHERE id = $job;";
        select.Parameters.AddWithValue("$job", jobId);
        return Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 1;
    }

    /// <summary>Gets a job; an unknown id throws.</summary>
    public async Task<JobRecord> GetAsync(string jobId, CancellationToken cancellationToken) =>
        await FindAsync(jobId, cancellationToken) ?? throw new JobNotFoundException(jobId);

    /// <summary>Finds a job, or null.</summary>
    public async Task<JobRecord?> FindAsync(string jobId, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE j.id = $id", jobId, 1, cancellationToken)).FirstOrDefault();

    /// <summary>Lists jobs, newest first.</summary>
    public Task<IReadOnlyList<JobRecord>> ListAsync(int limit, CancellationToken cancellationToken) =>
        QueryAsync(string.Empty, null, limit, cancellationToken);

    /// <summary>A job's items, in input order, optionally only those in one state.</summary>
    public async Task<IReadOnlyList<JobItem>> ItemsAsync(string jobId, JobItemState? state, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        string? all;
        await using (var job = db.CreateCommand())
        {
            job.CommandText = "SELECT items FROM jobs WHERE id = $job;";
            job.Parameters.AddWithValue("$job", jobId);
            all = await job.ExecuteScalarAsync(cancellationToken) as string;
        }

        var finished = new List<JobItem>();
        await using (var select = db.CreateCommand())
        {
            select.CommandText = "SELECT idx, item, state, message FROM job_items WHERE job_id = $job AND ($state IS NULL OR state = $state) ORDER BY idx;";
            select.Parameters.AddWithValue("$job", jobId);
            // Before schema 4 every item has a row, so the database filters; after, pending items
            // have none, so all finished rows are read and filtered below.
            select.Parameters.AddWithValue("$state", all is null && state is { } wanted ? wanted.ToWire() : DBNull.Value);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                finished.Add(new JobItem(reader.GetInt32(0), reader.GetString(1), WireNames.ParseWire<JobItemState>(reader.GetString(2)), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        if (all is null)
        {
            // Made before schema 4: every item has its row.
            return finished;
        }

        // Items with no row are pending.
        var items = JsonSerializer.Deserialize<List<string>>(all) ?? [];
        if (state is not null && state != JobItemState.Pending)
        {
            return [.. finished.Where(i => i.State == state)];
        }

        var byIndex = finished.ToDictionary(i => i.Index);
        var merged = new List<JobItem>(state is null ? items.Count : items.Count - byIndex.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (byIndex.TryGetValue(i, out var done))
            {
                if (state is null)
                {
                    merged.Add(done);
                }
            }
            else
            {
                merged.Add(new JobItem(i, items[i], JobItemState.Pending));
            }
        }

        return merged;
    }

    private async Task<IReadOnlyList<JobRecord>> QueryAsync(string where, string? id, int limit, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = $"""
            SELECT j.id, j.action, j.connection, j.interface, j.actor, j.input, j.status, j.total, j.owner_pid, j.owner_host,
                   j.cancel_requested, j.error, j.created_at, j.updated_at, j.lease_expires_at,
                   (SELECT count(*) FROM job_items i WHERE i.job_id = j.id AND i.state = 'done'),
                   (SELECT count(*) FROM job_items i WHERE i.job_id = j.id AND i.state = 'unchanged'),
                   (SELECT count(*) FROM job_items i WHERE i.job_id = j.id AND i.state = 'failed')
            FROM jobs j {where} ORDER BY j.created_at DESC LIMIT $limit;
            """;
        select.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        select.Parameters.AddWithValue("$limit", limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var jobs = new List<JobRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var stored = reader.GetString(6);
            var status = WireNames.ParseWire<JobStatus>(stored);
            int? ownerPid = reader.IsDBNull(8) ? null : reader.GetInt32(8);
            var ownerHost = reader.IsDBNull(9) ? null : reader.GetString(9);
            DateTimeOffset? lease = reader.IsDBNull(14) ? null : DateTimeOffset.Parse(reader.GetString(14), CultureInfo.InvariantCulture);

            // A running job whose holder is gone, or whose lease lapsed (its holder stopped renewing it), was interrupted.
            if (status == JobStatus.Running && (!ProcessOwner.IsAlive(ownerPid, ownerHost) || lease < time.GetUtcNow()))
            {
                status = JobStatus.Interrupted;
            }

            jobs.Add(new JobRecord
            {
                Id = reader.GetString(0),
                Action = reader.GetString(1),
                Connection = reader.GetString(2),
                Caller = new Caller(WireNames.ParseWire<CallerInterface>(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetString(4)),
                Input = reader.GetString(5),
                Status = status,
                Total = reader.GetInt32(7),
                CancelRequested = reader.GetInt64(10) == 1,
                Error = reader.IsDBNull(11) ? null : reader.GetString(11),
                CreatedAt = DateTimeOffset.Parse(reader.GetString(12), CultureInfo.InvariantCulture),
                UpdatedAt = DateTimeOffset.Parse(reader.GetString(13), CultureInfo.InvariantCulture),
                Done = reader.GetInt32(15),
                Unchanged = reader.GetInt32(16),
                Failed = reader.GetInt32(17),
                Owner = status == JobStatus.Running && ownerPid is not null ? $"{ownerPid}@{ownerHost}" : null,
                LeaseExpiresAt = status == JobStatus.Running ? lease : null,
                Stored = (stored, reader.GetString(13)),
            });
        }

        return jobs;
    }

    private string Stamp() => time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);

    private string Stamp(TimeSpan fromNow) => (time.GetUtcNow() + fromNow).ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>No job has the given id.</summary>
public sealed class JobNotFoundException(string id)
    : EntradaException($"There is no job '{id}'.", next: new NextStep(NextStepKind.ListJobs))
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}

/// <summary>The job has already finished.</summary>
public sealed class JobFinishedException(JobRecord job)
    : EntradaException($"Job '{job.Id}' has already {job.Status.ToWire()}; there is nothing to {(job.Status == JobStatus.Completed ? "resume or cancel" : "do")}.", next: new NextStep(NextStepKind.ShowJob, job.Id))
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Conflict;
}

/// <summary>The job is being worked on elsewhere, so it cannot be resumed now.</summary>
public sealed class JobRunningException(JobRecord job)
    : EntradaException(
        $"Job '{job.Id}' is being run by {(job.Owner is { } owner ? $"process {owner}" : "another process")} (last active {job.UpdatedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC); one job runs once. Wait for it to finish, or cancel it.",
        next: new NextStep(NextStepKind.CancelJob, job.Id))
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Conflict;
}
