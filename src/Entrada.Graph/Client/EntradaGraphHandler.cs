using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Entrada.Graph.Client;

/// <summary>
/// Entrada's own middleware, innermost in Graph's pipeline so it sees every attempt: names
/// Entrada and its version in the User-Agent, gives each request a <c>client-request-id</c>,
/// notes Graph's <c>request-id</c> for the audit record, asks for HTTP/2 (Graph speaks it: the
/// <c>$batch</c>es of a bulk run then share one TLS connection instead of opening one each; a
/// server or proxy that only speaks HTTP/1.1 still gets HTTP/1.1), and says when Graph throttles
/// and how long the retry middleware will wait.
/// </summary>
internal sealed class EntradaGraphHandler(ILogger logger) : DelegatingHandler
{
    /// <summary>Entrada's version.</summary>
    public static string Version { get; } =
        typeof(EntradaGraphHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(EntradaGraphHandler).Assembly.GetName().Version?.ToString(3)
        ?? "0.0.0";

    /// <summary>Entrada's product token, e.g. <c>Entrada/0.1.0</c> (after <see cref="Version"/>: static initialisers run in order).</summary>
    public static ProductInfoHeaderValue Product { get; } = new("Entrada", Version);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.UserAgent.Any(p => p.Product?.Name == "Entrada"))
        {
            request.Headers.UserAgent.Add(Product);
        }

        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        if (!request.Headers.Contains("client-request-id"))
        {
            request.Headers.Add("client-request-id", Guid.NewGuid().ToString());
        }

        if (Core.Diagnostics.StartupTimeline.Enabled)
        {
            Core.Diagnostics.StartupTimeline.Mark($"Graph request {request.Method} {request.RequestUri?.AbsolutePath}");
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (Core.Diagnostics.StartupTimeline.Enabled)
        {
            Core.Diagnostics.StartupTimeline.Mark($"Graph response {(int)response.StatusCode} (HTTP/{response.Version})");
        }

        // The run this request belongs to travels on the request (GraphRun adds it); a request
        // outside any run (a connection test) carries none and is simply not attributed.
        var run = GraphRunOption.Of(request);
        if (run is not null && response.Headers.TryGetValues("request-id", out var ids))
        {
            foreach (var id in ids)
            {
                run.NoteRequestId(id);
            }
        }

        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
        {
            var wait = RetryAfter.From(response.Headers, run?.Time ?? TimeProvider.System);
            var message = wait is { } w
                ? $"Graph is throttling ({(int)response.StatusCode}); waiting {w.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s as it asks (Retry-After) before retrying."
                : $"Graph is throttling ({(int)response.StatusCode}) without saying how long to wait; backing off before retrying.";
            GraphLog.Throttled(logger, (int)response.StatusCode, request.RequestUri?.AbsolutePath ?? "?", wait?.TotalSeconds ?? -1);
            run?.Report(message);
        }

        return response;
    }
}
