using System.Text;
using System.Text.Json;
using Entrada.Emulator.OData;

namespace Entrada.Emulator.Graph.Batch;

/// <summary><c>POST /v1.0/$batch</c>: up to 20 requests, <c>dependsOn</c>, 424 on a failed dependency, each throttled on its own.</summary>
internal sealed class BatchApi(GraphApi graph, TimeProvider time)
{
    private const int MaxRequests = 20;

    public GraphResponse Execute(GraphRequest outer)
    {
        var now = time.GetUtcNow();
        if (outer.Method != "POST")
        {
            return GraphException.Write(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.", outer, now);
        }

        if (outer.Body is not { ValueKind: JsonValueKind.Object } body || !body.TryGetPropertyIgnoringCase("requests", out var requests) || requests.ValueKind != JsonValueKind.Array)
        {
            return GraphException.Write(400, "BadRequest", "Invalid batch payload format.", outer, now);
        }

        if (requests.GetArrayLength() > MaxRequests)
        {
            return GraphException.Write(400, "BadRequest", $"Invalid batch payload format: the batch contains {requests.GetArrayLength()} requests; the maximum is {MaxRequests}.", outer, now);
        }

        var items = new List<(string Id, JsonElement Element)>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in requests.EnumerateArray())
        {
            var id = element.TryGetPropertyIgnoringCase("id", out var i) ? i.ValueKind == JsonValueKind.String ? i.GetString() : i.GetRawText() : null;
            if (string.IsNullOrEmpty(id) || !element.TryGetPropertyIgnoringCase("method", out _) || !element.TryGetPropertyIgnoringCase("url", out _))
            {
                return GraphException.Write(400, "BadRequest", "Invalid batch payload format: every request needs 'id', 'method' and 'url'.", outer, now);
            }

            if (!ids.Add(id))
            {
                return GraphException.Write(400, "BadRequest", $"Invalid batch payload format: the request id '{id}' is not unique.", outer, now);
            }

            items.Add((id, element));
        }

        // Outer authentication first: a batch with a bad token fails as a whole.
        var probe = graph.Authenticate(outer);
        if (probe is not null)
        {
            return probe;
        }

        var results = new Dictionary<string, GraphResponse>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        var byId = items.ToDictionary(i => i.Id, i => i.Element, StringComparer.Ordinal);
        GraphResponse Run(string id)
        {
            if (results.TryGetValue(id, out var done))
            {
                return done;
            }

            if (!visiting.Add(id))
            {
                return GraphException.Write(400, "BadRequest", "The dependsOn chain of the batch contains a cycle.", outer, now);
            }

            var element = byId[id];
            GraphResponse response;
            var failed = false;
            if (element.TryGetPropertyIgnoringCase("dependsOn", out var dependsOn) && dependsOn.ValueKind == JsonValueKind.Array)
            {
                foreach (var dependency in dependsOn.EnumerateArray().Select(d => d.GetString() ?? string.Empty))
                {
                    if (!byId.ContainsKey(dependency))
                    {
                        results[id] = GraphException.Write(400, "BadRequest", $"The request '{id}' depends on '{dependency}', which is not in the batch.", outer, now);
                        return results[id];
                    }

                    failed |= Run(dependency).Status >= 400;
                }
            }

            response = failed
                ? GraphException.Write(424, "FailedDependency", "The request could not be completed because a request it depends on failed.", outer, now)
                : RunOne(outer, element);
            results[id] = response;
            return response;
        }

        foreach (var (id, _) in items)
        {
            Run(id);
        }

        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("responses");
            foreach (var (id, _) in items)
            {
                var r = results[id];
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteNumber("status", r.Status);
                w.WriteStartObject("headers");
                if (r.ContentType is not null)
                {
                    w.WriteString("Content-Type", r.ContentType);
                }

                foreach (var (name, value) in r.Headers)
                {
                    if (name is not ("request-id" or "client-request-id" or "x-ms-ags-diagnostic"))
                    {
                        w.WriteString(name, value);
                    }
                }

                w.WriteEndObject();
                if (r.Body is { Length: > 0 } bytes)
                {
                    w.WritePropertyName("body");
                    if (r.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true)
                    {
                        w.WriteRawValue(bytes, skipInputValidation: true);
                    }
                    else
                    {
                        w.WriteStringValue(Encoding.UTF8.GetString(bytes));
                    }
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private GraphResponse RunOne(GraphRequest outer, JsonElement element)
    {
        var method = element.GetPropertyIgnoringCase("method").GetString() ?? "GET";
        var url = element.GetPropertyIgnoringCase("url").GetString() ?? string.Empty;
        var v1 = url.IndexOf("/v1.0/", StringComparison.OrdinalIgnoreCase);
        if (url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && v1 >= 0)
        {
            url = url[(v1 + 5)..];
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (element.TryGetPropertyIgnoringCase("headers", out var h) && h.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in h.EnumerateObject())
            {
                headers[header.Name] = header.Value.ToString();
            }
        }

        JsonElement? body = element.TryGetPropertyIgnoringCase("body", out var b) && b.ValueKind != JsonValueKind.Null ? b : null;
        var request = GraphRequest.Create(method, url.StartsWith('/') ? url : "/" + url, headers, body, outer.GraphBase);
        request.Token = outer.Token;
        if (body is not null && !headers.ContainsKey("Content-Type"))
        {
            return GraphException.Write(400, "BadRequest", "Write requests (excluding DELETE) must contain the Content-Type header declaration.", request, time.GetUtcNow());
        }

        if (request.Segments.Length > 0 && request.Segments[0] == "$batch")
        {
            return GraphException.Write(400, "BadRequest", "A batch cannot contain another batch.", request, time.GetUtcNow());
        }

        return graph.Execute(request);
    }
}
