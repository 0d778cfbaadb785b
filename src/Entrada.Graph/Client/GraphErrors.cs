using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Graph.Credentials;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using AuthenticationFailedException = Entrada.Core.AuthenticationFailedException;

namespace Entrada.Graph.Client;

/// <summary>
/// The one table from Graph's answers to Entrada's errors: 401 → authentication (exit 3),
/// 403 → the permission missing with the consent link (exit 4), 404 → which object was not found,
/// 400 → Graph's own message, 429/503/504 after the retries → still throttled (transient).
/// </summary>
internal static class GraphErrors
{
    /// <summary>Whether <paramref name="ex"/> is something this table translates.</summary>
    public static bool IsTranslatable(Exception ex, CancellationToken cancellationToken) =>
        ex is not EntradaException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    /// <summary>Translates a failure of a Graph call made for <paramref name="action"/>.</summary>
    /// <param name="ex">What was thrown.</param>
    /// <param name="action">The action (its permission names what to grant on 403).</param>
    /// <param name="connection">The connection (for the consent URL).</param>
    /// <param name="subject">What the request was about, for 404: <c>user 'x'</c>.</param>
    public static EntradaException Translate(Exception ex, ActionDescriptor? action, Connection connection, string? subject)
    {
        ArgumentNullException.ThrowIfNull(ex);
        ArgumentNullException.ThrowIfNull(connection);
        switch (ex)
        {
            case EntradaException entrada:
                return entrada;
            case ODataError odata:
                return FromStatus(odata.ResponseStatusCode, odata.Error?.Code, odata.Error?.Message, RequestIdOf(odata), action, connection, subject, ex);
            case ApiException api:
                return FromStatus(api.ResponseStatusCode, null, api.Message, null, action, connection, subject, ex);
            case Azure.Identity.AuthenticationFailedException or Azure.Identity.CredentialUnavailableException:
                return AadstsTranslator.Translate(ex, connection);
            case AggregateException aggregate when aggregate.Flatten().InnerExceptions.OfType<ApiException>().LastOrDefault() is { } last:
                // The retry middleware gave up ("Too many retries performed"): the last answer says why.
                return FromStatus(last.ResponseStatusCode, (last as ODataError)?.Error?.Code ?? "TooManyRequests", (last as ODataError)?.Error?.Message, null, action, connection, subject, ex);
            case UriFormatException or FormatException or ArgumentException:
                // Thrown while the request was being built here (its URL, a header), before anything
                // was sent: the input is at fault, not the network.
                return new EntradaValidationException(
                    "input",
                    $"The request for {(action is null ? "Graph" : $"'{action.Id}'")} could not be made from the input{(subject is null ? string.Empty : $" ({subject})")}: {ex.Message.ReplaceLineEndings(" ")} Nothing was sent to Graph; check the input's fields.");
            case HttpRequestException { HttpRequestError: HttpRequestError.Unknown, InnerException: null or ArgumentException or FormatException }:
                return new EntradaValidationException(
                    "input",
                    $"The request for {(action is null ? "Graph" : $"'{action.Id}'")} could not be sent as given ({ex.Message.ReplaceLineEndings(" ")}); check the input's fields, such as a header or ID with a line break.");
            case HttpRequestException:
                return new AuthenticationFailedException(
                    $"Could not reach Microsoft Graph at '{connection.Cloud.GraphEndpoint}' for connection '{connection.Name}'. Check the network, the Graph endpoint and the CA certificate.",
                    "unreachable",
                    ex);
            case TaskCanceledException or TimeoutException:
                return new RemoteOperationException($"Microsoft Graph at '{connection.Cloud.GraphEndpoint}' did not answer in time. Try again.", ex, isTransient: true);
            default:
                return new RemoteOperationException($"The Graph call failed unexpectedly ({ex.GetType().Name}).", ex);
        }
    }

    /// <summary>Translates a status and Graph error (also used for the parts of a <c>$batch</c>).</summary>
    public static EntradaException FromStatus(int status, string? code, string? message, string? requestId, ActionDescriptor? action, Connection connection, string? subject, Exception? inner = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var reference = requestId is null ? string.Empty : $" (request-id {requestId})";
        switch (status)
        {
            case 401:
                return new AuthenticationFailedException(
                    $"Graph refused the token of connection '{connection.Name}' (401 {code}){reference}.",
                    code,
                    inner)
                {
                    Next = new NextStep(NextStepKind.TestConnection, connection.Name),
                };
            case 403:
                return PermissionDenied(action, connection, code, message, reference, inner);
            case 404:
                return new GraphRequestException(
                    subject is null ? $"Graph found no such object (404 {code}){reference}: {message}" : $"Graph found no {subject} (404 {code}){reference}. Check the ID or name.",
                    status, code, requestId, inner);
            case 429 or 503 or 504:
                return new GraphRequestException(
                    $"Graph is still throttling or unavailable ({status} {code}) after Entrada waited and retried as Graph asked{reference}. Try again later, or run fewer items at once.",
                    status, code, requestId, inner, isTransient: true);
            default:
                return new GraphRequestException(
                    $"Graph refused the request ({status} {code}){reference}: {message ?? "no message"}",
                    status, code, requestId, inner, isTransient: status >= 500);
        }
    }

    /// <summary>The sentence and exception for a 403: which permission, which would also do, who grants it.</summary>
    public static PermissionMissingException PermissionDenied(ActionDescriptor? action, Connection connection, string? code, string? message, string reference, Exception? inner)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var requirement = action?.PermissionFor(connection.Method);
        var consent = connection.TenantId is { } t && connection.ClientId is { } c ? connection.Cloud.AdminConsentUrl(t, c).ToString() : null;
        if (requirement is null)
        {
            return new PermissionMissingException(
                $"Graph refused the request (403 {code}){reference}: {message}. The app lacks a permission or an administrator role this call needs"
                + (consent is null ? "." : $"; an administrator grants permissions at {consent}."),
                null,
                inner);
        }

        var kind = connection.Method == ConnectionMethod.OAuth ? "delegated" : "application";
        var also = requirement.AlsoRequired.Count > 0 ? $" together with {string.Join(", ", requirement.AlsoRequired.Select(r => r.Least))}" : string.Empty;
        var higher = requirement.Higher.Count > 0 ? $" ({string.Join(" or ", requirement.Higher)} would also do)" : string.Empty;
        return new PermissionMissingException(
            $"Graph refused '{action!.Id}' (403 {code}){reference}: the app needs the {kind} permission {requirement.Least}{also}{higher}. "
            + "An administrator adds it under the app registration's 'API permissions' (Microsoft Graph → Application permissions) and grants admin consent"
            + (consent is null ? "." : $", or opens {consent}.")
            + " If the permission is granted, the target may need an administrator role (for example a privileged user).",
            requirement.Least,
            inner);
    }

    private static string? RequestIdOf(ODataError error)
    {
        if (error.Error?.InnerError?.RequestId is { Length: > 0 } id)
        {
            return id;
        }

        return error.ResponseHeaders.TryGetValue("request-id", out var values) ? values.FirstOrDefault() : null;
    }
}
