using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.Bulk;

/// <summary>One request of a batch, with the id its answer is found by.</summary>
/// <param name="Id">Unique within the batch.</param>
/// <param name="Request">The request, built with the SDK's request builders.</param>
internal sealed record BatchStep(string Id, RequestInformation Request);

/// <summary>Graph's answer to one step of a batch.</summary>
/// <param name="Status">The step's HTTP status.</param>
/// <param name="Body">The step's JSON body, if any.</param>
/// <param name="ErrorCode">Graph's error code, when it failed.</param>
/// <param name="ErrorMessage">Graph's error message, when it failed.</param>
internal sealed record BatchStepResult(int Status, JsonNode? Body, string? ErrorCode, string? ErrorMessage)
{
    /// <summary>Whether the step succeeded.</summary>
    public bool Succeeded => Status is >= 200 and < 300;
}

/// <summary>
/// Sends many independent Graph requests through JSON batching: 20 per <c>$batch</c> (Graph's
/// limit), the steps Graph throttled (each step is throttled on its own) sent again after the wait
/// Graph asks for. In a dry run each <c>$batch</c> is recorded exactly and nothing is sent. The
/// reusable core of every bulk action; a later durable job engine drives it.
/// </summary>
internal static class GraphBatch
{
    /// <summary>Graph's limit of requests per <c>$batch</c>.</summary>
    public const int MaxStepsPerBatch = 20;

    /// <summary>How many times throttled steps are sent again.</summary>
    public const int MaxThrottleRounds = 6;

    /// <summary>Sends the steps and returns each one's answer by id (empty in a dry run).</summary>
    public static async Task<IReadOnlyDictionary<string, BatchStepResult>> SendAsync(GraphRun run, IReadOnlyList<BatchStep> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(steps);
        var results = new Dictionary<string, BatchStepResult>(StringComparer.Ordinal);
        var total = steps.Count;
        foreach (var chunk in steps.Chunk(MaxStepsPerBatch))
        {
            if (run.DryRun)
            {
                PlanBatch(run, chunk);
                continue;
            }

            var pending = chunk.ToList();
            for (var round = 0; pending.Count > 0; round++)
            {
                var collection = new BatchRequestContentCollection(run.Client, MaxStepsPerBatch);
                foreach (var step in pending)
                {
                    await collection.AddBatchRequestStepAsync(step.Request, step.Id).ConfigureAwait(false);
                }

                var response = await run.Client.Batch.PostAsync(collection, cancellationToken).ConfigureAwait(false);
                var statuses = await response.GetResponsesStatusCodesAsync().ConfigureAwait(false);
                var throttled = new List<BatchStep>();
                TimeSpan wait = TimeSpan.Zero;
                foreach (var step in pending)
                {
                    if (!statuses.TryGetValue(step.Id, out var status))
                    {
                        results[step.Id] = new BatchStepResult(0, null, "missing", "Graph's batch answer has no response for this request.");
                        continue;
                    }

                    using var message = await response.GetResponseByIdAsync(step.Id).ConfigureAwait(false);
                    if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout && round < MaxThrottleRounds)
                    {
                        throttled.Add(step);
                        var after = message?.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, round)));
                        wait = after > wait ? after : wait;
                        continue;
                    }

                    results[step.Id] = await ReadAsync((int)status, message, cancellationToken).ConfigureAwait(false);
                }

                pending = throttled;
                if (pending.Count > 0)
                {
                    run.Context.Progress?.Report(new ActionProgress(results.Count, total, $"Graph throttled {pending.Count} request(s) of the batch; waiting {wait.TotalSeconds:0.#} s as it asks before sending them again."));
                    await Task.Delay(wait, run.Context.Time, cancellationToken).ConfigureAwait(false);
                }
            }

            run.Context.Progress?.Report(new ActionProgress(results.Count, total));
        }

        return results;
    }

    /// <summary>An item that failed, with the translated reason.</summary>
    public static BulkItemResult Failure(GraphRun run, string id, BatchStepResult answer, string subject)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(answer);
        return new BulkItemResult(id, BulkOutcomes.Failed, GraphErrors.FromStatus(answer.Status, answer.ErrorCode, answer.ErrorMessage, null, run.Action, run.Context.Connection, subject).Message);
    }

    /// <summary>
    /// When Graph refused every request for want of permission, the run as a whole fails with the
    /// missing permission (exit 4) rather than reporting each item.
    /// </summary>
    public static void ThrowIfAllForbidden(GraphRun run, IReadOnlyDictionary<string, BatchStepResult> answers)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Count > 0 && answers.Values.All(a => a.Status == 403))
        {
            var first = answers.Values.First();
            throw GraphErrors.PermissionDenied(run.Action, run.Context.Connection, first.ErrorCode, first.ErrorMessage, string.Empty, null);
        }
    }

    private static async Task<BatchStepResult> ReadAsync(int status, HttpResponseMessage? message, CancellationToken cancellationToken)
    {
        if (message?.Content is null)
        {
            return new BatchStepResult(status, null, null, null);
        }

        if (message.Headers.TryGetValues("request-id", out var ids))
        {
            foreach (var id in ids)
            {
                Client.GraphCallScope.Current?.NoteRequestId(id);
            }
        }

        var text = await message.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? body = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                body = JsonValue.Create(text);
            }
        }

        var error = body is JsonObject o ? o["error"] as JsonObject : null;
        return new BatchStepResult(status, body, error?["code"]?.GetValue<string>(), error?["message"]?.GetValue<string>());
    }

    private static void PlanBatch(GraphRun run, BatchStep[] chunk)
    {
        var requests = new JsonArray();
        foreach (var step in chunk)
        {
            var entry = new JsonObject
            {
                ["id"] = step.Id,
                ["method"] = step.Request.HttpMethod.ToString().ToUpperInvariant(),
                ["url"] = run.RelativeUrl(step.Request),
            };
            if (GraphRun.BodyOf(step.Request) is { } body)
            {
                entry["headers"] = new JsonObject { ["Content-Type"] = "application/json" };
                entry["body"] = body;
            }

            requests.Add(entry);
        }

        var endpoint = run.Context.Connection.Cloud.GraphEndpoint.ToString().TrimEnd('/');
        run.Context.Plan("POST", endpoint + "/$batch", new JsonObject { ["requests"] = requests });
    }
}
