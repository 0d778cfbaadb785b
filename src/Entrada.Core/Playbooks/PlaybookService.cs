using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Jobs;
using Entrada.Core.Secrets;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace Entrada.Core.Playbooks;

/// <summary>A request to run a playbook.</summary>
/// <param name="Playbook">Its id, or the path of its YAML file.</param>
/// <param name="Connection">The connection its steps run on (unless a step names its own).</param>
/// <param name="Input">Its inputs, as a JSON object.</param>
/// <param name="DryRun">Run the reads, plan every write, send no change.</param>
public sealed record PlaybookRunRequest(string Playbook, string? Connection, JsonNode? Input, bool DryRun = false)
{
    /// <summary>The run's id, when the caller allocated it beforehand (a watch records it with the item first); otherwise a new one.</summary>
    public string? RunId { get; init; }
}

/// <summary>How a run stands when the caller gets it back, with the steps' outputs as they came (secrets included, shown once).</summary>
/// <param name="Record">The run as stored (outputs masked).</param>
/// <param name="Outputs">Each step's output run by this call, unmasked, by step id.</param>
public sealed record PlaybookRunOutcome(PlaybookRunRecord Record, IReadOnlyDictionary<string, JsonNode?> Outputs);

/// <summary>What a playbook needs of a connection: each step's readiness and the permissions missing.</summary>
/// <param name="Playbook">The playbook.</param>
/// <param name="Connection">The connection.</param>
/// <param name="Ready">Whether every step can run.</param>
/// <param name="Steps">Each step's action and readiness.</param>
/// <param name="Missing">The least-privileged permissions missing, each once.</param>
public sealed record PlaybookReadiness(string Playbook, string Connection, bool Ready, IReadOnlyList<PlaybookStepReadiness> Steps, IReadOnlyList<string> Missing);

/// <summary>One step's readiness.</summary>
/// <param name="Step">The step.</param>
/// <param name="Action">Its action.</param>
/// <param name="Ready">Whether it can run on the connection.</param>
/// <param name="Reason">Why not.</param>
/// <param name="OwnConnection">The step runs on a connection of its own (not checked here).</param>
public sealed record PlaybookStepReadiness(string Step, string Action, bool Ready, string? Reason, bool OwnConnection = false);

/// <summary>
/// Playbooks, the one use case every edge calls: list, show, validate, check readiness, run (in
/// the caller's flow or in the background), resume, approve and reject. A run is durable: its
/// steps' parts are fixed and sealed when a step starts, each bulk part is a durable job
/// (<see cref="JobStore"/>) whose id is stored before its first item, and every part's end is
/// checkpointed, so a resume after <c>kill -9</c> sends exactly what was left.
/// </summary>
public sealed partial class PlaybookService(
    PlaybookLibrary library,
    PlaybookValidator validator,
    PlaybookRunStore store,
    ActionCatalog catalog,
    ActionRunner runner,
    ConnectionStore connections,
    ConnectionService connectionService,
    JobStore jobs,
    SecretProtector protector,
    AuditLog audit,
    TimeProvider time,
    ILogger<PlaybookService> logger) : IDisposable
{
    private const string Purpose = "Entrada.PlaybookInput";
    private const int MaxListItemsKept = 10_000;
    private readonly ConcurrentDictionary<string, (Task<PlaybookRunOutcome> Task, CancellationTokenSource Cancel)> _background = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Every playbook, with the problems of those that do not validate.</summary>
    public IReadOnlyList<PlaybookValidation> List() => library.All();

    /// <summary>A playbook by id or file path.</summary>
    public PlaybookDefinition Get(string name) => library.Get(name);

    /// <summary>Validates a playbook's YAML.</summary>
    public PlaybookValidation Validate(string yaml) => validator.Validate(yaml);

    /// <summary>Tests the connection and tells, for every step, whether it can run, and which least-privileged permissions are missing.</summary>
    public async Task<PlaybookReadiness> ReadinessAsync(string playbook, string connection, Caller caller, CancellationToken cancellationToken)
    {
        var definition = library.Get(playbook);
        var report = await connectionService.TestAsync(connection, caller, cancellationToken);
        var steps = new List<PlaybookStepReadiness>();
        var missing = new List<string>();
        foreach (var step in definition.Steps)
        {
            if (step.Connection is not null)
            {
                steps.Add(new PlaybookStepReadiness(step.Id, step.Action, true, null, OwnConnection: true));
                continue;
            }

            var readiness = report.Actions.FirstOrDefault(a => string.Equals(a.ActionId, step.Action, StringComparison.OrdinalIgnoreCase));
            if (readiness is null)
            {
                readiness = ActionReadiness.Evaluate(catalog.Get(step.Action).Descriptor, new ConnectionCapabilities(report.Method, new HashSet<string>(StringComparer.OrdinalIgnoreCase)));
            }

            steps.Add(new PlaybookStepReadiness(step.Id, step.Action, readiness.Ready, readiness.Reason));
            foreach (var permission in new[] { readiness.MissingPermission }.Concat(readiness.AlsoMissing).OfType<string>())
            {
                if (!missing.Contains(permission, StringComparer.OrdinalIgnoreCase))
                {
                    missing.Add(permission);
                }
            }
        }

        var connectionName = report.Connection;
        return new PlaybookReadiness(definition.Id, connectionName, report.Authenticated && steps.All(s => s.Ready), steps, missing);
    }

    /// <summary>Runs a playbook in the caller's flow until it ends or is held for approval.</summary>
    public async Task<PlaybookRunOutcome> RunAsync(PlaybookRunRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var (definition, run, input) = await BeginAsync(request, caller, cancellationToken);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        return await ExecuteAsync(definition, run, input, caller, linked.Token);
    }

    /// <summary>Starts a playbook run in the background; returns it once recorded.</summary>
    public async Task<PlaybookRunRecord> StartAsync(PlaybookRunRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var (definition, run, input) = await BeginAsync(request, caller, cancellationToken);
        Background(run.Id, token => ExecuteAsync(definition, run, input, caller, token));
        return run;
    }

    /// <summary>Waits up to <paramref name="wait"/> for a background run; the run as it stands then.</summary>
    public async Task<PlaybookRunRecord> WaitAsync(string id, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_background.TryGetValue(id, out var active) && wait > TimeSpan.Zero)
        {
            await Task.WhenAny(active.Task, Task.Delay(wait, cancellationToken));
        }

        return await store.GetAsync(id, cancellationToken);
    }

    /// <summary>Goes on with an interrupted, failed or cancelled run from its checkpoints, in the caller's flow.</summary>
    public async Task<PlaybookRunOutcome> ResumeAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        var (definition, run, input) = await ClaimAsync(id, fromApproval: false, cancellationToken);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        return await ExecuteAsync(definition, run, input, caller, linked.Token);
    }

    /// <summary>Resumes a run in the background.</summary>
    public async Task<PlaybookRunRecord> StartResumeAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        var (definition, run, input) = await ClaimAsync(id, fromApproval: false, cancellationToken);
        Background(run.Id, token => ExecuteAsync(definition, run, input, caller, token));
        return run;
    }

    /// <summary>Approves the step a run waits on and goes on with the run in the caller's flow.</summary>
    public async Task<PlaybookRunOutcome> ApproveAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        var (definition, run, input) = await DecideAsync(id, caller, approve: true, reason: null, cancellationToken);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        return await ExecuteAsync(definition, run, input, caller, linked.Token);
    }

    /// <summary>Approves the step a run waits on and goes on with the run in the background.</summary>
    public async Task<PlaybookRunRecord> StartApproveAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        var (definition, run, input) = await DecideAsync(id, caller, approve: true, reason: null, cancellationToken);
        Background(run.Id, token => ExecuteAsync(definition, run, input, caller, token));
        return run;
    }

    /// <summary>Rejects the step a run waits on: the run ends there, rejected, and no later step runs.</summary>
    public async Task<PlaybookRunRecord> RejectAsync(string id, Caller caller, string? reason, CancellationToken cancellationToken)
    {
        var (_, run, _) = await DecideAsync(id, caller, approve: false, reason, cancellationToken);
        return run;
    }

    /// <summary>A run by id.</summary>
    public Task<PlaybookRunRecord> GetRunAsync(string id, CancellationToken cancellationToken) => store.GetAsync(id, cancellationToken);

    /// <summary>A run by id, or null when there is none.</summary>
    public Task<PlaybookRunRecord?> FindRunAsync(string id, CancellationToken cancellationToken) => store.FindAsync(id, cancellationToken);

    /// <summary>Recent runs, newest first.</summary>
    public Task<IReadOnlyList<PlaybookRunRecord>> ListRunsAsync(string? playbook, int limit, CancellationToken cancellationToken) =>
        store.ListAsync(playbook, Math.Clamp(limit, 1, 1000), cancellationToken);

    /// <summary>Cancels a background run of this process.</summary>
    public async Task<PlaybookRunRecord> CancelAsync(string id, CancellationToken cancellationToken)
    {
        if (_background.TryGetValue(id, out var active))
        {
            await active.Cancel.CancelAsync();
            await Task.WhenAny(active.Task, Task.Delay(TimeSpan.FromSeconds(5), cancellationToken));
        }

        return await store.GetAsync(id, cancellationToken);
    }

    /// <summary>Stops every background run of this process (it is shutting down).</summary>
    public async Task StopAsync(TimeSpan wait)
    {
        await _stopping.CancelAsync();
        await Task.WhenAny(Task.WhenAll(_background.Values.Select(v => v.Task)), Task.Delay(wait, time));
    }

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    private void Background(string id, Func<CancellationToken, Task<PlaybookRunOutcome>> work)
    {
        var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var task = Task.Run(async () =>
        {
            try
            {
                return await work(cancel.Token);
            }
            catch (Exception ex)
            {
                LogBackgroundEnded(logger, id, ex.Message);
                throw;
            }
            finally
            {
                _background.TryRemove(id, out _);
                cancel.Dispose();
            }
        }, CancellationToken.None);
        _background[id] = (task, cancel);
    }

    /// <summary>A new run id (<c>pbr_…</c>).</summary>
    public static string NewRunId() => "pbr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private async Task<(PlaybookDefinition Definition, PlaybookRunRecord Run, JsonObject Input)> BeginAsync(PlaybookRunRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var definition = library.Get(request.Playbook);
        if (string.IsNullOrWhiteSpace(request.Connection))
        {
            throw new EntradaValidationException("connection", "Name the connection to run on.") { Next = new NextStep(NextStepKind.ListConnections) };
        }

        var connection = await connections.GetAsync(request.Connection, cancellationToken);
        var input = PlaybookInputs.Bind(definition, request.Input);
        var now = time.GetUtcNow();
        var run = new PlaybookRunRecord
        {
            Id = request.RunId ?? NewRunId(),
            Playbook = definition.Id,
            Connection = connection.Name,
            Caller = caller,
            DryRun = request.DryRun,
            Status = PlaybookRunStatus.Running,
            Input = MaskInputs(definition, input),
            Steps = [.. definition.Steps.Select(s => new PlaybookStepState { Id = s.Id, Action = s.Action, Status = PlaybookStepStatus.Pending, ApprovalRequired = s.ApprovalRequired })],
            CreatedAt = now,
            UpdatedAt = now,
            Definition = definition.Source,
            SealedInput = Seal(input),
        };
        await store.InsertAsync(run, cancellationToken);
        return (definition, run, input);
    }

    private async Task<(PlaybookDefinition, PlaybookRunRecord, JsonObject)> ClaimAsync(string id, bool fromApproval, CancellationToken cancellationToken)
    {
        var run = await store.ClaimAsync(id, fromApproval, cancellationToken);
        var parsed = validator.Validate(run.Definition);
        if (!parsed.IsValid)
        {
            throw new PlaybookInvalidException(run.Playbook, parsed.Problems);
        }

        return (parsed.Definition!, run, (JsonObject)Open(run.SealedInput)!);
    }

    private async Task<(PlaybookDefinition, PlaybookRunRecord, JsonObject)> DecideAsync(string id, Caller caller, bool approve, string? reason, CancellationToken cancellationToken)
    {
        var current = await store.GetAsync(id, cancellationToken);
        if (current.Status != PlaybookRunStatus.AwaitingApproval)
        {
            throw current.Status is PlaybookRunStatus.Succeeded or PlaybookRunStatus.Rejected
                ? new PlaybookRunFinishedException(current)
                : new PlaybookRunNotAwaitingException(current);
        }

        var (definition, run, input) = await ClaimAsync(id, fromApproval: true, cancellationToken);
        var steps = run.Steps.ToList();
        var index = steps.FindIndex(s => s.Status == PlaybookStepStatus.AwaitingApproval);
        var who = $"{caller.Interface.ToWire()}:{caller.Actor}";
        var now = time.GetUtcNow();
        steps[index] = steps[index] with
        {
            Status = approve ? PlaybookStepStatus.Pending : PlaybookStepStatus.Rejected,
            Decision = approve ? "approved" : "rejected",
            DecidedBy = who,
            DecidedAt = now,
            Reason = reason,
            FinishedAt = approve ? null : now,
        };
        run = run with { Steps = steps };
        await audit.RecordAsync(caller, approve ? "playbook approve" : "playbook reject", run.Connection, AuditOutcome.Succeeded, TimeSpan.Zero, new JsonObject
        {
            ["playbookRun"] = run.Id,
            ["playbook"] = run.Playbook,
            ["step"] = steps[index].Id,
            ["action"] = steps[index].Action,
            ["reason"] = reason,
        });
        if (!approve)
        {
            var auditId = await audit.RecordAsync(caller, $"playbook step {run.Playbook}/{steps[index].Id}", run.Connection, AuditOutcome.Cancelled, TimeSpan.Zero, StepDetails(run, steps[index]), $"Rejected by {who}.");
            steps[index] = steps[index] with { AuditId = auditId };
            run = run with { Steps = steps, Status = PlaybookRunStatus.Rejected, FinishedAt = now, Error = $"Step '{steps[index].Id}' was rejected by {who}{(reason is null ? "" : $": {reason}")}." };
            run = run with { AuditId = await RunAuditAsync(run, caller, AuditOutcome.Cancelled, run.Error) };
        }

        await store.SaveAsync(run, CancellationToken.None);
        return (definition, run, input);
    }

    /// <summary>How many elements of a foreach over a list action are read at once (the Graph client's requests in flight).</summary>
    internal const int ConcurrentReads = 8;

    /// <summary>Runs the steps not yet finished, in order, checkpointing as it goes.</summary>
    private async Task<PlaybookRunOutcome> ExecuteAsync(PlaybookDefinition definition, PlaybookRunRecord run, JsonObject input, Caller caller, CancellationToken cancellationToken)
    {
        var steps = run.Steps.ToList();
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var gate = new SemaphoreSlim(1, 1);
        using var renewal = time.CreateTimer(_ => _ = RenewQuietlyAsync(run.Id), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));

        async Task SaveAsync()
        {
            await gate.WaitAsync(CancellationToken.None);
            try
            {
                run = run with { Steps = [.. steps] };
                await store.SaveAsync(run, CancellationToken.None);
            }
            finally
            {
                gate.Release();
            }
        }

        var document = new JObject
        {
            ["inputs"] = PlaybookExpressions.ToToken(input),
            ["run"] = new JObject
            {
                ["id"] = run.Id,
                ["connection"] = run.Connection,
                ["dryRun"] = run.DryRun,
                ["startedAt"] = run.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            },
            ["steps"] = new JObject(),
        };
        try
        {
            var vars = new JObject();
            document["vars"] = vars;
            foreach (var (name, value) in definition.Vars)
            {
                vars[name] = PlaybookExpressions.ToToken(PlaybookExpressions.Evaluate(value, document));
            }

            for (var i = 0; i < definition.Steps.Count; i++)
            {
                var step = definition.Steps[i];
                var state = steps[i];
                if (state.Status is PlaybookStepStatus.Succeeded or PlaybookStepStatus.Skipped || (state.Status == PlaybookStepStatus.Failed && step.ContinueOnError && state.FinishedAt is not null))
                {
                    ((JObject)document["steps"]!)[step.Id] = StepToken(state, outputs);
                    continue;
                }

                if (step.ApprovalRequired && state.Decision is null)
                {
                    if (!run.DryRun)
                    {
                        steps[i] = state with { Status = PlaybookStepStatus.AwaitingApproval };
                        run = run with { Status = PlaybookRunStatus.AwaitingApproval };
                        await SaveAsync();
                        LogHeld(logger, run.Id, step.Id);
                        return new PlaybookRunOutcome(run, outputs);
                    }

                    state = state with { Decision = "not asked in a dry run" };
                }

                var started = time.GetTimestamp();
                state = state with { Status = PlaybookStepStatus.Running, StartedAt = state.StartedAt ?? time.GetUtcNow() };
                if (step.When is not null && state.Parts is null && !PlaybookExpressions.IsTruthy(PlaybookExpressions.EvaluateExpression(PlaybookExpressions.Unwrap(step.When), document)))
                {
                    steps[i] = state with { Status = PlaybookStepStatus.Skipped, FinishedAt = time.GetUtcNow() };
                    steps[i] = steps[i] with { AuditId = await audit.RecordAsync(caller, $"playbook step {run.Playbook}/{step.Id}", run.Connection, AuditOutcome.Succeeded, time.GetElapsedTime(started), StepDetails(run, steps[i])) };
                    await SaveAsync();
                    ((JObject)document["steps"]!)[step.Id] = StepToken(steps[i], outputs);
                    continue;
                }

                var descriptor = catalog.Get(step.Action).Descriptor;
                if (state.Parts is null)
                {
                    state = state with { Parts = PlanParts(step, descriptor, document) };
                }

                steps[i] = state;
                await SaveAsync();
                var connectionName = step.Connection is null ? run.Connection : (PlaybookExpressions.Evaluate(JsonValue.Create(step.Connection), document)?.GetValue<string>() ?? run.Connection);
                var parts = state.Parts!.ToList();
                var liveOutputs = new JsonNode?[parts.Count];
                string? failure = null;
                var partsLock = new Lock();

                // One part: its end recorded in parts (under partsLock: list parts run side by side);
                // false when it failed and the step stops at a failure.
                async Task<bool> RunOnePartAsync(int index, CancellationToken partToken)
                {
                    try
                    {
                        var (output, auditId) = await RunPartAsync(descriptor, connectionName, parts[index], run.DryRun, caller, async jobId =>
                        {
                            lock (partsLock)
                            {
                                parts[index] = parts[index] with { JobId = jobId, Status = PlaybookStepStatus.Running };
                                steps[i] = steps[i] with { Parts = [.. parts] };
                            }

                            await SaveAsync();
                        }, partToken);
                        lock (partsLock)
                        {
                            liveOutputs[index] = output;
                            parts[index] = parts[index] with { Status = PlaybookStepStatus.Succeeded, Output = output?.DeepClone(), Error = null, AuditId = auditId };
                            steps[i] = steps[i] with { Parts = [.. parts] };
                        }

                        return true;
                    }
                    catch (Exception ex) when (ex is EntradaException && !partToken.IsCancellationRequested && ex is not JobCancelledException)
                    {
                        lock (partsLock)
                        {
                            parts[index] = parts[index] with { Status = PlaybookStepStatus.Failed, Error = ex.Message };
                            steps[i] = steps[i] with { Parts = [.. parts] };
                            failure ??= ex.Message;
                        }

                        return step.ContinueOnError;
                    }
                }

                var pending = Enumerable.Range(0, parts.Count).Where(p => parts[p].Status != PlaybookStepStatus.Succeeded).ToList();
                foreach (var p in Enumerable.Range(0, parts.Count).Except(pending))
                {
                    liveOutputs[p] = parts[p].Output?.DeepClone();
                }

                if (descriptor.IsList && pending.Count > 1)
                {
                    // A foreach over a list action (a read per element: users.tap.list for 2,000 users)
                    // runs ConcurrentReads elements at a time, and their ends are saved at most once a
                    // second rather than after each: a read whose end was not saved when the process
                    // stopped is read again on resume, which changes nothing.
                    using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var saved = time.GetTimestamp();
                    try
                    {
                        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentReads, CancellationToken = stop.Token }, async (p, partToken) =>
                        {
                            try
                            {
                                if (!await RunOnePartAsync(p, partToken))
                                {
                                    await stop.CancelAsync();
                                    return;
                                }
                            }
                            catch (Exception) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                            {
                                // Stopped because another part failed: this one stays pending.
                                return;
                            }

                            if (time.GetElapsedTime(Interlocked.Read(ref saved)) >= TimeSpan.FromSeconds(1))
                            {
                                Interlocked.Exchange(ref saved, time.GetTimestamp());
                                await SaveAsync();
                            }
                        });
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && failure is not null)
                    {
                        // A part failed and the step stops there: the parts not started stay pending.
                    }

                    await SaveAsync();
                }
                else
                {
                    foreach (var p in pending)
                    {
                        var goOn = await RunOnePartAsync(p, cancellationToken);
                        await SaveAsync();
                        if (!goOn)
                        {
                            break;
                        }
                    }
                }

                var combined = Combine(step, descriptor, parts, liveOutputs);
                var (done, unchanged, failed) = Counts(parts, liveOutputs);
                steps[i] = steps[i] with
                {
                    Status = failure is null ? PlaybookStepStatus.Succeeded : PlaybookStepStatus.Failed,
                    Output = combined,
                    Done = done,
                    Unchanged = unchanged,
                    Failed = failed,
                    Error = failure,
                    FinishedAt = time.GetUtcNow(),
                };
                outputs[step.Id] = combined;
                steps[i] = steps[i] with
                {
                    AuditId = await audit.RecordAsync(caller, $"playbook step {run.Playbook}/{step.Id}", connectionName, failure is null ? (run.DryRun ? AuditOutcome.DryRun : AuditOutcome.Succeeded) : AuditOutcome.Failed, time.GetElapsedTime(started), StepDetails(run, steps[i]), failure),
                };
                ((JObject)document["steps"]!)[step.Id] = StepToken(steps[i], outputs);
                if (failure is not null && !step.ContinueOnError)
                {
                    run = run with { Status = PlaybookRunStatus.Failed, Error = $"Step '{step.Id}' ({step.Action}) failed: {failure}", FinishedAt = time.GetUtcNow() };
                    await SaveAsync();
                    run = run with { AuditId = await RunAuditAsync(run, caller, AuditOutcome.Failed, run.Error) };
                    await SaveAsync();
                    return new PlaybookRunOutcome(run, outputs);
                }

                await SaveAsync();
            }

            run = run with { Status = PlaybookRunStatus.Succeeded, FinishedAt = time.GetUtcNow(), Error = null };
            await SaveAsync();
            run = run with { AuditId = await RunAuditAsync(run, caller, run.DryRun ? AuditOutcome.DryRun : AuditOutcome.Succeeded, null) };
            await SaveAsync();
            return new PlaybookRunOutcome(run, outputs);
        }
        catch (Exception ex) when (ex is OperationCanceledException or JobCancelledException)
        {
            run = run with { Status = PlaybookRunStatus.Cancelled, Error = "The run was cancelled; resume it to go on from where it stopped.", Steps = [.. steps] };
            await store.SaveAsync(run, CancellationToken.None);
            await RunAuditAsync(run, caller, AuditOutcome.Cancelled, run.Error);
            throw;
        }
        catch (EntradaException ex)
        {
            // An expression that failed, a step whose parts could not be planned …: the run fails here.
            run = run with { Status = PlaybookRunStatus.Failed, Error = ex.Message, FinishedAt = time.GetUtcNow(), Steps = [.. steps.Select(s => s.Status == PlaybookStepStatus.Running && s.Parts is null ? s with { Status = PlaybookStepStatus.Failed, Error = ex.Message } : s)] };
            await store.SaveAsync(run, CancellationToken.None);
            run = run with { AuditId = await RunAuditAsync(run, caller, AuditOutcome.Failed, ex.Message) };
            await store.SaveAsync(run, CancellationToken.None);
            return new PlaybookRunOutcome(run, outputs);
        }
        finally
        {
            gate.Dispose();
        }
    }

    /// <summary>
    /// A step's parts: one without foreach; with foreach one per element — except for a bulk
    /// action, whose elements' items go into one bulk list per distinct rest of the input.
    /// </summary>
    private List<PlaybookStepPart> PlanParts(PlaybookStep step, ActionDescriptor descriptor, JObject document)
    {
        var inputs = new List<(JsonNode? Input, string? Label, JsonNode? Item)>();
        if (step.Foreach is null)
        {
            inputs.Add((PlaybookExpressions.Evaluate(step.Input, document), null, null));
        }
        else
        {
            var list = PlaybookExpressions.EvaluateExpression(PlaybookExpressions.Unwrap(step.Foreach), document);
            if (list is not null and not JsonArray)
            {
                throw new EntradaValidationException($"steps.{step.Id}.foreach", $"foreach of step '{step.Id}' gave {list.GetValueKind().ToString().ToLowerInvariant()}, not a list.");
            }

            foreach (var element in (JsonArray?)list ?? [])
            {
                document["item"] = PlaybookExpressions.ToToken(element);
                inputs.Add((PlaybookExpressions.Evaluate(step.Input, document), element is JsonValue v && v.TryGetValue<string>(out var s) ? s : element?.ToJsonString(), element?.DeepClone()));
            }

            document.Remove("item");
        }

        if (descriptor.Bulk && step.Foreach is not null && inputs.Count > 0)
        {
            inputs = [.. MergeBulk(descriptor, inputs.Select(i => i.Input).ToList()).Select(m => (m.Input, m.Label, (JsonNode?)null))];
        }

        return [.. inputs.Select((p, index) => new PlaybookStepPart
        {
            Index = index,
            Label = p.Label,
            Item = p.Item,
            SealedInput = Seal(p.Input),
            Status = PlaybookStepStatus.Pending,
        })];
    }

    private static IEnumerable<(JsonNode? Input, string? Label)> MergeBulk(ActionDescriptor descriptor, List<JsonNode?> inputs)
    {
        var groups = new List<(string Key, JsonObject Others, string Field, List<string> Items)>();
        foreach (var input in inputs)
        {
            if (input is not JsonObject obj || BulkField(descriptor, obj) is not { } field)
            {
                // Not bindable: the action refuses it with its own message when the part runs.
                groups.Add((Guid.NewGuid().ToString(), input as JsonObject ?? [], string.Empty, []));
                continue;
            }

            var rest = (JsonObject)obj.DeepClone();
            var items = ((JsonArray)rest[field]!).Select(e => e!.GetValue<string>()).ToList();
            rest.Remove(field);
            var key = field + "|" + rest.ToJsonString();
            var group = groups.FindIndex(g => g.Key == key);
            if (group < 0)
            {
                groups.Add((key, rest, field, items));
            }
            else
            {
                groups[group].Items.AddRange(items);
            }
        }

        foreach (var (_, rest, field, items) in groups)
        {
            if (field.Length == 0)
            {
                yield return (rest, null);
                continue;
            }

            var merged = (JsonObject)rest.DeepClone();
            var distinct = items.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            merged[field] = new JsonArray([.. distinct.Select(i => (JsonNode?)JsonValue.Create(i))]);
            yield return (merged, $"{distinct.Count} item(s)");
        }
    }

    /// <summary>The input field that holds a bulk action's items.</summary>
    private static string? BulkField(ActionDescriptor descriptor, JsonObject input)
    {
        IReadOnlyList<string> items;
        try
        {
            if (ActionInput.Bind(descriptor, input) is not IBulkInput bulk)
            {
                return null;
            }

            items = bulk.BulkItems;
        }
        catch (EntradaException)
        {
            return null;
        }

        return input.FirstOrDefault(p => p.Value is JsonArray list && list.Count == items.Count
            && list.Select((e, i) => e is JsonValue v && v.TryGetValue<string>(out var s) && string.Equals(s.Trim(), items[i]?.Trim(), StringComparison.OrdinalIgnoreCase)).All(x => x)).Key;
    }

    private async Task<(JsonNode? Output, long? AuditId)> RunPartAsync(ActionDescriptor descriptor, string connection, PlaybookStepPart part, bool dryRun, Caller caller, Func<string, Task> onJob, CancellationToken cancellationToken)
    {
        var input = Open(part.SealedInput);
        if (part.JobId is { } jobId && !dryRun)
        {
            var job = await jobs.GetAsync(jobId, cancellationToken);
            if (job.Status == JobStatus.Completed)
            {
                // It finished before the process stopped: its items are its output.
                var finished = await jobs.ItemsAsync(jobId, null, cancellationToken);
                return (BulkOutput(finished), null);
            }

            var claimed = await runner.ResumableJobAsync(jobId, cancellationToken);
            var resumed = await runner.ResumeAsync(claimed, caller, null, cancellationToken);
            return (JsonSerializer.SerializeToNode(resumed.Value, EntradaJson.Default), resumed.AuditId);
        }

        var items = new JsonArray();
        var result = await runner.RunAsync(
            new ActionRunRequest(descriptor.Id, connection, input)
            {
                DryRun = dryRun && descriptor.Destructive,
                Caller = caller,
                OnJobStarted = async (id, _) => await onJob(id),
            },
            descriptor.IsList ? (item, _) =>
            {
                if (items.Count < MaxListItemsKept)
                {
                    items.Add(JsonSerializer.SerializeToNode(item, EntradaJson.Default));
                }

                return ValueTask.CompletedTask;
            } : null,
            cancellationToken);
        if (result.DryRun)
        {
            return (new JsonObject
            {
                ["dryRun"] = true,
                ["requests"] = JsonSerializer.SerializeToNode(result.PlannedRequests, EntradaJson.Default),
                ["result"] = JsonSerializer.SerializeToNode(result.Value, EntradaJson.Default),
            }, result.AuditId);
        }

        return (descriptor.IsList ? items : JsonSerializer.SerializeToNode(result.Value, EntradaJson.Default), result.AuditId);
    }

    private static JsonObject BulkOutput(IReadOnlyList<JobItem> items) => new()
    {
        ["done"] = items.Count(i => i.State == JobItemState.Done),
        ["unchanged"] = items.Count(i => i.State == JobItemState.Unchanged),
        ["failed"] = items.Count(i => i.State == JobItemState.Failed),
        ["items"] = new JsonArray([.. items.OrderBy(i => i.Index).Select(i => (JsonNode?)new JsonObject
        {
            ["id"] = i.Item,
            ["outcome"] = i.State.ToWire(),
            ["message"] = i.Message,
        })]),
    };

    /// <summary>A step's output: its one part's, or its parts' together (bulk results merged; other outputs listed).</summary>
    private static JsonNode? Combine(PlaybookStep step, ActionDescriptor descriptor, List<PlaybookStepPart> parts, JsonNode?[] outputs)
    {
        if (step.Foreach is null && parts.Count == 1)
        {
            return outputs[0]?.DeepClone();
        }

        if (outputs.Length > 0 && outputs.All(o => o is JsonObject obj && obj["dryRun"] is JsonValue flag && flag.GetValue<bool>()))
        {
            // A dry run: every part's planned requests together, and what each part would do.
            return new JsonObject
            {
                ["dryRun"] = true,
                ["requests"] = new JsonArray([.. outputs.SelectMany(o => ((JsonArray?)o!["requests"])?.Select(r => r?.DeepClone()) ?? [])]),
                ["results"] = new JsonArray([.. parts.Select((part, i) => (JsonNode?)new JsonObject { ["item"] = part.Item?.DeepClone(), ["result"] = outputs[i]!["result"]?.DeepClone() })]),
            };
        }

        if (descriptor.Bulk && outputs.All(o => o is JsonObject obj && obj["items"] is JsonArray))
        {
            var merged = new JsonObject { ["done"] = 0, ["unchanged"] = 0, ["failed"] = 0, ["items"] = new JsonArray() };
            foreach (var output in outputs.OfType<JsonObject>())
            {
                foreach (var count in new[] { "done", "unchanged", "failed" })
                {
                    merged[count] = merged[count]!.GetValue<int>() + (output[count]?.GetValue<int>() ?? 0);
                }

                foreach (var item in (JsonArray)output["items"]!)
                {
                    ((JsonArray)merged["items"]!).Add(item?.DeepClone());
                }
            }

            return merged;
        }

        // One run per element: each element with what its run gave.
        return new JsonArray([.. parts.Select((part, i) =>
        {
            var entry = new JsonObject { ["item"] = part.Item?.DeepClone(), ["output"] = outputs[i]?.DeepClone() };
            if (part.Error is not null)
            {
                entry["error"] = part.Error;
            }

            return (JsonNode?)entry;
        })]);
    }

    private static (int Done, int Unchanged, int Failed) Counts(List<PlaybookStepPart> parts, JsonNode?[] outputs)
    {
        int done = 0, unchanged = 0, failed = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            if (parts[i].Status == PlaybookStepStatus.Failed)
            {
                failed++;
                continue;
            }

            if (outputs[i] is JsonObject obj && obj["items"] is JsonArray && obj["done"] is JsonValue)
            {
                done += obj["done"]!.GetValue<int>();
                unchanged += obj["unchanged"]?.GetValue<int>() ?? 0;
                failed += obj["failed"]?.GetValue<int>() ?? 0;
            }
            // A sent action's output may say "dryRun": false; only true marks a dry run's plan.
            else if (parts[i].Status == PlaybookStepStatus.Succeeded && !(outputs[i] is JsonObject plan && plan["dryRun"] is JsonValue dryRun && dryRun.GetValueKind() == JsonValueKind.True))
            {
                done++;
            }
        }

        return (done, unchanged, failed);
    }

    private static JToken StepToken(PlaybookStepState state, Dictionary<string, JsonNode?> outputs) => new JObject
    {
        ["status"] = state.Status.ToWire(),
        ["output"] = PlaybookExpressions.ToToken(outputs.TryGetValue(state.Id, out var live) ? live : state.Output),
        ["done"] = state.Done,
        ["unchanged"] = state.Unchanged,
        ["failed"] = state.Failed,
    };

    private static JsonObject StepDetails(PlaybookRunRecord run, PlaybookStepState step) => new()
    {
        ["playbookRun"] = run.Id,
        ["playbook"] = run.Playbook,
        ["step"] = step.Id,
        ["action"] = step.Action,
        ["status"] = step.Status.ToWire(),
        ["dryRun"] = run.DryRun,
        ["parts"] = step.Parts?.Count ?? 0,
        ["done"] = step.Done,
        ["unchanged"] = step.Unchanged,
        ["failed"] = step.Failed,
        ["jobIds"] = new JsonArray([.. (step.Parts ?? []).Select(p => p.JobId).OfType<string>().Select(j => (JsonNode?)j)]),
        ["actionAuditIds"] = new JsonArray([.. (step.Parts ?? []).Select(p => p.AuditId).OfType<long>().Take(50).Select(a => (JsonNode?)a)]),
        ["decision"] = step.Decision,
        ["decidedBy"] = step.DecidedBy,
    };

    private Task<long> RunAuditAsync(PlaybookRunRecord run, Caller caller, AuditOutcome outcome, string? error) =>
        audit.RecordAsync(caller, $"playbook run {run.Playbook}", run.Connection, outcome, (run.FinishedAt ?? time.GetUtcNow()) - run.CreatedAt, new JsonObject
        {
            ["playbookRun"] = run.Id,
            ["playbook"] = run.Playbook,
            ["dryRun"] = run.DryRun,
            ["input"] = SecretMasking.MaskUntyped(run.Input),
            ["steps"] = new JsonArray([.. run.Steps.Select(s => (JsonNode?)new JsonObject
            {
                ["step"] = s.Id,
                ["status"] = s.Status.ToWire(),
                ["auditId"] = s.AuditId,
                ["decision"] = s.Decision,
                ["decidedBy"] = s.DecidedBy,
                ["decidedAt"] = s.DecidedAt?.ToString("O", CultureInfo.InvariantCulture),
            })]),
        }, error);

    private async Task RenewQuietlyAsync(string id)
    {
        try
        {
            await store.RenewAsync(id, CancellationToken.None);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or ObjectDisposedException)
        {
            // Retried at the next tick or checkpoint; the lease outlasts several.
        }
    }

    private static JsonNode? MaskInputs(PlaybookDefinition definition, JsonObject input)
    {
        var masked = (JsonObject)SecretMasking.MaskUntyped(input)!;
        foreach (var declared in definition.Inputs.Where(i => i.IsSecret))
        {
            if (masked.ContainsKey(declared.Name))
            {
                masked[declared.Name] = SecretMasking.Mask;
            }
        }

        return masked;
    }

    private string Seal(JsonNode? input) =>
        protector.Protect(Purpose, new Dictionary<string, Secret> { ["input"] = new(input?.ToJsonString() ?? "null") });

    private JsonNode? Open(string? sealedInput) =>
        sealedInput is null ? null : JsonNode.Parse(protector.Unprotect(Purpose, sealedInput)["input"].Reveal());

    [LoggerMessage(Level = LogLevel.Information, Message = "Playbook run {RunId} waits for approval of step {Step}")]
    private static partial void LogHeld(ILogger logger, string runId, string step);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Background playbook run {RunId} ended with: {Error}")]
    private static partial void LogBackgroundEnded(ILogger logger, string runId, string error);
}

/// <summary>The run does not wait for a decision.</summary>
public sealed class PlaybookRunNotAwaitingException(PlaybookRunRecord run)
    : EntradaException($"Playbook run '{run.Id}' is {run.Status.ToWire()}, not waiting for approval.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Conflict;
}
