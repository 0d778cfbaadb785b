using System.Globalization;
using System.Net.Http.Headers;

namespace Entrada.Graph.Client;

/// <summary>
/// The one reading of Graph's <c>Retry-After</c>, wherever it comes from: the outer response of any
/// request, an <see cref="Microsoft.Kiota.Abstractions.ApiException"/>'s headers, or the headers of
/// one step inside a <c>$batch</c> answer (which arrive as plain JSON strings, not typed headers).
/// </summary>
/// <remarks>
/// RFC 9110 allows a whole number of seconds or an HTTP-date (IMF-fixdate,
/// <c>Fri, 14 Mar 2025 09:27:03 GMT</c>); Graph's services also send decimal seconds (<c>1.5</c>),
/// so those are accepted too. A date is read against the run's
/// <see cref="TimeProvider"/>, never the machine's clock, and one already past means "now". A value
/// that is negative, empty or unreadable names no wait: the caller backs off on its own.
/// </remarks>
internal static class RetryAfter
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "Retry-After";

    /// <summary>How long <paramref name="value"/> asks to wait, or null when it names no valid wait.</summary>
    /// <param name="value">The header's raw value.</param>
    /// <param name="time">The clock an HTTP-date is measured against.</param>
    public static TimeSpan? Parse(string? value, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var text = value?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            // TimeSpan.FromSeconds throws beyond ~29,000 years; such a wait is no wait we would honour either.
            return seconds >= 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>The wait the first <c>Retry-After</c> of <paramref name="headers"/> asks for (names compared case-insensitively).</summary>
    public static TimeSpan? From(IEnumerable<KeyValuePair<string, IEnumerable<string>>>? headers, TimeProvider time)
    {
        foreach (var (name, values) in headers ?? [])
        {
            if (string.Equals(name, HeaderName, StringComparison.OrdinalIgnoreCase))
            {
                return Parse(values.FirstOrDefault(), time);
            }
        }

        return null;
    }

    /// <summary>
    /// The wait an HTTP response's <c>Retry-After</c> asks for, read from the raw value (the typed
    /// <see cref="HttpResponseHeaders.RetryAfter"/> drops decimal seconds as invalid).
    /// </summary>
    public static TimeSpan? From(HttpResponseHeaders headers, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.NonValidated.TryGetValues(HeaderName, out var values) ? Parse(values.FirstOrDefault(), time) : null;
    }
}
