using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Diagnostics;
using Entrada.Core.Jobs;
using Entrada.Core.Runs;
using Microsoft.Extensions.Logging;

namespace Entrada.Core.Runners;

/// <summary>The way back to the server from a runner, for one connection.</summary>
public interface IRunnerUplink
{
    /// <summary>Streams an item of a list action (JSON).</summary>
    Task ItemAsync(string assignmentId, string item, CancellationToken cancellationToken);

    /// <summary>Reports progress.</summary>
    void Progress(string assignmentId, ActionProgress progress);

    /// <summary>Records a checkpoint in the server's job; returns whether someone asked to cancel the job.</summary>
    Task<bool> CheckpointAsync(string assignmentId, string jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken);
}

/// <summary>
/// Runs on a runner what the server hands it, with the same code as the server would run it in
/// process: the connection (its secret resolved from the reference, here only) goes into the
/// runner's own store, actions run through <see cref="ActionRunner"/>, tests through
/// <see cref="ConnectionTesting"/>. A bulk job is copied from the server with what it had finished,
/// and every checkpoint is recorded on the server before it counts here, so that another runner
/// can resume the job from it.
/// </summary>
public sealed partial class RunnerExecutor
{
    private readonly ConnectionStore _connections;
    private readonly ActionRunner _runner;
    private readonly ConnectionTesting _testing;
    private readonly JobStore _jobs;
    private readonly JobInputs _jobInputs;
    private readonly ActionCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly ILogger<RunnerExecutor> _logger;
    private readonly SemaphoreSlim _upsert = new(1, 1);
    private readonly ConcurrentDictionary<string, (string AssignmentId, IRunnerUplink Uplink)> _held = new(StringComparer.Ordinal);

    /// <summary>An executor over the runner's own services.</summary>
    public RunnerExecutor(ConnectionStore connections, ActionRunner runner, ConnectionTesting testing, JobStore jobs, JobInputs jobInputs, ActionCatalog catalog, TimeProvider time, ILogger<RunnerExecutor> logger)
    {
        _connections = connections;
        _runner = runner;
        _testing = testing;
        _jobs = jobs;
        _jobInputs = jobInputs;
        _catalog = catalog;
        _time = time;
        _logger = logger;
        jobs.Forward = ForwardAsync;
    }

    /// <summary>Runs one assignment to its outcome; a failure is the outcome's problem, never thrown.</summary>
    public async Task<RunnerOutcome> ExecuteAsync(RunnerAssignment assignment, IRunnerUplink uplink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(uplink);
        LogExecuting(_logger, assignment.Id, assignment.Work.ToString(), assignment.Action, assignment.Connection.Name);
        try
        {
            var connection = assignment.Connection.ToConnection(_time.GetUtcNow());
            await UpsertAsync(connection, cancellationToken);
            if (assignment.Work == RunnerWork.Test)
            {
                var report = await _testing.TestAsync(connection, assignment.Caller, cancellationToken);
                return new RunnerOutcome { AssignmentId = assignment.Id, Succeeded = true, Report = JsonSerializer.Serialize(report, EntradaJson.Default) };
            }

            var actionId = assignment.Action ?? throw new EntradaValidationException("action", "The assignment names no action.");
            var descriptor = _catalog.Get(actionId).Descriptor;
            var input = assignment.Input is null ? null : JsonNode.Parse(assignment.Input);
            var progress = new Progress(assignment.Id, uplink);
            ActionRunResult result;
            if (assignment.Job is { } job)
            {
                await _jobs.ImportAsync(job.Id, actionId, connection.Name, _jobInputs.Seal(input), job.Items, job.Finished, assignment.Caller, cancellationToken);
                LogJob(_logger, assignment.Id, job.Id, job.Finished.Count, job.Items.Count);
                _held[job.Id] = (assignment.Id, uplink);
                try
                {
                    var claimed = await _runner.ResumableJobAsync(job.Id, cancellationToken);
                    result = await _runner.ResumeAsync(claimed, assignment.Caller, progress, cancellationToken);
                }
                finally
                {
                    _held.TryRemove(job.Id, out _);
                }
            }
            else
            {
                result = await _runner.RunAsync(
                    new ActionRunRequest(actionId, connection.Name, input) { DryRun = assignment.DryRun, Caller = assignment.Caller, Progress = progress },
                    descriptor.IsList ? (item, ct) => new ValueTask(uplink.ItemAsync(assignment.Id, JsonSerializer.Serialize(item, EntradaJson.Default), ct)) : null,
                    cancellationToken);
            }

            return new RunnerOutcome
            {
                AssignmentId = assignment.Id,
                Succeeded = true,
                Value = descriptor.IsList || result.Value is null ? null : JsonSerializer.Serialize(result.Value, EntradaJson.Default),
                ItemCount = result.ItemCount,
                Planned = result.DryRun ? JsonSerializer.Serialize(result.PlannedRequests, EntradaJson.Default) : null,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new RunnerOutcome { AssignmentId = assignment.Id, Problem = new RunProblem(ErrorKind.Cancelled, "The run was cancelled before it finished.") };
        }
        catch (EntradaException ex)
        {
            return new RunnerOutcome { AssignmentId = assignment.Id, Problem = RunProblem.From(ex) };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogCrashed(_logger, assignment.Id, ex);
            return new RunnerOutcome { AssignmentId = assignment.Id, Problem = new RunProblem(ErrorKind.Internal, "The action failed unexpectedly on the runner; the runner's log has the details.") };
        }
    }

    private async Task UpsertAsync(Connection connection, CancellationToken cancellationToken)
    {
        await _upsert.WaitAsync(cancellationToken);
        try
        {
            var existing = await _connections.FindAsync(connection.Name, cancellationToken);
            if (existing is null)
            {
                await _connections.AddAsync(connection, cancellationToken);
            }
            else if (existing with { CreatedAt = default, UpdatedAt = default, LastTest = null } != connection with { CreatedAt = default, UpdatedAt = default, LastTest = null })
            {
                // Only a change is written: an update forgets the connection's kept token.
                await _connections.UpdateAsync(connection, cancellationToken);
            }
        }
        finally
        {
            _upsert.Release();
        }
    }

    private async Task ForwardAsync(string jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken)
    {
        if (!_held.TryGetValue(jobId, out var held))
        {
            return;
        }

        if (await held.Uplink.CheckpointAsync(held.AssignmentId, jobId, items, cancellationToken))
        {
            throw new JobCancelledException(jobId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment {AssignmentId}: {Work} {ActionId} on connection {Connection}")]
    private static partial void LogExecuting(ILogger logger, string assignmentId, string work, string? actionId, string connection);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment {AssignmentId}: job {JobId} starts with {Finished} of {Total} items finished")]
    private static partial void LogJob(ILogger logger, string assignmentId, string jobId, int finished, int total);

    [LoggerMessage(Level = LogLevel.Error, Message = "Assignment {AssignmentId} failed unexpectedly")]
    private static partial void LogCrashed(ILogger logger, string assignmentId, Exception exception);

    private sealed class Progress(string assignmentId, IRunnerUplink uplink) : IProgress<ActionProgress>
    {
        public void Report(ActionProgress value) => uplink.Progress(assignmentId, value);
    }
}
