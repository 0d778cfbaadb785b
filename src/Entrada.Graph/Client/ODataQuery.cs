using System.Text.RegularExpressions;
using Microsoft.Kiota.Abstractions;

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

    /// <summary>
    /// Sets the query of a directory collection read on the SDK's request for it: <c>$top</c> (the
    /// page size for <paramref name="max"/>), <c>$filter</c>, <c>$search</c> (quoted), <c>$select</c>
    /// and — when the query needs Graph's advanced capabilities, or the caller says it does
    /// (<paramref name="advanced"/>) — <c>$count=true</c> with <c>ConsistencyLevel: eventual</c>. One
    /// place for what every list action asks, whatever the collection's own query-parameter type.
    /// </summary>
    public static RequestInformation Collection(RequestInformation request, string? filter, string? search, string[] select, int? max, bool advanced = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(select);
        // The names of Graph's URL templates (what the SDK's typed query parameters are sent as).
        request.QueryParameters["%24top"] = PageSize(max);
        request.QueryParameters["%24select"] = select;
        if (!string.IsNullOrEmpty(filter))
        {
            request.QueryParameters["%24filter"] = filter;
        }

        if (Search(search) is { } quoted)
        {
            request.QueryParameters["%24search"] = quoted;
        }

        if (advanced || NeedsAdvancedQuery(filter, search))
        {
            request.QueryParameters["%24count"] = true;
            request.Headers.Add("ConsistencyLevel", "eventual");
        }

        return request;
    }

    [GeneratedRegex(@"\bendswith\s*\(|\s(ne|not)\s|^not\s|\$count|/\$count", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AdvancedOperator();
}
