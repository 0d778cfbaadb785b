using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Server.Apis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Runs;

/// <summary>
/// Runs actions for the API and the pages. Every run starts in the background and is recorded; the
/// caller waits a bounded time for it, so a quick action answers at once and a long one (a bulk
/// change, a long list) answers with the run to poll. Runs stop when the server stops or when
/// cancelled; the audit record is written by <see cref="ActionRunner"/> whatever the outcome.
/// </summary>
internal sealed partial class RunService(
    ActionCatalog catalog,
    ConnectionStore connections,
    ActionRunner runner,
    RunStore store,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<RunService> logger)
{
    /// <summary>How many items of a list action a run keeps (the rest are counted).</summary>
    public const int MaxItemsKept = 5000;

    private readonly ConcurrentDictionary<string, ActiveRun> _active = new(StringComparer.Ordinal);

    /// <summary>Starts a run. An unknown action or connection is refused at once; everything else is the run's outcome.</summary>
    public async Task<ActiveRun> StartAsync(string actionId, string? connectionName, JsonNode? input, bool dryRun, Caller caller, CancellationToken cancellationToken)
    {
        var action = catalog.Get(actionId);
        if (string.IsNullOrWhiteSpace(connectionName))
        {
            throw new EntradaValidationException("connection", "Name the connection to run on (see GET /api/v1/connections).");
        }

        var connection = await connections.GetAsync(connectionName, cancellationToken);
        var record = new RunRecord
        {
            Id = NewId(),
            Action = action.Descriptor.Id,
            Connection = connection.Name,
            Interface = caller.Interface,
            Actor = caller.Actor,
            Status = RunStatuses.Running,
            DryRun = dryRun,
            Input = input?.DeepClone(),
            CreatedAt = time.GetUtcNow(),
        };
        await store.InsertAsync(record, cancellationToken);
        var active = new ActiveRun(record, CancellationTokenSource.CreateLinkedTokenSource(lifetime.ApplicationStopping));
        _active[record.Id] = active;
        active.Task = Task.Run(() => ExecuteAsync(active, action.Descriptor), CancellationToken.None);
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

    /// <summary>A run by id: live while it runs, from the database once finished.</summary>
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

    /// <summary>Asks a running run to stop; returns its current state.</summary>
    public async Task<RunRecord> CancelAsync(string id, CancellationToken cancellationToken)
    {
        if (_active.TryGetValue(id, out var active))
        {
            await active.Cancellation.CancelAsync();
            return await WaitAsync(active, TimeSpan.FromSeconds(5), cancellationToken) ?? active.Snapshot();
        }

        return await store.FindAsync(id, cancellationToken) ?? throw new RunNotFoundException(id);
    }

    private async Task ExecuteAsync(ActiveRun active, ActionDescriptor descriptor)
    {
        var record = active.Record;
        var items = new JsonArray();
        long count = 0;
        var token = active.Cancellation.Token;
        try
        {
            var progress = new Progress<ActionProgress>(p => active.Progress = p);
            ValueTask OnItem(object? item, CancellationToken ct)
            {
                count++;
                if (items.Count < MaxItemsKept)
                {
                    items.Add(JsonSerializer.SerializeToNode(item, ApiJson.Indented));
                }

                active.Progress = new ActionProgress(count, null);
                return ValueTask.CompletedTask;
            }

            var result = await runner.RunAsync(
                new ActionRunRequest(descriptor.Id, record.Connection, record.Input)
                {
                    DryRun = record.DryRun,
                    Interface = record.Interface,
                    Actor = record.Actor,
                    Progress = progress,
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
                    ["requests"] = JsonSerializer.SerializeToNode(result.PlannedRequests, ApiJson.Indented),
                }
                : descriptor.IsList ? items : JsonSerializer.SerializeToNode(result.Value, ApiJson.Indented);
            record = record with
            {
                Status = RunStatuses.Succeeded,
                Connection = result.Connection,
                Output = output,
                ItemCount = descriptor.IsList ? result.ItemCount : 0,
                OutputTruncated = descriptor.IsList && result.ItemCount > items.Count,
                AuditId = result.AuditId,
            };
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            record = record with
            {
                Status = RunStatuses.Cancelled,
                Output = descriptor.IsList ? items : null,
                ItemCount = count,
                Problem = new RunProblem(StatusCodes.Status409Conflict, "The run was cancelled.", lifetime.ApplicationStopping.IsCancellationRequested ? "The server stopped while the action ran." : "The run was cancelled before it finished."),
            };
        }
        catch (EntradaException ex)
        {
            var problem = Problems.From(ex);
            record = record with
            {
                Status = RunStatuses.Failed,
                Output = descriptor.IsList && items.Count > 0 ? items : null,
                ItemCount = count,
                Problem = new RunProblem(problem.Status ?? 500, problem.Title ?? "Failed.", problem.Detail, (problem as HttpValidationProblemDetails)?.Errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal)),
            };
        }
        catch (Exception ex)
        {
            LogRunCrashed(logger, record.Id, descriptor.Id, ex);
            record = record with
            {
                Status = RunStatuses.Failed,
                ItemCount = count,
                Problem = new RunProblem(StatusCodes.Status500InternalServerError, "An unexpected error occurred.", "The action failed unexpectedly; the server's log has the details."),
            };
        }

        record = record with { FinishedAt = time.GetUtcNow(), Progress = null, JobId = active.JobId };
        try
        {
            await store.CompleteAsync(record, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            LogRunNotSaved(logger, record.Id, ex);
        }

        _active.TryRemove(record.Id, out _);
        active.Complete(record);
        active.Cancellation.Dispose();
    }

    private static string NewId() => "run_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} of {ActionId} failed unexpectedly")]
    private static partial void LogRunCrashed(ILogger logger, string runId, string actionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Run {RunId} finished but could not be saved")]
    private static partial void LogRunNotSaved(ILogger logger, string runId, Exception exception);
}

/// <summary>A run in progress.</summary>
internal sealed class ActiveRun(RunRecord record, CancellationTokenSource cancellation)
{
    private readonly TaskCompletionSource<RunRecord> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The run as it started.</summary>
    public RunRecord Record { get; } = record;

    /// <summary>Cancels it.</summary>
    public CancellationTokenSource Cancellation { get; } = cancellation;

    /// <summary>The background task.</summary>
    public Task? Task { get; set; }

    private ActionProgress? _progress;
    private string? _jobId;

    /// <summary>Its latest progress.</summary>
    public ActionProgress? Progress
    {
        get => Volatile.Read(ref _progress);
        set => Volatile.Write(ref _progress, value);
    }

    /// <summary>Its durable job, once a bulk run has made it.</summary>
    public string? JobId
    {
        get => Volatile.Read(ref _jobId);
        set => Volatile.Write(ref _jobId, value);
    }

    /// <summary>Completes with the finished record (output unmasked).</summary>
    public Task<RunRecord> Completion => _completion.Task;

    /// <summary>The run now.</summary>
    public RunRecord Snapshot() => Completion.IsCompletedSuccessfully ? Completion.Result : Record with { Progress = Progress, JobId = JobId };

    internal void Complete(RunRecord finished) => _completion.TrySetResult(finished);
}
