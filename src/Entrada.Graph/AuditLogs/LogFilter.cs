using System.Globalization;
using Entrada.Core;
using Entrada.Graph.Client;

namespace Entrada.Graph.AuditLogs;

/// <summary>
/// Builds the <c>$filter</c> of a log query from typed inputs, one clause each, joined by <c>and</c>:
/// every text value an escaped OData literal (<see cref="ODataQuery.Literal"/>), every time an
/// unquoted UTC date-time literal, so no input can change the filter's shape.
/// </summary>
internal sealed class LogFilter
{
    private readonly List<string> _clauses = [];

    /// <summary>An OData date-time literal in UTC: <c>2024-07-01T00:00:00Z</c>.</summary>
    public static string DateTime(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>{path} eq '{value}'</c>, when a value is given.</summary>
    public LogFilter Equal(string path, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            _clauses.Add($"{path} eq {ODataQuery.Literal(value.Trim())}");
        }

        return this;
    }

    /// <summary>A clause as written, when <paramref name="when"/> holds.</summary>
    public LogFilter Raw(bool when, string clause)
    {
        if (when)
        {
            _clauses.Add(clause);
        }

        return this;
    }

    /// <summary><c>{path} ge {since} and {path} le {until}</c>, for the bounds given.</summary>
    public LogFilter Window(string path, DateTimeOffset? since, DateTimeOffset? until)
    {
        if (since is { } s)
        {
            _clauses.Add($"{path} ge {DateTime(s)}");
        }

        if (until is { } u)
        {
            _clauses.Add($"{path} le {DateTime(u)}");
        }

        return this;
    }

    /// <summary>The filter, or null when nothing narrows the list.</summary>
    public string? Build() => _clauses.Count == 0 ? null : string.Join(" and ", _clauses);

    /// <summary>The problems with a time window: a start after its end.</summary>
    public static IEnumerable<ValidationError> CheckWindow(DateTimeOffset? since, DateTimeOffset? until, int? max)
    {
        if (since is { } s && until is { } u && s > u)
        {
            yield return new ValidationError("since", $"'since' ({DateTime(s)}) is after 'until' ({DateTime(u)}).");
        }

        if (max is <= 0)
        {
            yield return new ValidationError("max", $"'max' must be a positive number, not {max}.");
        }
    }

    /// <summary>Whether a user is named by object ID (else by user principal name).</summary>
    public static bool IsObjectId(string value) => Guid.TryParse(value, out _);
}
