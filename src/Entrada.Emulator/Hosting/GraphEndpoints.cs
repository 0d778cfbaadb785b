using System.Text.Json;
using Entrada.Emulator.Control;
using Entrada.Emulator.Graph;
using Entrada.Emulator.Graph.Batch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Emulator.Hosting;

/// <summary>Maps <c>/v1.0/**</c> onto <see cref="GraphApi"/>, applying injected faults first.</summary>
internal static class GraphEndpoints
{
    public static void MapGraph(this IEndpointRouteBuilder app, EmulatorContext context)
    {
        var graph = new GraphApi(context);
        var batch = new BatchApi(graph, context.Time);
        app.Map("/v1.0/{**path}", http => HandleAsync(http, context, graph, batch, http.RequestAborted));
    }

    private static async Task HandleAsync(HttpContext http, EmulatorContext context, GraphApi graph, BatchApi batch, CancellationToken cancellationToken)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (http.Request.Path + http.Request.QueryString);
        var target = raw.StartsWith("/v1.0", StringComparison.OrdinalIgnoreCase) ? raw[5..] : raw;
        var headers = http.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()));
        // Links in answers repeat the scheme and host the client called (a proxy or another name pages correctly).
        var graphBase = http.Request.Host.HasValue ? $"{http.Request.Scheme}://{http.Request.Host.Value}/v1.0" : null;
        JsonDocument? document = null;
        try
        {
            if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
            {
                try
                {
                    document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: cancellationToken);
                }
                catch (JsonException)
                {
                    var bad = GraphRequest.Create(http.Request.Method, target, headers, null, graphBase);
                    await WriteAsync(http, GraphException.Write(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.", bad, context.Time.GetUtcNow()), cancellationToken);
                    return;
                }
            }

            var request = GraphRequest.Create(http.Request.Method, target, headers, document?.RootElement, graphBase);
            var fault = context.Faults.Next(target);
            if (fault is not null)
            {
                LogMessages.FaultInjected(context.Logger, fault.Kind.ToString(), request.Method, target);
                if (fault.Kind == FaultKind.ConnectionReset)
                {
                    http.Abort();
                    return;
                }

                await WriteAsync(http, FaultResponse(request, fault, context.Time.GetUtcNow()), cancellationToken);
                return;
            }

            var response = request.Segments is ["$batch"] ? batch.Execute(request) : graph.Execute(request);
            LogMessages.GraphRequest(context.Logger, request.Method, target, response.Status, request.RequestId);
            await WriteAsync(http, response, cancellationToken);
        }
        finally
        {
            document?.Dispose();
        }
    }

    private static GraphResponse FaultResponse(GraphRequest request, FaultRule fault, DateTimeOffset now)
    {
        var (status, code, message) = fault.Kind switch
        {
            FaultKind.TooManyRequests => (429, "TooManyRequests", "Please retry again later."),
            FaultKind.ServiceUnavailable => (503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry later."),
            _ => (504, "UnknownError", "The gateway timed out."),
        };
        var response = GraphException.Write(status, code, message, request, now);
        if (fault.RetryAfterSeconds is { } seconds)
        {
            response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        response.Headers["request-id"] = request.RequestId;
        response.Headers["client-request-id"] = request.ClientRequestId;
        return response;
    }

    private static async Task WriteAsync(HttpContext http, GraphResponse response, CancellationToken cancellationToken)
    {
        http.Response.StatusCode = response.Status;
        foreach (var (name, value) in response.Headers)
        {
            http.Response.Headers[name] = value;
        }

        if (response.Body is { Length: > 0 } body)
        {
            http.Response.ContentType = response.ContentType;
            http.Response.ContentLength = body.Length;
            await http.Response.Body.WriteAsync(body, cancellationToken);
        }
    }
}
