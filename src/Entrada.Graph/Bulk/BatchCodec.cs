using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.Bulk;

/// <summary>One request of a batch, with the id its answer is found by.</summary>
/// <param name="Id">Unique within the batch.</param>
/// <param name="Request">The request, built with the SDK's request builders.</param>
internal sealed record BatchStep(string Id, RequestInformation Request);

/// <summary>Graph's answer to one step of a batch.</summary>
/// <param name="Status">The step's HTTP status.</param>
/// <param name="Body">The step's body as JSON batching carries it: the JSON itself, or a string (base64 for a non-JSON body); null when absent.</param>
/// <param name="ErrorCode">Graph's error code, when it failed.</param>
/// <param name="ErrorMessage">Graph's error message, when it failed.</param>
internal sealed record BatchStepResult(int Status, JsonNode? Body, string? ErrorCode, string? ErrorMessage)
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the step succeeded.</summary>
    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>The step's own headers (<c>Retry-After</c>, <c>request-id</c>, <c>Content-Type</c> …), names compared case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = NoHeaders;

    /// <summary>
    /// The bytes of a body that is not JSON (JSON batching sends those base64-encoded; one that is
    /// not valid base64 is taken as text); null for a JSON body or none.
    /// </summary>
    public ReadOnlyMemory<byte>? Content { get; init; }
}

/// <summary>
/// JSON batching's wire format, and nothing else: the <c>$batch</c> request body for some steps,
/// and Graph's <c>$batch</c> answer read into one <see cref="BatchStepResult"/> per step id.
/// </summary>
internal static class BatchCodec
{
    /// <summary>
    /// The <c>$batch</c> body for <paramref name="steps"/>: each step's id, method, URL relative to
    /// <paramref name="graphEndpoint"/>, headers and body (JSON as is, any other body base64-encoded).
    /// What a dry run shows is this same body.
    /// </summary>
    public static byte[] Write(IReadOnlyList<BatchStep> steps, Uri graphEndpoint)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(graphEndpoint);
        var buffer = new ArrayBufferWriter<byte>(steps.Count * 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("requests");
            foreach (var step in steps)
            {
                WriteStep(writer, step, graphEndpoint);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads Graph's <c>$batch</c> answer; an answer with no <c>responses</c> array has no steps.</summary>
    public static async Task<IReadOnlyDictionary<string, BatchStepResult>> ReadAsync(Stream answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(answer);
        using var document = await JsonDocument.ParseAsync(answer, cancellationToken: cancellationToken).ConfigureAwait(false);
        return Read(document.RootElement);
    }

    /// <summary>Reads Graph's <c>$batch</c> answer: each response's id, status, headers and body.</summary>
    public static IReadOnlyDictionary<string, BatchStepResult> Read(JsonElement answer)
    {
        var results = new Dictionary<string, BatchStepResult>(StringComparer.Ordinal);
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("responses", out var responses) || responses.ValueKind != JsonValueKind.Array)
        {
            return results;
        }

        foreach (var response in responses.EnumerateArray())
        {
            if (response.ValueKind == JsonValueKind.Object && response.TryGetProperty("id", out var id))
            {
                results[id.ToString()] = ReadStep(response);
            }
        }

        return results;
    }

    /// <summary>The path and query of <paramref name="request"/> relative to <paramref name="graphEndpoint"/>, as a step's <c>url</c>.</summary>
    public static string RelativeUrl(RequestInformation request, Uri graphEndpoint)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(graphEndpoint);
        var absolute = request.URI.ToString();
        var root = graphEndpoint.ToString().TrimEnd('/');
        return absolute.StartsWith(root, StringComparison.OrdinalIgnoreCase) ? absolute[root.Length..] : request.URI.PathAndQuery;
    }

    private static void WriteStep(Utf8JsonWriter writer, BatchStep step, Uri graphEndpoint)
    {
        var request = step.Request;
        writer.WriteStartObject();
        writer.WriteString("id", step.Id);
        writer.WriteString("method", request.HttpMethod.ToString().ToUpperInvariant());
        writer.WriteString("url", RelativeUrl(request, graphEndpoint));

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
            var body = bytes.GetBuffer().AsSpan(0, (int)bytes.Length);
            writer.WritePropertyName("body");
            if (request.Headers.TryGetValue("Content-Type", out var type) && type.Any(IsJson))
            {
                writer.WriteRawValue(body);
            }
            else
            {
                writer.WriteBase64StringValue(body);
            }
        }

        writer.WriteEndObject();
    }

    private static BatchStepResult ReadStep(JsonElement response)
    {
        var status = response.TryGetProperty("status", out var st) && st.TryGetInt32(out var code) ? code : 0;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (response.TryGetProperty("headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in h.EnumerateObject())
            {
                headers[header.Name] = header.Value.ToString();
            }
        }

        JsonNode? body = response.TryGetProperty("body", out var b) && b.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? JsonNode.Parse(b.GetRawText()) : null;
        ReadOnlyMemory<byte>? content = null;
        if (b.ValueKind == JsonValueKind.String && !(headers.TryGetValue("Content-Type", out var type) && IsJson(type)))
        {
            var text = b.GetString()!;
            content = TryBase64(text) ?? Encoding.UTF8.GetBytes(text);
        }

        var error = body is JsonObject o ? o["error"] as JsonObject : null;
        return new BatchStepResult(status, body, Text(error?["code"]), Text(error?["message"])) { Headers = headers, Content = content };
    }

    private static bool IsJson(string contentType) => contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString();

    private static byte[]? TryBase64(string text)
    {
        var bytes = new byte[(text.Length * 3 / 4) + 3];
        return text.Length > 0 && Convert.TryFromBase64String(text, bytes, out var written) ? bytes.AsSpan(0, written).ToArray() : null;
    }

    /// <summary>The id of the <paramref name="index"/>th step of a list of steps.</summary>
    public static string StepId(int index) => index.ToString(CultureInfo.InvariantCulture);
}
