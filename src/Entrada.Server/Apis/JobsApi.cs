using System.ComponentModel;
using Entrada.Core.Jobs;
using Entrada.Core.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Server.Apis;

/// <summary>A job with each item's state, and the run that made it when that was an API or page run.</summary>
internal sealed record JobDetailView(
    JobSummary Job,
    [property: Description("The run (POST /api/v1/actions/{id}/runs) that made this job; absent for a job started from the CLI.")] string? RunId,
    [property: Description("Where that run is shown (/api/v1/runs/{runId}).")] string? RunHref,
    IReadOnlyList<JobItem> Items);

/// <summary>
/// <c>/api/v1/jobs</c>: every bulk run is a durable job; here its progress (done, unchanged,
/// failed, pending) can be followed while it runs, and a running job can be asked to stop.
/// </summary>
internal static class JobsApi
{
    public static RouteGroupBuilder MapJobsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/jobs").WithTags("Jobs");
        group.MapGet("/", ListAsync).WithSummary("Lists bulk jobs with their progress, newest first.");
        group.MapGet("/{id}", GetAsync).WithSummary("Gets a job's progress and each item's state (done, unchanged, failed or pending).");
        group.MapPost("/{id}/cancel", CancelAsync).WithSummary("Asks a running job to stop at its next checkpoint; finished items stay recorded.");
        return group;
    }

    private static async Task<Ok<JobSummary[]>> ListAsync(int? limit, JobStore jobs, CancellationToken cancellationToken) =>
        TypedResults.Ok((await jobs.ListAsync(Math.Clamp(limit ?? 50, 1, 500), cancellationToken)).Select(JobSummary.From).ToArray());

    /// <summary>Where the API shows a job.</summary>
    public static string HrefOf(string jobId) => $"/api/v1/jobs/{Uri.EscapeDataString(jobId)}";

    private static async Task<Ok<JobDetailView>> GetAsync(string id, JobStore jobs, RunService runs, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id, cancellationToken);
        var runId = await runs.FindRunOfJobAsync(job.Id, cancellationToken);
        return TypedResults.Ok(new JobDetailView(JobSummary.From(job), runId, runId is null ? null : RunView.HrefOf(runId), await jobs.ItemsAsync(job.Id, null, cancellationToken)));
    }

    private static async Task<Ok<JobSummary>> CancelAsync(string id, JobStore jobs, CancellationToken cancellationToken) =>
        TypedResults.Ok(JobSummary.From(await jobs.RequestCancelAsync(id, cancellationToken)));
}
