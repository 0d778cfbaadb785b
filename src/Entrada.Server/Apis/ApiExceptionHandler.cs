using Entrada.Core;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Apis;

/// <summary>
/// The one place an API error becomes a problem detail: Entrada's errors by <see cref="Problems"/>,
/// a body that cannot be read as 400, anything else as a 500 that says nothing of the internals.
/// Only requests under <c>/api</c> are handled; the pages show their own error page.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware has already switched the path to the error page's; the feature keeps the original.
        var path = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path.Value;
        if (path is null || !path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var problem = exception switch
        {
            EntradaException entrada => Problems.From(entrada),
            BadHttpRequestException bad => Problems.Of(bad.StatusCode, OneLine(bad.Message) + " Send a JSON body as the OpenAPI document at /openapi/v1.json describes."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ => Problems.Of(StatusCodes.Status500InternalServerError, "The server failed to handle the request; the server's log has the details."),
        };
        if (problem is null)
        {
            return true;
        }

        if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(logger, httpContext.Request.Method, path, exception);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error handling {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);
}
