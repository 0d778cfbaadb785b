using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Diagnostics;
using Entrada.Core.Jobs;
using Entrada.Core.Secrets;
using Microsoft.Extensions.Logging;

namespace Entrada.Core.Runs;

/// <summary>A request to run an action.</summary>
/// <param name="ActionId">The action's id.</param>
/// <param name="Connection">The connection's name.</param>
/// <param name="Input">The input as JSON.</param>
/// <param name="DryRun">Send nothing that changes state; plan it.</param>
public sealed record RunRequest(string ActionId, string? Connection, JsonNode? Input, bool DryRun = false);

/// <summary>What an edge that waits for its run wants to see while it runs.</summary>
public sealed record RunObserver
{
    /// <summary>Receives progress of long or bulk work.</summary>
    public IProgress<ActionProgress>? Progress { get; init; }

    /// <summary>Receives a list action's items as they arrive.</summary>
    public Func<object?, CancellationToken, ValueTask>? OnItem { get; init; }
}

/// <summary>A run that finished: its record and what the action returned.</summary>
/// <param name="Record">The run as recorded (output unmasked).</param>
/// <param name="Result">What the action returned.</param>
public sealed record RunOutcome(RunRecord Record, ActionRunResult Result);

/// <summary>
/// Runs actions for every edge and records each run. <see cref="RunAsync"/> runs in the caller's
/// flow (the CLI waits, streams items and sees the failure itself); <see cref="StartAsync"/> runs
/// in the background (the API and the pages wait a bounded time, then poll). Either way the run is
/// recorded from its start, shows in every edge's run list, and its audit record is written by
/// <see cref="ActionRunner"/> whatever the outcome.
/// </summary>
public sealed partial class RunService(
    ActionCatalog catalog,
    ConnectionStore connections,
    ActionRunner runner,
    RunStore store,
    JobStore jobs,
    Runners.RunnerDispatcher runners,
    TimeProvider time,
    ILogger<RunService> logger) : IDisposable
{
    /// <summary>How many items of a list action a run keeps (the rest are counted).</summary>
    public const int MaxItemsKept = 5000;

    private readonly ConcurrentDictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Runs an action to its end in the caller's flow; a failure is recorded and then thrown as it was.</summary>
    public async Task<RunOutcome> RunAsync(RunRequest request, Caller caller, RunObserver? observer, CancellationToken cancellationToken)
    {
        var (active, descriptor) = await BeginAsync(request, caller, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token), recordAlongside: true, cancellationToken);
        return Finish(await ExecuteAsync(active, descriptor, observer, resumed: null));
    }

    /// <summary>
    /// Resumes an interrupted, cancelled or failed bulk job as a new run of its action on its stored
    /// input, in the caller's flow; the action skips every item the job had already finished.
    /// </summary>
    public async Task<RunOutcome> ResumeJobAsync(string jobId, Caller caller, RunObserver? observer, CancellationToken cancellationToken)
    {
        var job = await runner.ResumableJobAsync(jobId, cancellationToken);
        var (active, descriptor) = await BeginAsync(new RunRequest(job.Action, job.Connection, runner.InputOf(job)), caller, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token), recordAlongside: false, cancellationToken);
        return Finish(await ExecuteAsync(active, descriptor, observer, resumed: job));
    }

    private static RunOutcome Finish((RunRecord Record, ActionRunResult? Result, Exception? Failure) ended)
    {
        if (ended.Failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ended.Failure);
        }

        return new RunOutcome(ended.Record, ended.Result!);
    }

    /// <summary>Starts a run in the background. An unknown action or connection is refused at once; everything else is the run's outcome.</summary>
    public async Task<ActiveRun> StartAsync(RunRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var (active, descriptor) = await BeginAsync(request, caller, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token), recordAlongside: false, cancellationToken);
        active.Task = Task.Run(() => ExecuteAsync(active, descriptor, observer: null, resumed: null), CancellationToken.None);
        return active;
    }

    /// <summary>Waits up to <paramref name="wait"/> for a run; the finished record, or null while it still runs.</summary>
    public static async Task<RunRecord?> WaitAsync(ActiveRun run, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (wait > TimeSpan.Zero && !run.Completion.IsCompleted)
        {
            await Task.WhenAny(run.Completion, Task.Delay(wait, cancellationToken));
        }

        return run.Completion.IsCompleted ? await run.Completion : null;
    }

    /// <summary>A run by id: live while this process runs it, from the database otherwise.</summary>
    public async Task<RunRecord> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (_active.TryGetValue(id, out var active))
        {
            return active.Snapshot();
        }

        return await store.FindAsync(id, cancellationToken) ?? throw new RunNotFoundException(id);
    }

    /// <summary>Recent runs, newest first.</summary>
    public Task<IReadOnlyList<RunRecord>> ListAsync(string? connection, string? action, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(connection, action, limit, cancellationToken);

    /// <summary>The run that made a job, if any.</summary>
    public Task<string?> FindRunOfJobAsync(string jobId, CancellationToken cancellationToken) => store.FindRunOfJobAsync(jobId, cancellationToken);

    /// <summary>
    /// Asks a running run to stop; returns its current state. A run of this process stops at
    /// once; a bulk run of another process is stopped through its job at its next checkpoint; any
    /// other run of another process can only be stopped there.
    /// </summary>
    public async Task<RunRecord> CancelAsync(string id, CancellationToken cancellationToken)
    {
        if (_active.TryGetValue(id, out var active))
        {
            await active.Cancellation.CancelAsync();
            return await WaitAsync(active, TimeSpan.FromSeconds(5), cancellationToken) ?? active.Snapshot();
        }

        var record = await store.FindAsync(id, cancellationToken) ?? throw new RunNotFoundException(id);
        if (record.Finished)
        {
            return record;
        }

        if (record.JobId is null)
        {
            throw new RunElsewhereException(record.Id);
        }

        await jobs.RequestCancelAsync(record.JobId, cancellationToken);
        return record;
    }

    /// <summary>Stops every run of this process (the process is shutting down); each is recorded as cancelled.</summary>
    public async Task StopAsync(TimeSpan wait)
    {
        await _stopping.CancelAsync();
        var running = _active.Values.Select(a => a.Completion).ToArray();
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(wait, time));
    }

    /// <summary>Marks runs that an earlier version left running without an owner as interrupted.</summary>
    public Task MarkOwnerlessInterruptedAsync(CancellationToken cancellationToken) => store.MarkOwnerlessInterruptedAsync(time.GetUtcNow(), cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    /// <summary>
    /// Refuses an unknown action or connection and records the run. With
    /// <paramref name="recordAlongside"/> (a run in the caller's flow) the record is written on the
    /// thread pool while the runner reads the connection and runs the preflight, off the critical
    /// path of a short run; the runner awaits it (<see cref="ActionRunRequest.Recorded"/>) before the
    /// action sends anything, so a run is on record before any change is sent, as when it is awaited here.
    /// </summary>
    private async Task<(ActiveRun Active, ActionDescriptor Descriptor)> BeginAsync(RunRequest request, Caller caller, CancellationTokenSource cancellation, bool recordAlongside, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        try
        {
            var action = catalog.Get(request.ActionId);
            if (string.IsNullOrWhiteSpace(request.Connection))
            {
                throw new EntradaValidationException("connection", "Name the connection to run on.") { Next = new NextStep(NextStepKind.ListConnections) };
            }

            var connection = await connections.GetAsync(request.Connection, cancellationToken);
            StartupTimeline.Mark("connection read (run service)");
            var record = new RunRecord
            {
                Id = NewId(),
                Action = action.Descriptor.Id,
                Connection = connection.Name,
                Caller = caller,
                Status = RunStatus.Running,
                DryRun = request.DryRun,
                // What every edge sees and the store keeps, from the first moment: secrets masked,
                // and a bulk run's ids only counted (they are stored once, in its job).
                Input = SecretMasking.MaskInput(action.Descriptor, BulkInputSummary.Of(action.Descriptor, request.Input, request.DryRun)),
                CreatedAt = time.GetUtcNow(),
            };
            Task recorded;
            if (recordAlongside)
            {
                // (On the thread pool: SQLite's async calls run synchronously, so this would not overlap otherwise.)
                recorded = Task.Run(async () =>
                {
                    await store.InsertAsync(record, CancellationToken.None);
                    StartupTimeline.Mark("run recorded");
                }, CancellationToken.None);
            }
            else
            {
                await store.InsertAsync(record, cancellationToken);
                StartupTimeline.Mark("run recorded");
                recorded = Task.CompletedTask;
            }

            var active = new ActiveRun(record, request.Input?.DeepClone(), cancellation) { Recorded = recorded, Routed = connection.RunnerGroup is null ? null : connection };
            _active[record.Id] = active;
            return (active, action.Descriptor);
        }
        catch
        {
            cancellation.Dispose();
            throw;
        }
    }

    private async Task<(RunRecord Record, ActionRunResult? Result, Exception? Failure)> ExecuteAsync(ActiveRun active, ActionDescriptor descriptor, RunObserver? observer, JobRecord? resumed)
    {
        var record = active.Record;
        var items = new JsonArray();
        long count = 0;
        var token = active.Cancellation.Token;
        ActionRunResult? result = null;
        Exception? failure = null;
        try
        {
            IProgress<ActionProgress> progress = new RunProgress(active, observer?.Progress);
            async ValueTask OnItem(object? item, CancellationToken ct)
            {
                count++;
                if (items.Count < MaxItemsKept)
                {
                    items.Add(JsonSerializer.SerializeToNode(item, EntradaJson.Default));
                }

                active.Progress = new ActionProgress(count, null);
                if (observer?.OnItem is { } onItem)
                {
                    await onItem(item, ct);
                }
            }

            if (resumed is not null)
            {
                await store.SetJobAsync(record.Id, resumed.Id, token);
                active.JobId = resumed.Id;
            }

            result = active.Routed is { } routed ? await runners.RunAsync(routed, descriptor, new Runners.RunnerDispatch
            {
                // A connection of a runner group runs on one of its runners; the records stay here.
                Input = active.Input,
                DryRun = record.DryRun,
                Caller = record.Caller,
                Progress = progress,
                OnItem = descriptor.IsList ? OnItem : null,
                Resumed = resumed,
                OnJobStarted = async (jobId, ct) =>
                {
                    await store.SetJobAsync(record.Id, jobId, ct);
                    active.JobId = jobId;
                },
                OnWaiting = waiting =>
                {
                    active.Waiting = waiting;
                    _ = SetWaitingAsync(record.Id, waiting);
                },
            }, token) : resumed is not null ? await runner.ResumeAsync(resumed, record.Caller, progress, token) : await runner.RunAsync(
                new ActionRunRequest(descriptor.Id, record.Connection, active.Input)
                {
                    DryRun = record.DryRun,
                    Caller = record.Caller,
                    Progress = progress,
                    Recorded = active.Recorded,
                    OnJobStarted = async (jobId, ct) =>
                    {
                        // Stored at once, so that the run points at its job (and the job back at
                        // the run) while the bulk work is still going.
                        await store.SetJobAsync(record.Id, jobId, ct);
                        active.JobId = jobId;
                    },
                },
                descriptor.IsList ? OnItem : null,
                token);

            JsonNode? output = result.DryRun
                ? new JsonObject
                {
                    ["dryRun"] = true,
                    ["requests"] = JsonSerializer.SerializeToNode(result.PlannedRequests, EntradaJson.Default),
                }
                : descriptor.IsList ? items : JsonSerializer.SerializeToNode(result.Value, EntradaJson.Default);
            record = record with
            {
                Status = RunStatus.Succeeded,
                Connection = result.Connection,
                Output = output,
                ItemCount = descriptor.IsList ? result.ItemCount : 0,
                OutputTruncated = descriptor.IsList && result.ItemCount > items.Count,
                AuditId = result.AuditId,
            };
        }
        catch (OperationCanceledException ex) when (token.IsCancellationRequested)
        {
            failure = ex;
            record = record with
            {
                Status = RunStatus.Cancelled,
                Output = descriptor.IsList ? items : null,
                ItemCount = count,
                Problem = new RunProblem(ErrorKind.Cancelled, _stopping.IsCancellationRequested ? "Entrada stopped while the action ran." : "The run was cancelled before it finished."),
            };
        }
        catch (EntradaException ex)
        {
            failure = ex;
            record = record with
            {
                Status = ex.Kind == ErrorKind.Cancelled ? RunStatus.Cancelled : RunStatus.Failed,
                Output = descriptor.IsList && items.Count > 0 ? items : null,
                ItemCount = count,
                Problem = RunProblem.From(ex),
            };
        }
        catch (Exception ex)
        {
            failure = ex;
            LogRunCrashed(logger, record.Id, descriptor.Id, ex);
            record = record with
            {
                Status = RunStatus.Failed,
                ItemCount = count,
                Problem = new RunProblem(ErrorKind.Internal, "The action failed unexpectedly; Entrada's log has the details."),
            };
        }

        record = record with { FinishedAt = time.GetUtcNow(), Progress = null, JobId = active.JobId };
        try
        {
            // A record written alongside the run is in place before it is completed. It is kept with the
            // output's secrets masked by its type (a pass, a redeem URL); the caller waiting for this
            // run gets it whole, once.
            await active.Recorded;
            await store.CompleteAsync(record with { Output = SecretMasking.MaskOutput(descriptor, record.Output) }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            LogRunNotSaved(logger, record.Id, ex);
        }

        _active.TryRemove(record.Id, out _);
        active.Complete(record);
        active.Cancellation.Dispose();
        return (record, result, failure);
    }

    private async Task SetWaitingAsync(string id, bool waiting)
    {
        try
        {
            await store.SetStatusAsync(id, waiting ? RunStatus.WaitingForRunner : RunStatus.Running, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            LogRunNotSaved(logger, id, ex);
        }
    }

    private static string NewId() => "run_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} of {ActionId} failed unexpectedly")]
    private static partial void LogRunCrashed(ILogger logger, string runId, string actionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} finished but could not be saved")]
    private static partial void LogRunNotSaved(ILogger logger, string runId, Exception exception);

    /// <summary>Keeps a run's latest progress and passes it on to the edge's own sink.</summary>
    private sealed class RunProgress(ActiveRun active, IProgress<ActionProgress>? next) : IProgress<ActionProgress>
    {
        public void Report(ActionProgress value)
        {
            active.Progress = value;
            next?.Report(value);
        }
    }
}

/// <summary>A run in progress in this process.</summary>
public sealed class ActiveRun
{
    private readonly TaskCompletionSource<RunRecord> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ActionProgress? _progress;
    private string? _jobId;

    internal ActiveRun(RunRecord record, JsonNode? input, CancellationTokenSource cancellation)
    {
        Record = record;
        Input = input;
        Cancellation = cancellation;
    }

    /// <summary>The run as it started, its input masked (<see cref="SecretMasking"/>).</summary>
    public RunRecord Record { get; }

    /// <summary>The input as given, secrets and every bulk id included: only for the action itself, never shown.</summary>
    internal JsonNode? Input { get; }

    /// <summary>Cancels it.</summary>
    internal CancellationTokenSource Cancellation { get; }

    /// <summary>The background task, for a run started in the background.</summary>
    internal Task? Task { get; set; }

    /// <summary>Completes when the run's record is written (at once, unless it is written alongside the run's start).</summary>
    internal Task Recorded { get; init; } = System.Threading.Tasks.Task.CompletedTask;

    /// <summary>Its latest progress.</summary>
    public ActionProgress? Progress
    {
        get => Volatile.Read(ref _progress);
        internal set => Volatile.Write(ref _progress, value);
    }

    /// <summary>The connection, when a runner of its group runs it.</summary>
    internal Connections.Connection? Routed { get; init; }

    /// <summary>Whether it waits for a runner of its connection's group.</summary>
    internal bool Waiting { get; set; }

    /// <summary>Its durable job, once a bulk run has made it.</summary>
    public string? JobId
    {
        get => Volatile.Read(ref _jobId);
        internal set => Volatile.Write(ref _jobId, value);
    }

    /// <summary>Completes with the finished record (output unmasked).</summary>
    public Task<RunRecord> Completion => _completion.Task;

    /// <summary>The run now.</summary>
    public RunRecord Snapshot() => Completion.IsCompletedSuccessfully ? Completion.Result : Record with { Progress = Progress, JobId = JobId, Status = Waiting ? RunStatus.WaitingForRunner : Record.Status };

    internal void Complete(RunRecord finished) => _completion.TrySetResult(finished);
}
