using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Entrada.Core.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Entrada.Core.Actions;

/// <summary>A request an action would send, recorded in a dry run.</summary>
/// <param name="Method">HTTP method or LDAP operation.</param>
/// <param name="Target">URL or DN.</param>
/// <param name="Body">The body or changes, secrets masked.</param>
public sealed record PlannedRequest(string Method, string Target, JsonNode? Body);

/// <summary>Progress of a long or bulk action.</summary>
/// <param name="Done">Items finished (succeeded, unchanged or failed).</param>
/// <param name="Total">Items in all, when known.</param>
/// <param name="Message">What is happening now (waiting for throttling …).</param>
public sealed record ActionProgress(long Done, long? Total, string? Message = null)
{
    /// <summary>Requests sent again after a transient failure, so far.</summary>
    public long Retries { get; init; }

    /// <summary>Time spent waiting because the service throttled, so far.</summary>
    public TimeSpan ThrottleWait { get; init; }
}

/// <summary>
/// What an action gets for its run: the connection (secrets included, revealed only at use), who
/// asked, the clock, a logger, progress, the durable job of a bulk run, and the dry-run switch with
/// a place to record what would be sent. A method's assembly extends it with what its actions need
/// (the connection's Graph client …) through an <see cref="IActionContextFactory"/>; nothing is
/// looked up from a service provider.
/// </summary>
public class ActionContext
{
    private readonly ConcurrentQueue<PlannedRequest> _planned = new();
    private readonly ConcurrentQueue<string> _requestIds = new();

    /// <summary>A context for a run on <paramref name="connection"/> asked for by <paramref name="caller"/>.</summary>
    public ActionContext(Connection connection, Caller caller)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Caller = caller ?? throw new ArgumentNullException(nameof(caller));
    }

    /// <summary>A context with the same run settings as <paramref name="basis"/> (for a method's own context type).</summary>
    protected ActionContext(ActionContext basis)
    {
        ArgumentNullException.ThrowIfNull(basis);
        Connection = basis.Connection;
        Caller = basis.Caller;
        DryRun = basis.DryRun;
        Time = basis.Time;
        Logger = basis.Logger;
        Job = basis.Job;
        Progress = basis.Progress;
    }

    /// <summary>The connection the action runs on.</summary>
    public Connection Connection { get; }

    /// <summary>Who asked for the run.</summary>
    public Caller Caller { get; }

    /// <summary>When true, send nothing that changes state; record it with <see cref="Plan"/> instead.</summary>
    public bool DryRun { get; init; }

    /// <summary>The clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The action's logger.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>For a bulk action run as a durable job: the job's items and checkpoints; null otherwise.</summary>
    public Jobs.JobTracker? Job { get; init; }

    /// <summary>Receives progress of long or bulk work; may be null.</summary>
    public IProgress<ActionProgress>? Progress { get; init; }

    /// <summary>Requests recorded in a dry run, in order.</summary>
    public IReadOnlyCollection<PlannedRequest> PlannedRequests => _planned;

    /// <summary>Service request ids (Graph <c>request-id</c>) seen, for the audit record.</summary>
    public IReadOnlyCollection<string> RequestIds => _requestIds;

    /// <summary>
    /// Records a request that a dry run would have sent, its secret values (passwords, values of
    /// secret LDAP attributes …) masked by <see cref="Secrets.SecretMasking"/>.
    /// </summary>
    public void Plan(string method, string target, JsonNode? body = null) =>
        _planned.Enqueue(new PlannedRequest(method, target, Secrets.SecretMasking.MaskUntyped(body)));

    /// <summary>Notes a service request id for the audit record.</summary>
    public void NoteRequestId(string requestId)
    {
        if (!string.IsNullOrEmpty(requestId) && _requestIds.Count < 1000)
        {
            _requestIds.Enqueue(requestId);
        }
    }
}

/// <summary>
/// Makes the context of a method's actions from the run's basic context (a Graph action's
/// carries the connection's Graph client). Each method's assembly registers one for its target.
/// </summary>
public interface IActionContextFactory
{
    /// <summary>The actions whose contexts it makes.</summary>
    ActionTarget Target { get; }

    /// <summary>The context for one run.</summary>
    ActionContext Create(ActionContext basis);
}
