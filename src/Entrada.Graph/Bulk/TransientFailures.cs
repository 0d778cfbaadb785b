using Entrada.Graph.Client;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.Bulk;

/// <summary>
/// Which failures of a bulk run are worth sending again, and after how long Graph asked to wait.
/// Retried: 429 (throttled), 503 (unavailable) and 504 (gateway timeout), whatever the error code;
/// 500 only when Graph's code says the service was unavailable or timed out; a whole <c>$batch</c>
/// whose connection dropped or timed out. Never retried: any other status (400, 401, 403, 404, 409,
/// a plain 500 …) — sending those again would get the same answer.
/// </summary>
internal static class TransientFailures
{
    /// <summary>Graph's error codes that make a 500 transient.</summary>
    public static IReadOnlySet<string> TransientServerErrorCodes { get; } = new HashSet<string>(["serviceNotAvailable", "timeout"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether an answer with <paramref name="status"/> and Graph's <paramref name="errorCode"/> is worth sending again.</summary>
    public static bool IsTransient(int status, string? errorCode) => status switch
    {
        429 or 503 or 504 => true,
        500 => errorCode is not null && TransientServerErrorCodes.Contains(errorCode),
        _ => false,
    };

    /// <summary>Whether the step's answer is worth sending again.</summary>
    public static bool IsTransient(BatchStepResult answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return IsTransient(answer.Status, answer.ErrorCode);
    }

    /// <summary>How long Graph asked to wait before the step is sent again (its own <c>Retry-After</c>), if it said.</summary>
    public static TimeSpan? RetryAfterOf(BatchStepResult answer, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(answer);
        return answer.Headers.TryGetValue(RetryAfter.HeaderName, out var value) ? RetryAfter.Parse(value, time) : null;
    }

    /// <summary>
    /// Whether a whole <c>$batch</c> that failed with <paramref name="failure"/> is worth sending
    /// again, and the wait its answer's <c>Retry-After</c> asked for. Cancellation by
    /// <paramref name="cancellationToken"/> is never transient; a timeout of the request itself is.
    /// </summary>
    public static bool IsTransient(Exception failure, TimeProvider time, CancellationToken cancellationToken, out TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(failure);
        retryAfter = null;
        switch (failure)
        {
            case ApiException api when IsTransient(api.ResponseStatusCode, (api as ODataError)?.Error?.Code):
                retryAfter = RetryAfter.From(api.ResponseHeaders, time);
                return true;
            case HttpRequestException:
                return true;
            case TaskCanceledException when !cancellationToken.IsCancellationRequested:
                return true;
            default:
                return false;
        }
    }
}
