using System.Text.Json;
using Entrada.Core;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Apis;

/// <summary>
/// The one place an API error becomes a problem detail: Entrada's errors by <see cref="Problems"/>,
/// a body that cannot be read as 400, anything else as a 500 that says nothing of the internals.
/// Only requests under <c>/api</c> are handled; the pages show their own error page.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
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
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problems.Of(StatusCodes.Status413PayloadTooLarge, RequestLimits.TooLarge(null, httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0)),
            BadHttpRequestException { InnerException: JsonException json } => BodyProblem(json),
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

    /// <summary>
    /// A body the JSON reader refused, as a 400 that names the member: an unknown one (a typo such as
    /// <c>dry-run</c> for <c>dryRun</c>) with the members the body has, or one of the wrong type.
    /// </summary>
    private ProblemDetails BodyProblem(JsonException json)
    {
        string field;
        string message;
        if (json.Message.Contains("could not be mapped", StringComparison.Ordinal) && Quoted(json.Message) is { Count: > 0 } quoted)
        {
            field = quoted[0];
            var known = quoted.Count > 1 && KnownMembers(quoted[^1]) is { Count: > 0 } members ? $" The body's fields are: {string.Join(", ", members)}." : string.Empty;
            message = $"The field '{field}' is not known, so nothing was done.{known}";
        }
        else
        {
            field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            message = field == "body" ? "The body is not valid JSON of the expected shape." : $"The field '{field}' has the wrong type or format.";
        }

        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = Problems.TitleOf(StatusCodes.Status400BadRequest),
            Detail = message + " See the OpenAPI document at /openapi/v1.json.",
            Type = Problems.TypeOf(StatusCodes.Status400BadRequest),
        };
        return problem;
    }

    /// <summary>The JSON names of a body type's members, from the API's own serializer settings.</summary>
    private List<string> KnownMembers(string typeName)
    {
        var type = typeof(ApiExceptionHandler).Assembly.GetType(typeName);
        return type is null ? [] : [.. json.Value.SerializerOptions.GetTypeInfo(type).Properties.Select(p => p.Name)];
    }

    private static List<string> Quoted(string message)
    {
        var found = new List<string>();
        for (var start = message.IndexOf('\'', StringComparison.Ordinal); start >= 0;)
        {
            var end = message.IndexOf('\'', start + 1);
            if (end < 0)
            {
                break;
            }

            found.Add(message[(start + 1)..end]);
            start = message.IndexOf('\'', end + 1);
        }

        return found;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error handling {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, string method, string path, Exception exception);
}
