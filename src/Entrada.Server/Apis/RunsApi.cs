using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Server.Apis;

/// <summary>A run as the API shows it.</summary>
internal sealed record RunView
{
    public required string Id { get; init; }
    public required string Action { get; init; }
    public required string Connection { get; init; }
    [Description("running, succeeded, failed, cancelled or interrupted.")]
    public required RunStatus Status { get; init; }
    public bool DryRun { get; init; }
    [Description("cli, api or web.")]
    public required CallerInterface Interface { get; init; }
    public string? Actor { get; init; }
    [Description("The input, secret-looking fields masked.")]
    public JsonNode? Input { get; init; }
    [Description("The result: the value of a single-result action, the items of a list action, or a dry run's requests.")]
    public JsonNode? Output { get; init; }
    [Description("For a list action, how many items it produced.")]
    public long? ItemCount { get; init; }
    [Description("Whether the output keeps only the first items.")]
    public bool? OutputTruncated { get; init; }
    [Description("While running: items done and what is happening.")]
    public ActionProgress? Progress { get; init; }
    [Description("Why it failed, as problem details.")]
    public ProblemDetails? Problem { get; init; }
    public long? AuditId { get; init; }
    [Description("For a bulk action: the id of its durable job, from the moment the job is made.")]
    public string? JobId { get; init; }
    [Description("For a bulk action: where to follow its job item by item (/api/v1/jobs/{jobId}).")]
    public string? JobHref { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public long? DurationMs { get; init; }
    [Description("Where to poll this run.")]
    public required string Href { get; init; }

    public static RunView From(RunRecord r, bool withOutput = true)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new()
        {
            Id = r.Id,
            Action = r.Action,
            Connection = r.Connection,
            Status = r.Status,
            DryRun = r.DryRun,
            Interface = r.Interface,
            Actor = r.Actor,
            Input = r.Input,
            Output = withOutput ? r.Output : null,
            ItemCount = r.Output is JsonArray || r.ItemCount > 0 ? r.ItemCount : null,
            OutputTruncated = r.OutputTruncated ? true : null,
            Progress = r.Progress,
            Problem = r.Problem is { } p ? ProblemOf(r, p) : null,
            AuditId = r.AuditId,
            JobId = r.JobId,
            JobHref = r.JobId is { } jobId ? JobsApi.HrefOf(jobId) : null,
            CreatedAt = r.CreatedAt,
            FinishedAt = r.FinishedAt,
            DurationMs = r.DurationMs,
            Href = HrefOf(r.Id),
        };
    }

    /// <summary>Where the API shows a run.</summary>
    public static string HrefOf(string runId) => $"/api/v1/runs/{Uri.EscapeDataString(runId)}";

    /// <summary>The problem details of a failed run, with its id.</summary>
    public static ProblemDetails ProblemOf(RunRecord run, RunProblem problem)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(problem);
        var details = Problems.From(problem);
        details.Extensions["runId"] = run.Id;
        return details;
    }
}

/// <summary><c>/api/v1/runs</c>: the runs of actions, to poll and to look back at.</summary>
internal static class RunsApi
{
    public static RouteGroupBuilder MapRunsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/runs").WithTags("Runs");
        group.MapGet("/", ListAsync).WithSummary("Lists recent runs, newest first (without their outputs).");
        group.MapGet("/{id}", GetAsync).WithSummary("Gets a run: its status, progress while it runs, and its output once finished.");
        group.MapPost("/{id}/cancel", CancelAsync).WithSummary("Asks a running run to stop.");
        return group;
    }

    private static async Task<Ok<RunView[]>> ListAsync(string? connection, string? action, int? limit, RunService runs, CancellationToken cancellationToken) =>
        TypedResults.Ok((await runs.ListAsync(connection, action, Math.Clamp(limit ?? 50, 1, 500), cancellationToken)).Select(r => RunView.From(r, withOutput: false)).ToArray());

    private static async Task<Ok<RunView>> GetAsync(string id, RunService runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(RunView.From(await runs.GetAsync(id, cancellationToken)));

    private static async Task<Ok<RunView>> CancelAsync(string id, RunService runs, CancellationToken cancellationToken) =>
        TypedResults.Ok(RunView.From(await runs.CancelAsync(id, cancellationToken)));
}
