using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Entrada.Core.Playbooks;

/// <summary>The states of a playbook run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PlaybookRunStatus>))]
public enum PlaybookRunStatus
{
    /// <summary>Running its steps.</summary>
    [JsonStringEnumMemberName("running")]
    Running,
    /// <summary>Held before a step that needs a person's approval.</summary>
    [JsonStringEnumMemberName("awaiting-approval")]
    AwaitingApproval,
    /// <summary>Every step finished (or, in a dry run, was planned).</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,
    /// <summary>A step failed; resuming retries from it.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
    /// <summary>A person rejected a step; the run ended there.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,
    /// <summary>It was cancelled; resuming continues from where it stopped.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
    /// <summary>The process that ran it stopped while it ran; resuming continues from its checkpoints.</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,
}

/// <summary>The states of one step of a playbook run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PlaybookStepStatus>))]
public enum PlaybookStepStatus
{
    /// <summary>Not started.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,
    /// <summary>Running (or stopped mid-way, when the run was interrupted).</summary>
    [JsonStringEnumMemberName("running")]
    Running,
    /// <summary>Finished.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,
    /// <summary>Failed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
    /// <summary>Its <c>when</c> was false.</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,
    /// <summary>Waiting for a person's approval.</summary>
    [JsonStringEnumMemberName("awaiting-approval")]
    AwaitingApproval,
    /// <summary>A person rejected it.</summary>
    [JsonStringEnumMemberName("rejected")]
    Rejected,
}

/// <summary>
/// One run of a step's action: a step runs once, once per <c>foreach</c> element, or — for a bulk
/// action — once per distinct rest of its input with the elements' items in one bulk list.
/// </summary>
public sealed record PlaybookStepPart
{
    /// <summary>Its position in the step.</summary>
    public int Index { get; init; }
    /// <summary>What it acts on, for people (the item, or the count of a bulk list).</summary>
    public string? Label { get; init; }
    /// <summary>The <c>foreach</c> element it runs for (none for a merged bulk part).</summary>
    public JsonNode? Item { get; init; }
    /// <summary>The action's input, sealed (encrypted): a resume sends exactly it.</summary>
    public string? SealedInput { get; init; }
    /// <summary>How it stands.</summary>
    public PlaybookStepStatus Status { get; init; }
    /// <summary>A bulk part's durable job, once made.</summary>
    public string? JobId { get; init; }
    /// <summary>The action's output, secrets masked.</summary>
    public JsonNode? Output { get; init; }
    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }
    /// <summary>The action run's audit record.</summary>
    public long? AuditId { get; init; }
}

/// <summary>How one step of a playbook run stands.</summary>
public sealed record PlaybookStepState
{
    /// <summary>The step's id.</summary>
    public required string Id { get; init; }
    /// <summary>Its action.</summary>
    public required string Action { get; init; }
    /// <summary>How it stands.</summary>
    public PlaybookStepStatus Status { get; init; }
    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>Its parts, fixed when it starts.</summary>
    public IReadOnlyList<PlaybookStepPart>? Parts { get; init; }
    /// <summary>Its output (one part's output, or the parts' outputs together), secrets masked.</summary>
    public JsonNode? Output { get; init; }
    /// <summary>Bulk items changed.</summary>
    public int Done { get; init; }
    /// <summary>Bulk items that needed no change.</summary>
    public int Unchanged { get; init; }
    /// <summary>Bulk items, or parts, that failed.</summary>
    public int Failed { get; init; }
    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }
    /// <summary>Whether a person must approve it first.</summary>
    public bool ApprovalRequired { get; init; }
    /// <summary>Who approved or rejected it, through which edge.</summary>
    public string? DecidedBy { get; init; }
    /// <summary>When it was approved or rejected.</summary>
    public DateTimeOffset? DecidedAt { get; init; }
    /// <summary><c>approved</c> or <c>rejected</c>, once decided.</summary>
    public string? Decision { get; init; }
    /// <summary>Why it was rejected, when a reason was given.</summary>
    public string? Reason { get; init; }
    /// <summary>The step's audit record.</summary>
    public long? AuditId { get; init; }
}

/// <summary>A playbook run: its playbook, input, connection and every step's state.</summary>
public sealed record PlaybookRunRecord
{
    /// <summary>Its id (<c>pbr_…</c>).</summary>
    public required string Id { get; init; }
    /// <summary>The playbook's id.</summary>
    public required string Playbook { get; init; }
    /// <summary>The connection's name.</summary>
    public required string Connection { get; init; }
    /// <summary>Who started it.</summary>
    [JsonIgnore]
    public Caller Caller { get; init; } = new(CallerInterface.Cli, null);
    /// <summary>The edge that started it.</summary>
    public CallerInterface Interface => Caller.Interface;
    /// <summary>Who started it.</summary>
    public string? Actor => Caller.Actor;
    /// <summary>A dry run: reads run, writes are planned.</summary>
    public bool DryRun { get; init; }
    /// <summary>How it stands.</summary>
    public PlaybookRunStatus Status { get; init; }
    /// <summary>The inputs, secrets masked.</summary>
    public JsonNode? Input { get; init; }
    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<PlaybookStepState> Steps { get; init; } = [];
    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }
    /// <summary>The run's audit record, once it ended.</summary>
    public long? AuditId { get; init; }
    /// <summary>When it started.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>The YAML as run, so a resume runs the same steps.</summary>
    [JsonIgnore]
    public string Definition { get; init; } = string.Empty;
    /// <summary>The input as given, sealed.</summary>
    [JsonIgnore]
    public string SealedInput { get; init; } = string.Empty;
    /// <summary>The status and change stamp as stored, to claim the run only if nobody changed it meanwhile.</summary>
    [JsonIgnore]
    internal string StoredStamp { get; init; } = string.Empty;
    /// <summary>The status as stored (a running run whose owner died reads as interrupted).</summary>
    [JsonIgnore]
    internal string StoredStatus { get; init; } = string.Empty;
}
