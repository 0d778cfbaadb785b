using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Diagnostics;
using Entrada.Core.Jobs;
using Entrada.Core.Runs;
using Entrada.Core.Secrets;
using Microsoft.Extensions.Logging;

namespace Entrada.Core.Runners;

/// <summary>The way to the runners connected to this process (the server's SignalR hub).</summary>
public interface IRunnerChannel
{
    /// <summary>Hands an assignment to the runner on a connection.</summary>
    Task ExecuteAsync(string connectionId, RunnerAssignment assignment, CancellationToken cancellationToken);

    /// <summary>Asks the runner on a connection to stop an assignment.</summary>
    Task CancelAsync(string connectionId, string assignmentId, CancellationToken cancellationToken);
}

/// <summary>What a run dispatched to a runner wants along the way.</summary>
public sealed record RunnerDispatch
{
    /// <summary>The input as given.</summary>
    public JsonNode? Input { get; init; }
    /// <summary>A dry run.</summary>
    public bool DryRun { get; init; }
    /// <summary>Who asked.</summary>
    public required Caller Caller { get; init; }
    /// <summary>Progress of bulk work.</summary>
    public IProgress<ActionProgress>? Progress { get; init; }
    /// <summary>A list action's items.</summary>
    public Func<object?, CancellationToken, ValueTask>? OnItem { get; init; }
    /// <summary>Told the job's id as soon as it exists.</summary>
    public Func<string, CancellationToken, ValueTask>? OnJobStarted { get; init; }
    /// <summary>Told when the run starts and stops waiting for a runner.</summary>
    public Action<bool>? OnWaiting { get; init; }
    /// <summary>A job claimed to resume.</summary>
    public JobRecord? Resumed { get; init; }
}

/// <summary>A runner connected to this process, as lists show it.</summary>
/// <param name="RunnerId">The runner.</param>
/// <param name="ConnectedAt">When this connection was made.</param>
/// <param name="LastHeartbeat">When it was last heard from.</param>
/// <param name="RunsInProgress">How many assignments it holds.</param>
/// <param name="Address">Where it connected from.</param>
/// <param name="Version">Its Entrada version.</param>
public sealed record LiveRunner(string RunnerId, DateTimeOffset ConnectedAt, DateTimeOffset LastHeartbeat, int RunsInProgress, string? Address, string? Version);

/// <summary>
/// Sends the runs of connections bound to a runner group to a live runner of that group and
/// brings their items, progress, checkpoints and outcome back into this process's run and job
/// records. A run with no runner online waits (visibly) until one connects or
/// <see cref="RunnerOptions.WaitTimeout"/> passes. A runner holds a lease on what it runs, renewed
/// by its heartbeats; when it lapses, a bulk job goes to another runner of the group and resumes
/// from its checkpoints, and any other run fails (it may have been half done).
/// </summary>
public sealed partial class RunnerDispatcher : IDisposable
{
    private readonly RunnerStore _store;
    private readonly JobStore _jobs;
    private readonly JobInputs _jobInputs;
    private readonly AuditLog _audit;
    private readonly RunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RunnerDispatcher> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Live> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Assignment> _assignments = new(StringComparer.Ordinal);
    private readonly List<Assignment> _waiting = [];
    private readonly ITimer _monitor;
    private long _ticks;

    /// <summary>A dispatcher; it does nothing until a channel is attached and runners connect.</summary>
    public RunnerDispatcher(RunnerStore store, JobStore jobs, JobInputs jobInputs, AuditLog audit, RunnerOptions options, TimeProvider time, ILogger<RunnerDispatcher> logger)
    {
        _store = store;
        _jobs = jobs;
        _jobInputs = jobInputs;
        _audit = audit;
        _options = options;
        _time = time;
        _logger = logger;
        _monitor = time.CreateTimer(_ => _ = MonitorAsync(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    /// <summary>The way to the runners; set by the server that hosts their hub. Without it runs wait and then fail.</summary>
    public IRunnerChannel? Channel { get; set; }

    /// <summary>The options.</summary>
    public RunnerOptions Options => _options;

    /// <summary>The runners connected now.</summary>
    public IReadOnlyList<LiveRunner> Connected()
    {
        lock (_gate)
        {
            return [.. _live.Values.Where(l => l.Accepted && !l.Gone).Select(l => new LiveRunner(l.Runner.Id, l.ConnectedAt, l.LastHeartbeat, l.Held.Count, l.Address, l.Version))];
        }
    }

    // ---- the hub's side ----------------------------------------------------------------------

    /// <summary>A runner said hello on a connection: refused when its protocol differs, else it takes work.</summary>
    public async Task<RunnerWelcome> HelloAsync(string connectionId, RunnerRecord runner, RunnerHello hello, string? address, Action abort)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(hello);
        var now = _time.GetUtcNow();
        if (hello.Protocol != RunnerProtocol.Version)
        {
            var message = $"Runner '{runner.Name}' ({runner.Id}) speaks runner protocol {hello.Protocol} (Entrada {hello.Version}), but this server speaks protocol {RunnerProtocol.Version}: install the same Entrada version on the runner as on the server.";
            LogProtocolRefused(_logger, runner.Id, hello.Protocol, RunnerProtocol.Version);
            await _audit.RecordAsync(RunnerCaller(runner), "runners.refused", null, AuditOutcome.Failed, TimeSpan.Zero, Details(runner, address, hello.Version), message);
            return new RunnerWelcome(false, RunnerProtocol.Version, message, runner.Id, runner.Group, 0);
        }

        lock (_gate)
        {
            _live[connectionId] = new Live(connectionId, runner, abort) { ConnectedAt = now, LastHeartbeat = now, Address = address, Version = hello.Version, Accepted = true };
        }

        await _store.SetConnectedAsync(runner.Id, hello.Version, address, now, CancellationToken.None);
        await _audit.RecordAsync(RunnerCaller(runner), "runners.connected", null, AuditOutcome.Succeeded, TimeSpan.Zero, Details(runner, address, hello.Version));
        LogConnected(_logger, runner.Id, runner.Group, address);
        await ScheduleAsync();
        return new RunnerWelcome(true, RunnerProtocol.Version, null, runner.Id, runner.Group, (int)Math.Max(1, Math.Ceiling(_options.HeartbeatInterval.TotalSeconds)));
    }

    /// <summary>A runner's heartbeat: renews its lease on everything it holds.</summary>
    public async Task HeartbeatAsync(string connectionId)
    {
        string runnerId;
        lock (_gate)
        {
            if (!_live.TryGetValue(connectionId, out var live) || live.Gone)
            {
                return;
            }

            live.LastHeartbeat = _time.GetUtcNow();
            runnerId = live.Runner.Id;
        }

        await _store.SetSeenAsync(runnerId, _time.GetUtcNow(), CancellationToken.None);
    }

    /// <summary>An item of a list action the runner streams.</summary>
    public async ValueTask ItemAsync(string connectionId, string assignmentId, string item)
    {
        if (HeldBy(connectionId, assignmentId) is { Dispatch.OnItem: { } onItem } assignment)
        {
            await onItem(JsonNode.Parse(item), assignment.Token);
        }
    }

    /// <summary>Progress the runner reports.</summary>
    public void Progress(string connectionId, string assignmentId, ActionProgress progress)
    {
        HeldBy(connectionId, assignmentId)?.Dispatch?.Progress?.Report(progress);
    }

    /// <summary>
    /// A checkpoint of the job the runner works on, recorded here before the runner goes on; refused
    /// when the runner no longer holds the assignment (its lease lapsed and the job went elsewhere).
    /// Returns whether someone asked to cancel the job.
    /// </summary>
    public async Task<bool> CheckpointAsync(string connectionId, string assignmentId, string jobId, IReadOnlyList<JobItem> items)
    {
        var assignment = HeldBy(connectionId, assignmentId);
        if (assignment is null || !string.Equals(assignment.JobId, jobId, StringComparison.Ordinal))
        {
            throw new RunnerLeaseLostException(assignmentId);
        }

        await _jobs.RecordAsync(jobId, items, CancellationToken.None);
        return await _jobs.IsCancelRequestedAsync(jobId, CancellationToken.None);
    }

    /// <summary>The runner finished an assignment.</summary>
    public void Complete(string connectionId, RunnerOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Assignment? assignment;
        lock (_gate)
        {
            assignment = HeldByLocked(connectionId, outcome.AssignmentId);
            if (assignment is null)
            {
                return;
            }

            Release(assignment);
        }

        assignment.Outcome.TrySetResult(outcome);
        _ = ScheduleAsync();
    }

    /// <summary>A runner's connection closed: it takes no more work; what it holds waits for its lease to lapse.</summary>
    public async Task DisconnectedAsync(string connectionId)
    {
        Live? live;
        lock (_gate)
        {
            if (!_live.TryGetValue(connectionId, out live) || live.Gone)
            {
                return;
            }

            live.Gone = true;
            if (live.Held.Count == 0)
            {
                _live.Remove(connectionId);
            }
        }

        if (live.Accepted)
        {
            LogLost(_logger, live.Runner.Id);
            await _audit.RecordAsync(RunnerCaller(live.Runner), "runners.lost", null, AuditOutcome.Succeeded, TimeSpan.Zero, Details(live.Runner, live.Address, live.Version));
        }
    }

    /// <summary>A runner was revoked: its connections are dropped at once and what it held is handed on.</summary>
    public void Drop(string runnerId)
    {
        List<Live> dropped;
        lock (_gate)
        {
            dropped = [.. _live.Values.Where(l => l.Runner.Id == runnerId)];
            foreach (var live in dropped)
            {
                live.Gone = true;
                live.LastHeartbeat = DateTimeOffset.MinValue;
            }
        }

        foreach (var live in dropped)
        {
            live.Abort();
        }

        _ = MonitorAsync();
    }

    // ---- the core's side ---------------------------------------------------------------------

    /// <summary>Runs an action on a runner of the connection's group; the server keeps the run's job and audit record.</summary>
    public async Task<ActionRunResult> RunAsync(Connection connection, ActionDescriptor descriptor, RunnerDispatch dispatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(dispatch);
        var group = connection.RunnerGroup ?? throw new ArgumentException("The connection has no runner group.", nameof(connection));
        var started = _time.GetTimestamp();
        string? jobId = dispatch.Resumed?.Id;
        string? runnerId = null;
        var outcome = AuditOutcome.Failed;
        string? error = null;
        try
        {
            // Refused here, before any wait or job: no runner can connect to this process, or an input the action cannot take.
            EnsureChannel(group);
            CheckTarget(descriptor, connection);
            var input = ActionInput.Bind(descriptor, dispatch.Input);
            if (dispatch.DryRun && !descriptor.Destructive)
            {
                throw new EntradaValidationException("dryRun", $"'{descriptor.Id}' only reads, so there is nothing to dry-run; run it without --dry-run.");
            }

            if (jobId is null && descriptor.Bulk && !dispatch.DryRun && input is IBulkInput bulk)
            {
                var job = await _jobs.CreateAsync(descriptor.Id, connection.Name, _jobInputs.Seal(dispatch.Input), bulk.BulkItems, dispatch.Caller, cancellationToken);
                jobId = job.Id;
            }

            if (jobId is not null && dispatch.OnJobStarted is { } onJobStarted)
            {
                await onJobStarted(jobId, cancellationToken);
            }

            var inputText = dispatch.Input?.ToJsonString();
            var assignment = new Assignment(group, dispatch, jobId, cancellationToken, async id => new RunnerAssignment
            {
                Id = id,
                Work = RunnerWork.Action,
                Connection = RunnerConnection.From(connection),
                Caller = dispatch.Caller,
                Action = descriptor.Id,
                Input = inputText,
                DryRun = dispatch.DryRun,
                Job = jobId is null ? null : await JobFor(jobId),
            });
            var (result, by) = await DispatchAsync(assignment, cancellationToken);
            runnerId = by;
            if (!result.Succeeded)
            {
                throw Failure(result.Problem, cancellationToken);
            }

            if (jobId is not null)
            {
                await _jobs.SetStatusAsync(jobId, JobStatus.Completed, null, CancellationToken.None);
            }

            outcome = dispatch.DryRun ? AuditOutcome.DryRun : AuditOutcome.Succeeded;
            var duration = _time.GetElapsedTime(started);
            var auditId = await AuditRunAsync(dispatch, descriptor, connection, duration, outcome, null, jobId, runnerId);
            return new ActionRunResult
            {
                Action = descriptor,
                Connection = connection.Name,
                Value = result.Value is null ? null : JsonNode.Parse(result.Value),
                ItemCount = result.ItemCount,
                DryRun = dispatch.DryRun,
                PlannedRequests = result.Planned is null ? [] : JsonSerializer.Deserialize<List<PlannedRequest>>(result.Planned, EntradaJson.Default) ?? [],
                Duration = duration,
                AuditId = auditId,
                JobId = jobId,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = AuditOutcome.Cancelled;
            if (jobId is not null)
            {
                await _jobs.SetStatusAsync(jobId, JobStatus.Cancelled, "Cancelled.", CancellationToken.None);
            }

            await AuditRunAsync(dispatch, descriptor, connection, _time.GetElapsedTime(started), outcome, "Cancelled.", jobId, runnerId);
            throw;
        }
        catch (Exception ex)
        {
            error = ex is EntradaException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            if (jobId is not null)
            {
                await _jobs.SetStatusAsync(jobId, ex is EntradaException { Kind: ErrorKind.Cancelled } ? JobStatus.Cancelled : JobStatus.Failed, error, CancellationToken.None);
            }

            await AuditRunAsync(dispatch, descriptor, connection, _time.GetElapsedTime(started), outcome, error, jobId, runnerId);
            throw;
        }
    }

    /// <summary>Tests a connection on a runner of its group: the runner's report, as if tested here.</summary>
    public async Task<ConnectionTestReport> TestAsync(Connection connection, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var group = connection.RunnerGroup ?? throw new ArgumentException("The connection has no runner group.", nameof(connection));
        var dispatch = new RunnerDispatch { Caller = caller };
        var assignment = new Assignment(group, dispatch, null, cancellationToken, id => Task.FromResult(new RunnerAssignment
        {
            Id = id,
            Work = RunnerWork.Test,
            Connection = RunnerConnection.From(connection),
            Caller = caller,
        }));
        var (result, _) = await DispatchAsync(assignment, cancellationToken);
        if (!result.Succeeded || result.Report is null)
        {
            throw Failure(result.Problem, cancellationToken);
        }

        return JsonSerializer.Deserialize<ConnectionTestReport>(result.Report, EntradaJson.Default)
            ?? throw new RunnerFailedException(new RunProblem(ErrorKind.Internal, "The runner sent an empty test report."));
    }

    private async Task<(RunnerOutcome Outcome, string? RunnerId)> DispatchAsync(Assignment assignment, CancellationToken cancellationToken)
    {
        EnsureChannel(assignment.Group);
        lock (_gate)
        {
            assignment.WaitingSince = _time.GetUtcNow();
            _waiting.Add(assignment);
        }

        await using var onCancel = cancellationToken.Register(() => _ = CancelAsync(assignment));
        await ScheduleAsync();
        var outcome = await assignment.Outcome.Task;
        return (outcome, assignment.LastRunnerId);
    }

    // Runners connect to the server only: a process without their hub (the command line) has none to wait for.
    private void EnsureChannel(string group)
    {
        if (Channel is null)
        {
            throw new RunnerFailedException(new RunProblem(ErrorKind.Configuration, $"This connection is run by the runners of group '{group}', which connect to the Entrada server: run it through the server's API or pages."));
        }
    }

    private async Task CancelAsync(Assignment assignment)
    {
        string? connectionId;
        lock (_gate)
        {
            if (_waiting.Remove(assignment))
            {
                assignment.Outcome.TrySetCanceled(assignment.Token);
                return;
            }

            connectionId = assignment.HeldBy;
        }

        if (connectionId is not null && Channel is { } channel)
        {
            try
            {
                await channel.CancelAsync(connectionId, assignment.Id!, CancellationToken.None);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or OperationCanceledException)
            {
                // The runner is gone; its lease lapses as it would.
            }
        }

        // A runner that does not answer a cancel in time does not hold the run up.
        _ = Task.Delay(TimeSpan.FromSeconds(15), _time).ContinueWith(_ => assignment.Outcome.TrySetCanceled(assignment.Token), TaskScheduler.Default);
    }

    private async Task ScheduleAsync()
    {
        var handed = new List<(Assignment Assignment, Live Live, string Id)>();
        lock (_gate)
        {
            foreach (var assignment in _waiting.ToList())
            {
                var live = _live.Values
                    .Where(l => l.Accepted && !l.Gone && string.Equals(l.Runner.Group, assignment.Group, StringComparison.Ordinal))
                    .OrderBy(l => l.Held.Count)
                    .FirstOrDefault();
                if (live is null)
                {
                    continue;
                }

                _waiting.Remove(assignment);
                var id = "as_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
                assignment.Id = id;
                assignment.HeldBy = live.ConnectionId;
                assignment.LastRunnerId = live.Runner.Id;
                _assignments[id] = assignment;
                live.Held.Add(id);
                handed.Add((assignment, live, id));
            }
        }

        foreach (var (assignment, live, id) in handed)
        {
            assignment.Dispatch.OnWaiting?.Invoke(false);
            try
            {
                var payload = await assignment.Build(id);
                var channel = Channel ?? throw new InvalidOperationException("No runner channel.");
                await channel.ExecuteAsync(live.ConnectionId, payload, CancellationToken.None);
                LogHanded(_logger, id, live.Runner.Id, payload.Work.ToString(), assignment.JobId);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogHandOverFailed(_logger, id, live.Runner.Id, ex);
                lock (_gate)
                {
                    Release(assignment);
                    assignment.WaitingSince = _time.GetUtcNow();
                    _waiting.Insert(0, assignment);
                }

                assignment.Dispatch.OnWaiting?.Invoke(true);
            }
        }

        lock (_gate)
        {
            foreach (var waiting in _waiting.Where(w => !w.ToldWaiting).ToList())
            {
                waiting.ToldWaiting = true;
                waiting.Dispatch.OnWaiting?.Invoke(true);
            }
        }
    }

    private async Task MonitorAsync()
    {
        try
        {
            var now = _time.GetUtcNow();
            var lapsed = new List<Live>();
            var failed = new List<Assignment>();
            var requeued = false;
            lock (_gate)
            {
                foreach (var live in _live.Values.ToList())
                {
                    if (now - live.LastHeartbeat <= _options.Lease)
                    {
                        continue;
                    }

                    // Its lease lapsed: whatever it holds goes on without it.
                    if (!live.Gone)
                    {
                        lapsed.Add(live);
                        live.Gone = true;
                    }

                    foreach (var id in live.Held.ToList())
                    {
                        var assignment = _assignments[id];
                        Release(assignment);
                        if (assignment.JobId is not null)
                        {
                            assignment.WaitingSince = now;
                            assignment.ToldWaiting = false;
                            _waiting.Insert(0, assignment);
                            requeued = true;
                            LogRequeued(_logger, assignment.JobId, live.Runner.Id);
                        }
                        else
                        {
                            failed.Add(assignment);
                        }
                    }

                    _live.Remove(live.ConnectionId);
                }

                foreach (var waiting in _waiting.Where(w => now - w.WaitingSince > _options.WaitTimeout).ToList())
                {
                    _waiting.Remove(waiting);
                    waiting.Outcome.TrySetResult(new RunnerOutcome
                    {
                        AssignmentId = string.Empty,
                        Problem = new RunProblem(ErrorKind.Configuration, $"No runner of group '{waiting.Group}' took the run within {Describe(_options.WaitTimeout)}: start a runner of that group (or check that its runners can reach this server), then run it again."),
                    });
                }
            }

            foreach (var assignment in failed)
            {
                assignment.Outcome.TrySetResult(new RunnerOutcome
                {
                    AssignmentId = assignment.Id ?? string.Empty,
                    Problem = new RunProblem(ErrorKind.RemoteFailure, $"The runner running it was lost before it reported an outcome (runner group '{assignment.Group}'); it may have been done in part. Check the directory before running it again."),
                });
            }

            foreach (var live in lapsed)
            {
                live.Abort();
            }

            if (requeued || lapsed.Count > 0)
            {
                await ScheduleAsync();
            }

            if (Interlocked.Increment(ref _ticks) % 40 == 0)
            {
                await RenewAsync();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogMonitorFailed(_logger, ex);
        }
    }

    private async Task RenewAsync()
    {
        string[] jobs;
        string[] connected;
        lock (_gate)
        {
            jobs = [.. _assignments.Values.Concat(_waiting).Select(a => a.JobId).OfType<string>().Distinct(StringComparer.Ordinal)];
            connected = [.. _live.Values.Where(l => !l.Gone).Select(l => l.Runner.Id)];
        }

        foreach (var job in jobs)
        {
            await _jobs.RenewForRunnerAsync(job, CancellationToken.None);
        }

        // A runner revoked by another process (the CLI) is dropped here.
        foreach (var id in connected)
        {
            if (await _store.FindAsync(id, CancellationToken.None) is { Active: false })
            {
                Drop(id);
            }
        }
    }

    private async Task<RunnerJob> JobFor(string jobId)
    {
        var items = await _jobs.ItemsAsync(jobId, null, CancellationToken.None);
        return new RunnerJob(jobId, [.. items.Select(i => i.Item)], [.. items.Where(i => i.State.IsFinal())]);
    }

    private Assignment? HeldBy(string connectionId, string assignmentId)
    {
        lock (_gate)
        {
            return HeldByLocked(connectionId, assignmentId);
        }
    }

    private Assignment? HeldByLocked(string connectionId, string assignmentId) =>
        _assignments.TryGetValue(assignmentId, out var a) && string.Equals(a.HeldBy, connectionId, StringComparison.Ordinal) ? a : null;

    private void Release(Assignment assignment)
    {
        if (assignment.Id is { } id)
        {
            _assignments.Remove(id);
            if (assignment.HeldBy is { } held && _live.TryGetValue(held, out var live))
            {
                live.Held.Remove(id);
                if (live.Gone && live.Held.Count == 0 && live.LastHeartbeat != DateTimeOffset.MinValue)
                {
                    _live.Remove(held);
                }
            }
        }

        assignment.HeldBy = null;
    }

    private static Exception Failure(RunProblem? problem, CancellationToken cancellationToken) =>
        problem is { Kind: ErrorKind.Cancelled } && cancellationToken.IsCancellationRequested
            ? new OperationCanceledException(cancellationToken)
            : new RunnerFailedException(problem ?? new RunProblem(ErrorKind.Internal, "The runner reported a failure without saying why."));

    private static void CheckTarget(ActionDescriptor descriptor, Connection connection)
    {
        var isGraph = connection.Method != ConnectionMethod.Ldap;
        if ((descriptor.Target == ActionTarget.Graph) != isGraph)
        {
            var needs = descriptor.Target == ActionTarget.Graph ? "an App Registration or OAuth connection" : "an LDAP connection";
            throw new EntradaValidationException("connection", $"'{descriptor.Id}' needs {needs}; '{connection.Name}' is an {connection.Method.ToWireName()} connection.");
        }
    }

    private Task<long> AuditRunAsync(RunnerDispatch dispatch, ActionDescriptor descriptor, Connection connection, TimeSpan duration, AuditOutcome outcome, string? error, string? jobId, string? runnerId)
    {
        var details = new JsonObject
        {
            ["input"] = SecretMasking.MaskInput(descriptor, BulkInputSummary.Of(descriptor, dispatch.Input, dispatch.DryRun)),
            ["dryRun"] = dispatch.DryRun,
            ["runnerGroup"] = connection.RunnerGroup,
            ["runner"] = runnerId,
        };
        if (jobId is not null)
        {
            details["jobId"] = jobId;
        }

        return _audit.RecordAsync(dispatch.Caller, $"run {descriptor.Id}", connection.Name, outcome, duration, details, error);
    }

    private static Caller RunnerCaller(RunnerRecord runner) => new(CallerInterface.Api, "runner:" + runner.Id);

    private static JsonObject Details(RunnerRecord runner, string? address, string? version) => new()
    {
        ["runner"] = runner.Id,
        ["name"] = runner.Name,
        ["group"] = runner.Group,
        ["address"] = address,
        ["version"] = version,
    };

    private static string Describe(TimeSpan span) => span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} minute(s)" : $"{span.TotalSeconds:0.#} second(s)";

    /// <inheritdoc />
    public void Dispose() => _monitor.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {RunnerId} of group {Group} connected from {Address}")]
    private static partial void LogConnected(ILogger logger, string runnerId, string group, string? address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runner {RunnerId} refused: it speaks protocol {Theirs}, this server {Ours}")]
    private static partial void LogProtocolRefused(ILogger logger, string runnerId, int theirs, int ours);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runner {RunnerId} disconnected")]
    private static partial void LogLost(ILogger logger, string runnerId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Assignment {AssignmentId} ({Work}, job {JobId}) handed to runner {RunnerId}")]
    private static partial void LogHanded(ILogger logger, string assignmentId, string runnerId, string work, string? jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Assignment {AssignmentId} could not be handed to runner {RunnerId}; it waits again")]
    private static partial void LogHandOverFailed(ILogger logger, string assignmentId, string runnerId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease of runner {RunnerId} lapsed; job {JobId} waits for another runner of its group")]
    private static partial void LogRequeued(ILogger logger, string jobId, string runnerId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The runner monitor failed")]
    private static partial void LogMonitorFailed(ILogger logger, Exception exception);

    private sealed class Live(string connectionId, RunnerRecord runner, Action abort)
    {
        public string ConnectionId { get; } = connectionId;
        public RunnerRecord Runner { get; } = runner;
        public Action Abort { get; } = abort;
        public HashSet<string> Held { get; } = new(StringComparer.Ordinal);
        public DateTimeOffset ConnectedAt { get; init; }
        public DateTimeOffset LastHeartbeat { get; set; }
        public string? Address { get; init; }
        public string? Version { get; init; }
        public bool Accepted { get; init; }
        public bool Gone { get; set; }
    }

    private sealed class Assignment(string group, RunnerDispatch dispatch, string? jobId, CancellationToken token, Func<string, Task<RunnerAssignment>> build)
    {
        public string Group { get; } = group;
        public RunnerDispatch Dispatch { get; } = dispatch;
        public string? JobId { get; } = jobId;
        public CancellationToken Token { get; } = token;
        public Func<string, Task<RunnerAssignment>> Build { get; } = build;
        public TaskCompletionSource<RunnerOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string? Id { get; set; }
        public string? HeldBy { get; set; }
        public string? LastRunnerId { get; set; }
        public DateTimeOffset WaitingSince { get; set; }
        public bool ToldWaiting { get; set; }
    }
}

/// <summary>A runner reported that the run failed; the problem is the runner's, as the run's own would be.</summary>
public sealed class RunnerFailedException(RunProblem problem) : EntradaException(problem?.Detail ?? "The runner reported a failure.", next: problem?.Next)
{
    /// <summary>The problem as the runner reported it.</summary>
    public RunProblem Problem { get; } = problem!;

    /// <inheritdoc />
    public override ErrorKind Kind => Problem.Kind;
}

/// <summary>A runner sent work for an assignment it no longer holds (its lease lapsed).</summary>
public sealed class RunnerLeaseLostException(string assignmentId)
    : EntradaException($"Assignment '{assignmentId}' is no longer held by this runner: its lease lapsed and the work went to another runner.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Conflict;
}
