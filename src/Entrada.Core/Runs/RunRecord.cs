using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Entrada.Core.Actions;

namespace Entrada.Core.Runs;

/// <summary>Why a run failed: the kind of failure, what went wrong and what to do, and validation errors by input field.</summary>
/// <param name="Kind">What kind of failure it was; each edge words it (an exit code, an HTTP status).</param>
/// <param name="Detail">What went wrong and what to do.</param>
/// <param name="Errors">Validation errors by input field.</param>
public sealed record RunProblem(ErrorKind Kind, string? Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>The next step the failure named, if any.</summary>
    public NextStep? Next { get; init; }

    /// <summary>The problem of an Entrada error.</summary>
    public static RunProblem From(EntradaException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var errors = exception switch
        {
            EntradaValidationException v => v.Errors
                .GroupBy(e => e.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal),
            ConnectionNameImmutableException n => new Dictionary<string, string[]> { ["name"] = [n.Message] },
            _ => null,
        };
        return new RunProblem(exception.Kind, exception.Message, errors) { Next = exception.Next };
    }
}

/// <summary>
/// One run of an action, from any edge. Its input and output are kept for the history with
/// secret-looking fields masked; the edge that ran it gets the output as is.
/// </summary>
public sealed record RunRecord
{
    /// <summary>Its id (<c>run_…</c>).</summary>
    public required string Id { get; init; }
    /// <summary>The action's id.</summary>
    public required string Action { get; init; }
    /// <summary>The connection's exact name.</summary>
    public required string Connection { get; init; }
    /// <summary>Who ran it, through which edge.</summary>
    [JsonIgnore]
    public required Caller Caller { get; init; }
    /// <summary>The edge it came through.</summary>
    public CallerInterface Interface => Caller.Interface;
    /// <summary>Who ran it.</summary>
    public string? Actor => Caller.Actor;
    /// <summary>How it stands.</summary>
    public required RunStatus Status { get; init; }
    /// <summary>Whether it was a dry run.</summary>
    public bool DryRun { get; init; }
    /// <summary>The input.</summary>
    public JsonNode? Input { get; init; }
    /// <summary>The output: a single result, a list action's items, or a dry run's requests.</summary>
    public JsonNode? Output { get; init; }
    /// <summary>How many items a list action produced.</summary>
    public long ItemCount { get; init; }
    /// <summary>Whether the output keeps only the first items.</summary>
    public bool OutputTruncated { get; init; }
    /// <summary>Why it failed.</summary>
    public RunProblem? Problem { get; init; }
    /// <summary>While it runs: its progress.</summary>
    public ActionProgress? Progress { get; init; }
    /// <summary>Its audit record.</summary>
    public long? AuditId { get; init; }
    /// <summary>For a bulk action: its durable job, known from the moment the job is made.</summary>
    public string? JobId { get; init; }
    /// <summary>When it started.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How long it ran, once finished.</summary>
    public long? DurationMs => FinishedAt is { } f ? (long)(f - CreatedAt).TotalMilliseconds : null;

    /// <summary>Whether it is over.</summary>
    public bool Finished => Status is not (RunStatus.Running or RunStatus.WaitingForRunner);
}

/// <summary>No run has the given id.</summary>
public sealed class RunNotFoundException(string id)
    : EntradaException($"There is no run '{id}'.", next: new NextStep(NextStepKind.ListRuns))
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}

/// <summary>The run is running in another process, which alone can stop it.</summary>
public sealed class RunElsewhereException(string id)
    : EntradaException($"Run '{id}' is running in another process; stop it there (Ctrl+C), or cancel its job if it has one.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Conflict;
}
