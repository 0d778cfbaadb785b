using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Runs;
using Entrada.Graph.Client;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Apis;

/// <summary>
/// The one table that turns Entrada's errors into RFC 9457 problem details: an error's
/// <see cref="ErrorKind"/> decides the HTTP status and the title, and its next step is worded as
/// the API's route (the CLI words the same step as its command).
/// </summary>
internal static class Problems
{
    /// <summary>The status of each kind of error.</summary>
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput or ErrorKind.RemoteRejected => StatusCodes.Status400BadRequest,
        ErrorKind.PermissionMissing => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound or ErrorKind.RemoteNotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict or ErrorKind.RemoteConflict or ErrorKind.Cancelled => StatusCodes.Status409Conflict,
        ErrorKind.Throttled => StatusCodes.Status429TooManyRequests,
        ErrorKind.Authentication or ErrorKind.RemoteFailure => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The status for an error.</summary>
    public static int StatusOf(EntradaException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return StatusOf(exception.Kind);
    }

    /// <summary>A short title for each kind of error.</summary>
    public static string TitleOf(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidInput => "The input is not valid.",
        ErrorKind.RemoteRejected => "The request cannot be carried out as given.",
        ErrorKind.PermissionMissing => "A permission is missing.",
        ErrorKind.NotFound or ErrorKind.RemoteNotFound => "Not found.",
        ErrorKind.Conflict or ErrorKind.RemoteConflict => "Conflict.",
        ErrorKind.Cancelled => "The run was cancelled.",
        ErrorKind.Throttled => "The service is throttling requests.",
        ErrorKind.Authentication => "The connection could not authenticate or reach its service.",
        ErrorKind.RemoteFailure => "The remote service refused or failed the operation.",
        ErrorKind.Configuration => "The server's stored state cannot be used.",
        _ => "An unexpected error occurred.",
    };

    /// <summary>A short title for a status the server answers by itself.</summary>
    public static string TitleOf(int status) => status switch
    {
        400 => "The request cannot be carried out as given.",
        401 => "An API key is required.",
        403 => "A permission is missing.",
        404 => "Not found.",
        409 => "Conflict.",
        413 => "The request body is too large.",
        429 => "Too many failed sign-in attempts.",
        502 => "The remote service refused or failed the operation.",
        _ => "An unexpected error occurred.",
    };

    /// <summary>A next step in the API's terms: the route that does it.</summary>
    public static string? HintOf(NextStep? next) => next is null ? null : next.Kind switch
    {
        NextStepKind.ListConnections => "List them with GET /api/v1/connections.",
        NextStepKind.UpdateConnection => next.Target is { } c ? $"Change it with PATCH /api/v1/connections/{Uri.EscapeDataString(c)}." : "Change it with PATCH /api/v1/connections/{name}.",
        NextStepKind.TestConnection => $"Test it with POST /api/v1/connections/{Uri.EscapeDataString(next.Target ?? "{name}")}/test.",
        NextStepKind.SignIn => "Sign it in again on its page.",
        NextStepKind.ListActions => "List them with GET /api/v1/actions.",
        NextStepKind.ShowAction => $"See its input schema at GET /api/v1/actions/{Uri.EscapeDataString(next.Target ?? "{id}")}.",
        NextStepKind.RunAction => $"Run {next.Target} to list them.",
        NextStepKind.ListJobs => "List them with GET /api/v1/jobs.",
        NextStepKind.ShowJob => $"See GET /api/v1/jobs/{Uri.EscapeDataString(next.Target ?? "{id}")}.",
        NextStepKind.ResumeJob => "Resume it from the command line.",
        NextStepKind.CancelJob => $"Cancel it with POST /api/v1/jobs/{Uri.EscapeDataString(next.Target ?? "{id}")}/cancel.",
        NextStepKind.ListRuns => "List recent runs with GET /api/v1/runs.",
        NextStepKind.ListKeys => "List them from the command line.",
        NextStepKind.ListRunners => "List them with GET /api/v1/runners.",
        _ => null,
    };

    /// <summary>A message with the API's hint for its next step.</summary>
    public static string WithHint(string? message, NextStep? next) =>
        HintOf(next) is { } hint ? $"{message} {hint}" : message ?? string.Empty;

    /// <summary>The problem details of an Entrada error; validation errors are keyed by field.</summary>
    public static ProblemDetails From(EntradaException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var problem = From(RunProblem.From(exception));
        switch (exception)
        {
            case UnknownActionException unknown when unknown.CloseMatches.Count > 0:
                problem.Extensions["closeMatches"] = unknown.CloseMatches;
                break;
            case PermissionMissingException { Permission: { } permission }:
                problem.Extensions["missingPermission"] = permission;
                break;
            case AuthenticationFailedException { Code: { } code }:
                problem.Extensions["errorCode"] = code;
                break;
            case GraphRequestException graph:
                problem.Extensions["graphStatus"] = graph.Status;
                break;
        }

        return problem;
    }

    /// <summary>The problem details of a run's problem (or of an error, through <see cref="RunProblem.From"/>).</summary>
    public static ProblemDetails From(RunProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var status = StatusOf(problem.Kind);
        ProblemDetails details = problem.Errors is { Count: > 0 } errors
            ? new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal))
            : new ProblemDetails();
        details.Status = status;
        details.Title = TitleOf(problem.Kind);
        details.Detail = WithHint(problem.Detail, problem.Next);
        details.Type = TypeOf(status);
        return details;
    }

    /// <summary>A problem with a status and a detail.</summary>
    public static ProblemDetails Of(int status, string detail) => new()
    {
        Status = status,
        Title = TitleOf(status),
        Detail = detail,
        Type = TypeOf(status),
    };

    /// <summary>The RFC 9110 section of a status, as the problem type.</summary>
    public static string TypeOf(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        502 => "https://tools.ietf.org/html/rfc9110#section-15.6.3",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };

    /// <summary>A typed result carrying the problem details of an error.</summary>
    public static ProblemHttpResult Result(EntradaException exception) => TypedResults.Problem(From(exception));
}
