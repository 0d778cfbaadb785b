using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Graph.Client;
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
            await run.Pause.WaitAsync(cancellationToken).ConfigureAwait(false);
            await run.Limiter.EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Throttled while this batch queued for its slot: hold off too, slot in hand, so
                // the batches queued behind it do not all go out the moment the pause ends.
                await run.Pause.WaitAsync(cancellationToken).ConfigureAwait(false);
                Dictionary<string, StepAnswer>? answers;
                try
                {
                    answers = await PostAsync(run, pending, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (round < MaxThrottleRounds && IsTransient(ex, cancellationToken, out var retryAfter))
                {
                    // The whole batch was refused (throttled, or the connection dropped): send it all again.
                    run.Limiter.OnThrottled();
                    throttled = pending;
                    wait = retryAfter ?? Backoff(round);
                    answers = null;
                }

                if (answers is not null)
                {
                    foreach (var step in pending)
                    {
                        if (!answers.TryGetValue(step.Id, out var answer))
                        {
                            results[step.Id] = new BatchStepResult(0, null, "missing", "Graph's batch answer has no response for this request.");
                            continue;
                        }

                        if (answer.Result.Status is 429 or 503 or 504 && round < MaxThrottleRounds)
                        {
                            throttled.Add(step);
                            var after = answer.RetryAfter ?? Backoff(round);
                            wait = after > wait ? after : wait;
                            continue;
                        }

                        results[step.Id] = answer.Result;
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
                // The whole run holds off, not just this batch: the others would only be throttled too.
                run.Bulk.AddRetries(pending.Count);
                run.Pause.HoldFor(wait);
                run.ReportBulk($"Graph throttled {pending.Count} request(s); waiting {wait.TotalSeconds:0.#} s as it asks before sending them again.");
            }
        }
    }

    /// <summary>One step's answer, and how long Graph asked to wait when it throttled the step.</summary>
    private sealed record StepAnswer(BatchStepResult Result, TimeSpan? RetryAfter);

    /// <summary>
    /// Sends one <c>$batch</c> through the Graph client (its middleware: authentication, retry
    /// honouring Retry-After, redirects, Entrada's handler) and reads every step's answer.
    /// </summary>
    private static async Task<Dictionary<string, StepAnswer>> PostAsync(GraphRun run, IReadOnlyList<BatchStep> steps, CancellationToken cancellationToken)
    {
        var batch = new RequestInformation
        {
            HttpMethod = Method.POST,
            URI = new Uri(run.Context.Connection.Cloud.GraphEndpoint.ToString().TrimEnd('/') + "/$batch"),
        };
        batch.Headers.Add("Accept", "application/json");

        // This engine retries a refused $batch itself (waiting as Graph asks, halving what is in
        // flight, counting the retries), so the SDK's retry handler does not also retry it.
        batch.AddRequestOptions([new Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options.RetryHandlerOption { ShouldRetry = (_, _, _) => false }]);
        batch.SetStreamContent(new MemoryStream(Write(run, steps), writable: false), "application/json");
        var answers = new Dictionary<string, StepAnswer>(StringComparer.Ordinal);
        await using var stream = await run.Client.RequestAdapter.SendPrimitiveAsync<Stream>(batch, GraphRun.ErrorMapping, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("Graph answered the $batch with no body.");
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!document.RootElement.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Array)
        {
            return answers;
        }

        foreach (var response in responses.EnumerateArray())
        {
            var id = response.TryGetProperty("id", out var i) ? i.ToString() : null;
            if (id is null)
            {
                continue;
            }

            var status = response.TryGetProperty("status", out var st) && st.TryGetInt32(out var code) ? code : 0;
            TimeSpan? retryAfter = null;
            if (response.TryGetProperty("headers", out var headers) && headers.ValueKind == JsonValueKind.Object)
            {
                foreach (var header in headers.EnumerateObject())
                {
                    if (string.Equals(header.Name, "Retry-After", StringComparison.OrdinalIgnoreCase))
                    {
                        retryAfter = double.TryParse(header.Value.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
                            ? TimeSpan.FromSeconds(seconds)
                            : null;
                    }
                    else if (string.Equals(header.Name, "request-id", StringComparison.OrdinalIgnoreCase))
                    {
                        Client.GraphCallScope.Current?.NoteRequestId(header.Value.ToString());
                    }
                }
            }

            JsonNode? body = response.TryGetProperty("body", out var b) && b.ValueKind != JsonValueKind.Null ? JsonNode.Parse(b.GetRawText()) : null;
            var error = body is JsonObject o ? o["error"] as JsonObject : null;
            answers[id] = new StepAnswer(new BatchStepResult(status, body, error?["code"]?.GetValue<string>(), error?["message"]?.GetValue<string>()), retryAfter);
        }

        return answers;
    }

    /// <summary>
    /// The <c>$batch</c> body for <paramref name="steps"/>, as JSON batching defines it: each
    /// step's id, method, URL relative to the Graph endpoint, headers and JSON body. What a dry
    /// run shows is this same body.
    /// </summary>
    private static byte[] Write(GraphRun run, IReadOnlyList<BatchStep> steps)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(steps.Count * 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("requests");
            foreach (var step in steps)
            {
                var request = step.Request;
                writer.WriteStartObject();
                writer.WriteString("id", step.Id);
                writer.WriteString("method", request.HttpMethod.ToString().ToUpperInvariant());
                writer.WriteString("url", run.RelativeUrl(request));
                // A request built with no body may still carry an empty stream: that is no body.
                var content = request.Content is { } stream && (!stream.CanSeek || stream.Length > 0) ? stream : null;
                if (content is not null || request.Headers.Count > 0)
                {
                    writer.WriteStartObject("headers");
                    foreach (var (name, values) in request.Headers)
                    {
                        writer.WriteString(name, string.Join(", ", values));
                    }

                    writer.WriteEndObject();
                }

                if (content is not null)
                {
                    // A step sent again (throttled) was read to the end the first time: rewind it.
                    if (content.CanSeek)
                    {
                        content.Position = 0;
                    }

                    using var bytes = new MemoryStream();
                    content.CopyTo(bytes);
                    writer.WritePropertyName("body");
                    if (request.Headers.TryGetValue("Content-Type", out var type) && type.Any(t => t.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)))
                    {
                        writer.WriteRawValue(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
                    }
                    else
                    {
                        // JSON batching carries other bodies base64-encoded.
                        writer.WriteBase64StringValue(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Exponential back-off where Graph names no wait: 1, 2, 4 … 32 s.</summary>
    private static TimeSpan Backoff(int round) => TimeSpan.FromSeconds(Math.Min(32, Math.Pow(2, round)));

    private static bool IsTransient(Exception ex, CancellationToken cancellationToken, out TimeSpan? retryAfter)
    {
        retryAfter = null;

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
        return new BulkItemResult(id, BulkOutcome.Failed, GraphErrors.FromStatus(answer.Status, answer.ErrorCode, answer.ErrorMessage, null, run.Action, run.Context.Connection, subject).Message);
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

    private static void PlanBatch(GraphRun run, BatchStep[] chunk)
    {
        var endpoint = run.Context.Connection.Cloud.GraphEndpoint.ToString().TrimEnd('/');
        run.Context.Plan("POST", endpoint + "/$batch", JsonNode.Parse(Write(run, chunk)));
    }
}
