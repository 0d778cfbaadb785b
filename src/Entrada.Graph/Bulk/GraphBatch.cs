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

    /// <summary>The id of the <paramref name="index"/>th step of a list of steps.</summary>
    public static string StepId(int index) => index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>How many times throttled steps are sent again.</summary>
    public const int MaxThrottleRounds = 40;

    /// <summary>
    /// Sends the steps and returns each one's answer by id (empty in a dry run). The
    /// <c>$batch</c>es run concurrently, as many at once as the run's <see cref="AdaptiveLimiter"/>
    /// allows; throttled steps (429/503/504 inside a batch, or the whole batch refused) wait as
    /// long as Graph asks — or back off exponentially where Graph gives no Retry-After, as
    /// Identity Protection does — and only they are sent again.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, BatchStepResult>> SendAsync(GraphRun run, IReadOnlyList<BatchStep> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(steps);
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, BatchStepResult>(StringComparer.Ordinal);
        var chunks = steps.Chunk(MaxStepsPerBatch).ToList();
        if (run.DryRun)
        {
            foreach (var chunk in chunks)
            {
                PlanBatch(run, chunk);
            }

            return results;
        }

        await Task.WhenAll(chunks.Select(chunk => SendChunkAsync(run, chunk, results, cancellationToken))).ConfigureAwait(false);
        return results;
    }

    private static async Task SendChunkAsync(GraphRun run, BatchStep[] chunk, System.Collections.Concurrent.ConcurrentDictionary<string, BatchStepResult> results, CancellationToken cancellationToken)
    {
        var pending = chunk.ToList();
        for (var round = 0; pending.Count > 0; round++)
        {
            var throttled = new List<BatchStep>();
            var wait = TimeSpan.Zero;
            await run.Limiter.EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var collection = new BatchRequestContentCollection(run.Client, MaxStepsPerBatch);
                foreach (var step in pending)
                {
                    // A step sent again (throttled) still has its body stream read to the end by the
                    // first batch: rewind it, or the retry carries an empty body.
                    if (step.Request.Content is { CanSeek: true } body)
                    {
                        body.Position = 0;
                    }

                    await collection.AddBatchRequestStepAsync(step.Request, step.Id).ConfigureAwait(false);
                }

                BatchResponseContentCollection response;
                try
                {
                    response = await run.Client.Batch.PostAsync(collection, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (round < MaxThrottleRounds && IsTransient(ex, cancellationToken, out var retryAfter))
                {
                    // The whole batch was refused (throttled, or the connection dropped): send it all again.
                    run.Limiter.OnThrottled();
                    throttled = pending;
                    wait = retryAfter ?? Backoff(round);
                    response = null!;
                }

                if (response is not null)
                {
                    var statuses = await response.GetResponsesStatusCodesAsync().ConfigureAwait(false);
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
                            var after = message?.Headers.RetryAfter?.Delta ?? Backoff(round);
                            wait = after > wait ? after : wait;
                            continue;
                        }

                        results[step.Id] = await ReadAsync((int)status, message, cancellationToken).ConfigureAwait(false);
                    }

                    if (throttled.Count > 0)
                    {
                        run.Limiter.OnThrottled();
                    }
                    else
                    {
                        run.Limiter.OnClean();
                    }
                }
            }
            finally
            {
                run.Limiter.Exit();
            }

            pending = throttled;
            if (pending.Count > 0)
            {
                run.Bulk.AddRetries(pending.Count);
                run.Bulk.AddThrottleWait(wait);
                run.ReportBulk($"Graph throttled {pending.Count} request(s); waiting {wait.TotalSeconds:0.#} s as it asks before sending them again.");
                await Task.Delay(wait, run.Context.Time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Exponential back-off where Graph names no wait: 1, 2, 4 … 32 s.</summary>
    private static TimeSpan Backoff(int round) => TimeSpan.FromSeconds(Math.Min(32, Math.Pow(2, round)));

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken, out TimeSpan? retryAfter)
    {
        retryAfter = null;

        // The SDK's retry handler, out of retries, throws every attempt's failure together: the last one counts.
        if (ex is AggregateException { InnerExceptions.Count: > 0 } all)
        {
            ex = all.InnerExceptions[^1];
        }

        switch (ex)
        {
            case Microsoft.Kiota.Abstractions.ApiException api when api.ResponseStatusCode is 429 or 503 or 504:
                if (api.ResponseHeaders.TryGetValue("Retry-After", out var values)
                    && int.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                {
                    retryAfter = TimeSpan.FromSeconds(seconds);
                }

                return true;
            case HttpRequestException:
                return true;
            case TaskCanceledException when !cancellationToken.IsCancellationRequested:
                return true;
            default:
                return false;
        }
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
