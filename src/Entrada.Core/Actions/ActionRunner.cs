using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Jobs;
using Entrada.Core.Diagnostics;
using Entrada.Core.Secrets;
using Microsoft.Extensions.Logging;

namespace Entrada.Core.Actions;

/// <summary>A request to run one action.</summary>
/// <param name="ActionId">The action's id.</param>
/// <param name="ConnectionName">The connection to run it on.</param>
/// <param name="Input">The input as JSON.</param>
public sealed record ActionRunRequest(string ActionId, string ConnectionName, JsonNode? Input)
{
    /// <summary>Send nothing that changes state; report what would be sent.</summary>
    public bool DryRun { get; init; }
    /// <summary>Who asked, through which edge.</summary>
    public required Caller Caller { get; init; }
    /// <summary>Receives progress of long or bulk work.</summary>
    public IProgress<ActionProgress>? Progress { get; init; }
    /// <summary>
    /// Told the durable job's id as soon as a bulk run has one (made, or taken up to resume), before
    /// any item is worked on, so that the caller can point at the job while it runs. Awaited: an
    /// exception from it fails the run (and the job).
    /// </summary>
    public Func<string, CancellationToken, ValueTask>? OnJobStarted { get; init; }
    /// <summary>
    /// Completes when the caller's record of the run is written, if the caller writes it while the
    /// run starts (<c>RunService</c> does for a run in the caller's flow). Awaited once the preflight
    /// has passed, before the job is named and before the action sends anything, so that a run is
    /// always on record before any change is sent; a failure to write it fails the run.
    /// </summary>
    public Task? Recorded { get; init; }
}

/// <summary>How a run ended.</summary>
public sealed record ActionRunResult
{
    /// <summary>The action run.</summary>
    public required ActionDescriptor Action { get; init; }
    /// <summary>The connection's exact name.</summary>
    public required string Connection { get; init; }
    /// <summary>The output of a single-result action; null for a list action (items went to the sink).</summary>
    public object? Value { get; init; }
    /// <summary>How many items a list action produced.</summary>
    public long ItemCount { get; init; }
    /// <summary>Whether it was a dry run.</summary>
    public bool DryRun { get; init; }
    /// <summary>What a dry run would have sent.</summary>
    public IReadOnlyCollection<PlannedRequest> PlannedRequests { get; init; } = [];
    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; init; }
    /// <summary>The audit record's id.</summary>
    public long AuditId { get; init; }

    /// <summary>For a bulk action: the durable job's id.</summary>
    public string? JobId { get; init; }
}

/// <summary>
/// Runs an action from any edge: resolves the connection, binds and checks the input, checks
/// readiness, runs the action with cancellation, streams its items, and writes the audit record
/// whatever the outcome.
/// </summary>
public sealed partial class ActionRunner(
    ConnectionStore connections,
    ActionCatalog catalog,
    AuditLog audit,
    JobStore jobs,
    JobInputs jobInputs,
    IEnumerable<IActionContextFactory> contextFactories,
    IEnumerable<IActionPreflight> preflights,
    TimeProvider time,
    ILogger<ActionRunner> logger)
{
    /// <summary>
    /// Runs an action. Items of a list action are handed to <paramref name="onItem"/> as they
    /// arrive; a single result is returned in <see cref="ActionRunResult.Value"/>.
    /// </summary>
    public Task<ActionRunResult> RunAsync(ActionRunRequest request, Func<object?, CancellationToken, ValueTask>? onItem, CancellationToken cancellationToken) =>
        RunCoreAsync(request, null, onItem, cancellationToken);

    /// <summary>
    /// Resumes an interrupted, cancelled or failed bulk job: runs its action again on its stored
    /// input, and the action skips every item the job had already finished.
    /// </summary>
    public async Task<ActionRunResult> ResumeAsync(string jobId, Caller caller, IProgress<ActionProgress>? progress, CancellationToken cancellationToken)
    {
        var job = await ResumableJobAsync(jobId, cancellationToken);
        return await ResumeAsync(job, caller, progress, cancellationToken);
    }

    /// <summary>
    /// Claims a job to resume it (<see cref="JobStore.ClaimAsync"/>): a completed job, or one that a
    /// live process runs, is refused; of two resumes at once, one wins.
    /// </summary>
    public Task<JobRecord> ResumableJobAsync(string jobId, CancellationToken cancellationToken) => jobs.ClaimAsync(jobId, cancellationToken);

    /// <summary>The input a job was given, to resume it with (<see cref="JobInputs"/>).</summary>
    public JsonNode? InputOf(JobRecord job) => jobInputs.Open(job);

    /// <summary>Resumes a job that <see cref="ResumableJobAsync"/> claimed.</summary>
    public Task<ActionRunResult> ResumeAsync(JobRecord job, Caller caller, IProgress<ActionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var request = new ActionRunRequest(job.Action, job.Connection, InputOf(job))
        {
            Caller = caller,
            Progress = progress,
        };
        return RunCoreAsync(request, job, null, cancellationToken);
    }

    private async Task<ActionRunResult> RunCoreAsync(ActionRunRequest request, JobRecord? resumed, Func<object?, CancellationToken, ValueTask>? onItem, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var action = catalog.Get(request.ActionId);
        var descriptor = action.Descriptor;
        string connectionName = request.ConnectionName;
        ActionContext? context = null;
        JobTracker? tracker = null;
        long count = 0;
        object? value = null;
        var outcome = AuditOutcome.Failed;
        string? error = null;
        try
        {
            var connection = await connections.GetAsync(request.ConnectionName, cancellationToken);
            connectionName = connection.Name;
            StartupTimeline.Mark("connection read");
            CheckTarget(descriptor, connection);
            var input = ActionInput.Bind(descriptor, request.Input);
            if (request.DryRun && !descriptor.Destructive)
            {
                throw new EntradaValidationException("dryRun", $"'{descriptor.Id}' only reads, so there is nothing to dry-run; run it without --dry-run.");
            }

            // A new bulk run's job is written while the preflight waits for its token (it is
            // only used once the preflight passes, and deleted if it does not).
            var bulk = descriptor.Bulk && !request.DryRun ? input as IBulkInput : null;
            // (On the thread pool: SQLite's async calls run synchronously, so awaiting it here would not overlap.)
            var creating = bulk is not null && resumed is null
                ? Task.Run(() => jobs.CreateAsync(descriptor.Id, connection.Name, jobInputs.Seal(request.Input), bulk.BulkItems, request.Caller, cancellationToken), cancellationToken)
                : null;
            try
            {
                foreach (var preflight in preflights)
                {
                    await preflight.CheckAsync(descriptor, connection, cancellationToken);
                }
            }
            catch when (creating is not null)
            {
                await DiscardAsync(creating);
                throw;
            }

            StartupTimeline.Mark("preflight passed");
            if (creating is not null)
            {
                // A new job has nothing finished yet: no need to read its items back.
                tracker = jobs.TrackNew(await creating);
            }
            else if (bulk is not null && resumed is not null)
            {
                // Claimed already (ResumableJobAsync): this process holds it.
                tracker = await jobs.TrackAsync(resumed, cancellationToken);
            }

            if (request.Recorded is { } recorded)
            {
                await recorded.WaitAsync(cancellationToken);
            }

            if (tracker is not null && request.OnJobStarted is { } onJobStarted)
            {
                await onJobStarted(tracker.Id, cancellationToken);
            }

            var basis = new ActionContext(connection, request.Caller)
            {
                Job = tracker,
                DryRun = request.DryRun,
                Time = time,
                Logger = logger,
                Progress = request.Progress,
            };
            context = contextFactories.FirstOrDefault(f => f.Target == descriptor.Target)?.Create(basis) ?? basis;

            LogRunStarting(logger, descriptor.Id, connection.Name, request.DryRun);
            StartupTimeline.Mark("action invoked");
            await foreach (var item in action.InvokeAsync(input, context, cancellationToken).WithCancellation(cancellationToken))
            {
                if (descriptor.IsList)
                {
                    count++;
                    if (onItem is not null)
                    {
                        await onItem(item, cancellationToken);
                    }
                }
                else
                {
                    value = item;
                }
            }

            outcome = request.DryRun ? AuditOutcome.DryRun : AuditOutcome.Succeeded;
            if (tracker is not null)
            {
                await jobs.SetStatusAsync(tracker.Id, JobStatus.Completed, null, CancellationToken.None);
            }

            var duration = time.GetElapsedTime(started);
            StartupTimeline.Mark("action finished");
            var auditId = await WriteAuditAsync(request, descriptor, connectionName, duration, outcome, null, context, count);
            StartupTimeline.Mark("audit written");
            return new ActionRunResult
            {
                Action = descriptor,
                Connection = connectionName,
                Value = value,
                ItemCount = count,
                DryRun = request.DryRun,
                PlannedRequests = context.PlannedRequests,
                Duration = duration,
                AuditId = auditId,
                JobId = tracker?.Id,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = AuditOutcome.Cancelled;
            if ((tracker?.Id ?? resumed?.Id) is { } heldJob)
            {
                await jobs.SetStatusAsync(heldJob, JobStatus.Cancelled, "Cancelled.", CancellationToken.None);
            }

            await WriteAuditAsync(request, descriptor, connectionName, time.GetElapsedTime(started), outcome, "Cancelled.", context, count);
            throw;
        }
        catch (Exception ex)
        {
            error = ex is EntradaException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            // A job this run holds (made, or claimed to resume) is released with the failure.
            if ((tracker?.Id ?? resumed?.Id) is { } heldJob)
            {
                await jobs.SetStatusAsync(heldJob, ex is JobCancelledException ? JobStatus.Cancelled : JobStatus.Failed, error, CancellationToken.None);
            }

            LogRunFailed(logger, descriptor.Id, connectionName, error);
            await WriteAuditAsync(request, descriptor, connectionName, time.GetElapsedTime(started), outcome, error, context, count);
            throw;
        }
        finally
        {
            tracker?.Dispose();
        }
    }

    /// <summary>Deletes a job made for a run the preflight refused: it never ran.</summary>
    private async Task DiscardAsync(Task<JobRecord> creating)
    {
        try
        {
            await jobs.DeleteAsync((await creating).Id, CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or Microsoft.Data.Sqlite.SqliteException)
        {
            // Never written (cancelled), or the database refused: what the caller sees is the preflight's failure.
        }
    }

    private static void CheckTarget(ActionDescriptor descriptor, Connection connection)
    {
        var isGraph = connection.Method != ConnectionMethod.Ldap;
        if ((descriptor.Target == ActionTarget.Graph) != isGraph)
        {
            var needs = descriptor.Target == ActionTarget.Graph ? "an App Registration or OAuth connection" : "an LDAP connection";
            throw new EntradaValidationException("connection", $"'{descriptor.Id}' needs {needs}; '{connection.Name}' is an {connection.Method.ToWireName()} connection.");
        }
    }

    private async Task<long> WriteAuditAsync(ActionRunRequest request, ActionDescriptor descriptor, string connection, TimeSpan duration, AuditOutcome outcome, string? error, ActionContext? context, long count)
    {
        var details = new JsonObject
        {
            // Secrets masked; a bulk run's ids are in its job (named below), not copied here.
            ["input"] = SecretMasking.MaskInput(descriptor, BulkInputSummary.Of(descriptor, request.Input, request.DryRun)),
            ["dryRun"] = request.DryRun,
        };
        if (descriptor.IsList)
        {
            details["items"] = count;
        }

        if (context?.Job is { } job)
        {
            details["jobId"] = job.Id;
        }

        if (context is { RequestIds.Count: > 0 })
        {
            details["requestIds"] = new JsonArray([.. context.RequestIds.Take(50).Select(id => (JsonNode?)JsonValue.Create(id))]);
        }

        // The audit record is written even when the caller cancelled: it must not be lost.
        return await audit.RecordAsync(request.Caller, $"run {descriptor.Id}", connection, outcome, duration, details, error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Running action {ActionId} on connection {Connection} (dry run: {DryRun})")]
    private static partial void LogRunStarting(ILogger logger, string actionId, string connection, bool dryRun);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Action {ActionId} on connection {Connection} failed: {Error}")]
    private static partial void LogRunFailed(ILogger logger, string actionId, string connection, string error);
}
