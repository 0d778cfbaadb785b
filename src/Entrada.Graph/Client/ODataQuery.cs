using System.Text.RegularExpressions;

namespace Entrada.Graph.Client;

/// <summary>Building OData queries from user input safely.</summary>
internal static partial class ODataQuery
{
    /// <summary>The page size asked of Graph: 999 (Graph's maximum for directory objects) unless fewer are wanted.</summary>
    public static int PageSize(int? max, int limit = 999) => max is { } m && m > 0 && m < limit ? m : limit;

    /// <summary>
    /// An OData string literal: quoted, with apostrophes doubled, so a value such as
    /// <c>O'Brien</c> is matched as written and cannot end the literal and change the filter.
    /// </summary>
    public static string Literal(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// Whether a directory query needs Graph's advanced query capabilities
    /// (<c>ConsistencyLevel: eventual</c> and <c>$count=true</c>): <c>$search</c>, <c>endsWith</c>,
    /// <c>ne</c>, <c>not</c>, <c>$count</c> in a filter, or counting a collection.
    /// </summary>
    public static bool NeedsAdvancedQuery(string? filter, string? search) =>
        !string.IsNullOrWhiteSpace(search) || (filter is not null && AdvancedOperator().IsMatch(filter));

    /// <summary><c>$search</c> wants its terms in double quotes (<c>"displayName:ann"</c>); adds them when missing.</summary>
    public static string? Search(string? search)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return null;
        }

        var trimmed = search.Trim();
        return trimmed.StartsWith('"') ? trimmed : "\"" + trimmed.Replace("\"", string.Empty, StringComparison.Ordinal) + "\"";
    }

    /// <summary>Splits a <c>select</c> input (<c>id,displayName</c>) into property names.</summary>
    public static string[]? Select(IReadOnlyList<string>? select) =>
        select is null || select.Count == 0 ? null : [.. select.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase)];

    [GeneratedRegex(@"\bendswith\s*\(|\s(ne|not)\s|^not\s|\$count|/\$count", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AdvancedOperator();
}
