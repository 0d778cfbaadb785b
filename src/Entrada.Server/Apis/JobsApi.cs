using Entrada.Core.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Server.Apis;

/// <summary>A job with each item's state.</summary>
internal sealed record JobDetailView(JobSummary Job, IReadOnlyList<JobItem> Items);

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

    private static async Task<Ok<JobDetailView>> GetAsync(string id, JobStore jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id, cancellationToken);
        return TypedResults.Ok(new JobDetailView(JobSummary.From(job), await jobs.ItemsAsync(job.Id, null, cancellationToken)));
    }

    private static async Task<Ok<JobSummary>> CancelAsync(string id, JobStore jobs, CancellationToken cancellationToken) =>
        TypedResults.Ok(JobSummary.From(await jobs.RequestCancelAsync(id, cancellationToken)));
}
