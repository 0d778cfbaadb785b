using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Server.Keys;
using Entrada.Server.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Apis;

/// <summary>
/// The one table that turns Entrada's errors into RFC 9457 problem details: the exit code a
/// CLI user would see decides the HTTP status, so every edge agrees on what a failure means.
/// </summary>
internal static class Problems
{
    /// <summary>The status for an error: 404 unknown name, 409 taken name, 400 invalid input, 502 the remote service, 403 a missing permission.</summary>
    public static int StatusOf(EntradaException exception) => exception switch
    {
        ConnectionNotFoundException or UnknownActionException or ApiKeyNotFoundException or RunNotFoundException or Core.Jobs.JobNotFoundException => StatusCodes.Status404NotFound,
        Core.Jobs.JobFinishedException => StatusCodes.Status409Conflict,
        ConnectionAlreadyExistsException => StatusCodes.Status409Conflict,
        GraphRequestException { Status: 404 } => StatusCodes.Status404NotFound,
        GraphRequestException { Status: 400 } => StatusCodes.Status400BadRequest,
        GraphRequestException { Status: 409 } => StatusCodes.Status409Conflict,
        _ => exception.ExitCode switch
        {
            ExitCodes.InvalidInput => StatusCodes.Status400BadRequest,
            ExitCodes.PermissionMissing => StatusCodes.Status403Forbidden,
            ExitCodes.AuthenticationFailure => StatusCodes.Status502BadGateway,
            ExitCodes.RemoteFailure => StatusCodes.Status502BadGateway,
            _ => StatusCodes.Status500InternalServerError,
        },
    };

    /// <summary>A short title for a status.</summary>
    public static string TitleOf(int status, EntradaException? exception = null) => status switch
    {
        400 when exception is EntradaValidationException or ConnectionNameImmutableException => "The input is not valid.",
        400 => "The request cannot be carried out as given.",
        401 => "An API key is required.",
        403 => "A permission is missing.",
        404 => "Not found.",
        409 => "Conflict.",
        429 => "Too many failed sign-in attempts.",
        502 when exception?.ExitCode == ExitCodes.AuthenticationFailure => "The connection could not authenticate or reach its service.",
        502 => "The remote service refused or failed the operation.",
        _ => "An unexpected error occurred.",
    };

    /// <summary>The problem details of an Entrada error; validation errors are keyed by field.</summary>
    public static ProblemDetails From(EntradaException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var status = StatusOf(exception);
        var errors = exception switch
        {
            EntradaValidationException v => v.Errors
                .GroupBy(e => e.Field, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal),
            ConnectionNameImmutableException n => new Dictionary<string, string[]> { ["name"] = [n.Message] },
            _ => null,
        };

        ProblemDetails problem = errors is null ? new ProblemDetails() : new HttpValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = TitleOf(status, exception);
        problem.Detail = exception.Message;
        problem.Type = TypeOf(status);
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
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        502 => "https://tools.ietf.org/html/rfc9110#section-15.6.3",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };

    /// <summary>A typed result carrying the problem details of an error.</summary>
    public static ProblemHttpResult Result(EntradaException exception) => TypedResults.Problem(From(exception));
}
