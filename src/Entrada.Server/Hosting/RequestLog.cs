using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Hosting;

/// <summary>
/// The server's one request log line: method, path, status and time, never the query string (the
/// OAuth callback's <c>code</c> and <c>state</c>, and whatever a caller puts there). ASP.NET Core's
/// own request lines (<see cref="HostingCategory"/>), which print the whole URL, are turned off
/// for every logger by <see cref="EntradaServer"/>.
/// </summary>
internal static partial class RequestLog
{
    /// <summary>The category of ASP.NET Core's request starting/finished lines, which include the query string.</summary>
    public const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>Logs each request once it is answered.</summary>
    public static async Task InvokeAsync(HttpContext http, Func<Task> next, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(next);
        var started = time.GetTimestamp();
        try
        {
            await next();
        }
        finally
        {
            LogRequest(logger, http.Request.Method, http.Request.PathBase + http.Request.Path, http.Response.StatusCode, (long)time.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} answered {Status} in {ElapsedMs} ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, long elapsedMs);
}
