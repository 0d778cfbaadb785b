using Entrada.Graph.Client;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace Entrada.Graph.Bulk;

/// <summary>
/// The bulk engine's entry point for actions: sends many independent Graph requests through JSON
/// batching, or in a dry run records the <c>$batch</c>es and sends nothing. It only composes the
/// parts, each tested on its own: <see cref="BatchCodec"/> (the wire format),
/// <see cref="BatchScheduler"/> (limiter, run-wide pause, retries), <see cref="TransientFailures"/>
/// (what is retried), <see cref="BatchFailures"/> (a failed step in Entrada's words) and
/// <see cref="BatchPlanner"/> (dry runs); every <c>Retry-After</c> is read by <see cref="RetryAfter"/>.
/// </summary>
internal static class GraphBatch
{
    /// <summary>Graph's limit of requests per <c>$batch</c>.</summary>
    public const int MaxStepsPerBatch = BatchScheduler.MaxStepsPerBatch;

    /// <summary>The id of the <paramref name="index"/>th step of a list of steps.</summary>
    public static string StepId(int index) => BatchCodec.StepId(index);

    /// <summary>
    /// Sends the steps and returns each one's answer by id (empty in a dry run). The retries are
    /// counted in the run's <see cref="GraphRun.Bulk"/> counters and reported as its progress.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, BatchStepResult>> SendAsync(GraphRun run, IReadOnlyList<BatchStep> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(steps);
        if (run.DryRun)
        {
            BatchPlanner.Plan(run, steps);
            return new Dictionary<string, BatchStepResult>(StringComparer.Ordinal);
        }

        return await SendCoreAsync(run, steps, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends read steps even in a dry run (reads change nothing): an action whose writes depend on what
    /// it reads — the methods a reset deletes — plans the exact writes only once it has read.
    /// </summary>
    public static Task<IReadOnlyDictionary<string, BatchStepResult>> SendReadsAsync(GraphRun run, IReadOnlyList<BatchStep> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Any(s => s.Request.HttpMethod != Method.GET))
        {
            throw new ArgumentException("Only GET steps are sent in a dry run.", nameof(steps));
        }

        return SendCoreAsync(run, steps, cancellationToken);
    }

    private static async Task<IReadOnlyDictionary<string, BatchStepResult>> SendCoreAsync(GraphRun run, IReadOnlyList<BatchStep> steps, CancellationToken cancellationToken)
    {
        var scheduler = new BatchScheduler(run.Limiter, run.Pause, run.Context.Time, (batch, token) => PostAsync(run, batch, token), (count, wait) =>
        {
            run.Bulk.AddRetries(count);
            run.ReportBulk($"Graph throttled {count} request(s); waiting {wait.TotalSeconds:0.#} s as it asks before sending them again.");
        });
        return await scheduler.SendAsync(steps, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An item that failed, with the translated reason (see <see cref="BatchFailures.Failure"/>).</summary>
    public static BulkItemResult Failure(GraphRun run, string id, BatchStepResult answer, string subject) => BatchFailures.Failure(run, id, answer, subject);

    /// <summary>Fails the run when Graph refused every request for want of permission (see <see cref="BatchFailures.ThrowIfAllForbidden"/>).</summary>
    public static void ThrowIfAllForbidden(GraphRun run, IReadOnlyDictionary<string, BatchStepResult> answers) => BatchFailures.ThrowIfAllForbidden(run, answers);

    /// <summary>
    /// Sends one <c>$batch</c> through the run (the Graph client's middleware: authentication,
    /// redirects, Entrada's handler, which the run's request option reaches as on any request) and
    /// reads every step's answer; each step's own <c>request-id</c> is noted for the audit record.
    /// </summary>
    private static async Task<IReadOnlyDictionary<string, BatchStepResult>> PostAsync(GraphRun run, IReadOnlyList<BatchStep> steps, CancellationToken cancellationToken)
    {
        var endpoint = run.Context.Connection.Cloud.GraphEndpoint;
        var batch = new RequestInformation
        {
            HttpMethod = Method.POST,
            URI = new Uri(endpoint.ToString().TrimEnd('/') + "/$batch"),
        };
        batch.Headers.Add("Accept", "application/json");

        // The scheduler retries a refused $batch itself (waiting as Graph asks, halving what is in
        // flight, counting the retries), so the SDK's retry handler does not also retry it.
        batch.AddRequestOptions([new RetryHandlerOption { ShouldRetry = (_, _, _) => false }]);
        batch.SetStreamContent(new MemoryStream(BatchCodec.Write(steps, endpoint), writable: false), "application/json");
        await using var stream = await run.SendPrimitiveAsync<Stream>(batch, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("Graph answered the $batch with no body.");
        var answers = await BatchCodec.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        foreach (var answer in answers.Values)
        {
            if (answer.Headers.TryGetValue("request-id", out var requestId))
            {
                run.Option.NoteRequestId(requestId);
            }
        }

        return answers;
    }
}
