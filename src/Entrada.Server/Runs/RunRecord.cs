using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;

namespace Entrada.Server.Runs;

/// <summary>The states of a run.</summary>
internal static class RunStatuses
{
    /// <summary>Still running: poll <c>GET /api/v1/runs/{id}</c>.</summary>
    public const string Running = "running";
    /// <summary>It finished and did what was asked (or, in a dry run, planned it).</summary>
    public const string Succeeded = "succeeded";
    /// <summary>It failed; <see cref="RunRecord.Problem"/> says why.</summary>
    public const string Failed = "failed";
    /// <summary>It was cancelled.</summary>
    public const string Cancelled = "cancelled";
    /// <summary>The server stopped while it ran.</summary>
    public const string Interrupted = "interrupted";
}

/// <summary>Why a run failed, as the problem details the API returns for it.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Title">A short title.</param>
/// <param name="Detail">What went wrong and what to do.</param>
/// <param name="Errors">Validation errors by input field.</param>
internal sealed record RunProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors = null);

/// <summary>
/// One run of an action through the API or the pages. Its output is kept for the history with
/// secret-looking fields masked; the response to the request that ran it carries the output as is.
/// </summary>
internal sealed record RunRecord
{
    public required string Id { get; init; }
    public required string Action { get; init; }
    public required string Connection { get; init; }
    public required string Interface { get; init; }
    public string? Actor { get; init; }
    public required string Status { get; init; }
    public bool DryRun { get; init; }
    public JsonNode? Input { get; init; }
    public JsonNode? Output { get; init; }
    public long ItemCount { get; init; }
    public bool OutputTruncated { get; init; }
    public RunProblem? Problem { get; init; }
    public ActionProgress? Progress { get; init; }
    public long? AuditId { get; init; }

    /// <summary>For a bulk action: its durable job, known from the moment the job is made.</summary>
    public string? JobId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How long it ran, once finished.</summary>
    public long? DurationMs => FinishedAt is { } f ? (long)(f - CreatedAt).TotalMilliseconds : null;

    /// <summary>Whether it is over.</summary>
    public bool Finished => Status != RunStatuses.Running;
}

/// <summary>No run has the given id.</summary>
internal sealed class RunNotFoundException(string id)
    : EntradaException($"There is no run '{id}'. List recent runs with GET /api/v1/runs.")
{
    /// <inheritdoc />
    public override int ExitCode => ExitCodes.InvalidInput;
}
