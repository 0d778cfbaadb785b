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
/// What an action gets to do its work: the connection (secrets included, revealed only at use),
/// services of the method's assembly (Graph client cache, LDAP session factory …), the clock,
/// a logger, and the dry-run switch with a place to record what would be sent.
/// </summary>
public sealed class ActionContext
{
    private readonly ConcurrentQueue<PlannedRequest> _planned = new();
    private readonly ConcurrentQueue<string> _requestIds = new();

    public ActionContext(Connection connection, IServiceProvider services)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Services = services ?? throw new ArgumentNullException(nameof(services));
    }

    /// <summary>The connection the action runs on.</summary>
    public Connection Connection { get; }

    /// <summary>Services registered by the method's assembly.</summary>
    public IServiceProvider Services { get; }

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

    /// <summary>Records a request that a dry run would have sent, its secret values (passwords …) masked as the audit masks them.</summary>
    public void Plan(string method, string target, JsonNode? body = null) =>
        _planned.Enqueue(new PlannedRequest(method, target, body is null ? null : Audit.AuditMasking.Apply(body)));

    /// <summary>Notes a service request id for the audit record.</summary>
    public void NoteRequestId(string requestId)
    {
        if (!string.IsNullOrEmpty(requestId) && _requestIds.Count < 1000)
        {
            _requestIds.Enqueue(requestId);
        }
    }
}
