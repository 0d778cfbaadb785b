using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Entrada.Emulator.Identity;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>One Graph request, from HTTP or from inside a <c>$batch</c>.</summary>
internal sealed class GraphRequest
{
    /// <summary>The OData system query options Graph reads, by their canonical (lower-case, <c>$</c>-prefixed) names.</summary>
    private static readonly string[] SystemOptions = ["$select", "$filter", "$top", "$orderby", "$count", "$search", "$expand", "$skiptoken", "$skip", "$deltatoken", "$format", "$levels"];

    public required string Method { get; init; }

    /// <summary>Path segments after <c>/v1.0</c>, unescaped and canonical (<see cref="GraphSegments"/>), without a trailing <c>$count</c>.</summary>
    public required string[] Segments { get; init; }

    /// <summary>Query options; OData system options are keyed by their canonical names (<c>$top</c> for <c>$TOP</c> or <c>top</c>).</summary>
    public required Dictionary<string, string> Query { get; init; }

    public required Dictionary<string, string> Headers { get; init; }

    public JsonElement? Body { get; init; }

    public AccessTokenInfo? Token { get; set; }

    /// <summary>The tenant the request runs against (set by <see cref="GraphApi"/>), for readers that need more than an entity, such as <c>$expand</c>.</summary>
    public EmulatorState? State { get; set; }

    /// <summary>The Graph base the client called (scheme, host and <c>/v1.0</c>), which links in the answer repeat; null for the configured one.</summary>
    public string? GraphBase { get; init; }

    /// <summary>The path ended in <c>/$count</c>: the collection the other segments name is counted, not listed.</summary>
    public bool IsCount { get; init; }

    /// <summary>Alternate keys in the path (<c>users(userPrincipalName='…')</c>): segment index to the key's property name.</summary>
    public IReadOnlyDictionary<int, string>? AlternateKeys { get; init; }

    public string RequestId { get; } = Guid.NewGuid().ToString();

    public string ClientRequestId => Headers.GetValueOrDefault("client-request-id") ?? RequestId;

    public string Header(string name) => Headers.GetValueOrDefault(name) ?? string.Empty;

    public bool IsEventual => Header("ConsistencyLevel").Equals("eventual", StringComparison.OrdinalIgnoreCase);

    /// <summary>The path of the collection or entity the request names (without <c>$count</c>).</summary>
    public string Path => GraphSegments.Path(Segments);

    public static GraphRequest Create(string method, string pathAndQuery, IEnumerable<KeyValuePair<string, string>> headers, JsonElement? body, string? graphBase = null)
    {
        var q = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (q >= 0)
        {
            foreach (var pair in pathAndQuery[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                // Graph reads "$filter = …" (spaces around '=', as one documented example has it) as $filter.
                var key = CanonicalOption(Unescape(eq < 0 ? pair : pair[..eq]).Trim());
                var value = eq < 0 ? string.Empty : Unescape(pair[(eq + 1)..]);
                query[key] = value;
            }
        }

        var segments = GraphSegments.Parse(path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString), out var alternateKeys);
        var isCount = segments.Length > 1 && segments[^1] == "$count";
        return new GraphRequest
        {
            Method = method.ToUpperInvariant(),
            Segments = isCount ? segments[..^1] : segments,
            IsCount = isCount,
            AlternateKeys = alternateKeys,
            Query = query,
            Headers = headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase),
            Body = body,
            GraphBase = graphBase,
        };
    }

    /// <summary>Query option names are case-insensitive, and Graph v1.0 reads the system ones with or without their <c>$</c>.</summary>
    private static string CanonicalOption(string key)
    {
        var name = key.StartsWith('$') ? key : "$" + key;
        foreach (var option in SystemOptions)
        {
            if (option.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return option;
            }
        }

        return key;
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}

/// <summary>A Graph response before it is written to HTTP or into a batch.</summary>
internal sealed class GraphResponse
{
    public int Status { get; init; }

    public string? ContentType { get; init; }

    public byte[]? Body { get; init; }

    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static GraphResponse NoContent() => new() { Status = 204 };

    public static GraphResponse Json(int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return new GraphResponse { Status = status, ContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8", Body = buffer.WrittenSpan.ToArray() };
    }

    public static GraphResponse Text(string text) =>
        new() { Status = 200, ContentType = "text/plain", Body = Encoding.UTF8.GetBytes(text) };
}

/// <summary>A Graph error: thrown by handlers, written in Graph's shape with request ids.</summary>
internal sealed class GraphException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Code { get; } = code;

    public static GraphException NotFound(string id) =>
        new(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    public static GraphException BadRequest(string message) => new(400, "Request_BadRequest", message);

    public static GraphException Unsupported(string message) => new(400, "Request_UnsupportedQuery", message);

    public static GraphException NoRoute(string method) =>
        new(400, "BadRequest", $"Resource not found for the segment '{method}'.");

    public GraphResponse ToResponse(GraphRequest request, DateTimeOffset now) => Write(Status, Code, Message, request, now);

    public static GraphResponse Write(int status, string code, string message, GraphRequest request, DateTimeOffset now, Action<Utf8JsonWriter>? innerExtras = null) =>
        GraphResponse.Json(status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", code);
            w.WriteString("message", message);
            w.WriteStartObject("innerError");
            innerExtras?.Invoke(w);
            w.WriteString("date", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            w.WriteString("request-id", request.RequestId);
            w.WriteString("client-request-id", request.ClientRequestId);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        });
}
