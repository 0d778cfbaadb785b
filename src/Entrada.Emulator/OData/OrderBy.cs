using System.Globalization;
using Entrada.Emulator.Graph;
using Entrada.Emulator.State;

namespace Entrada.Emulator.OData;

/// <summary><c>$orderby</c>: sortable properties only, except that an advanced query may sort any string or date.</summary>
internal static class OrderByParser
{
    /// <summary>Parses <c>$orderby</c> into an ordering (ties broken by insertion order), or null when there is none.</summary>
    public static Func<IEnumerable<T>, IEnumerable<T>>? Parse<T>(GraphRequest request, CollectionRules rules, IReadOnlyList<EntitySchema> schemas, bool advanced, bool filtered)
        where T : Entity
    {
        if (!request.Query.TryGetValue("$orderby", out var text) || text.Length == 0)
        {
            return null;
        }

        if (!rules.AllowOrderBy)
        {
            throw GraphException.Unsupported("Sorting not supported for current query.");
        }

        if (rules.DirectoryObjects && filtered && !advanced)
        {
            throw GraphException.Unsupported("Sorting not supported for current query.");
        }

        var keys = new List<(string Name, bool Descending)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bits = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var name = bits[0];
            var descending = bits.Length > 1 && bits[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
            var known = schemas.Select(s => s.TryGet(name, out var p) ? p : null).FirstOrDefault(p => p is not null);
            if (known is null)
            {
                throw GraphException.BadRequest($"Could not find a property named '{name}' on type '{schemas[0].TypeName}'.");
            }

            if (!known.Sortable && !(advanced && known.Kind is PropertyKind.String or PropertyKind.DateTime))
            {
                throw GraphException.Unsupported($"Sorting not supported for current query: '{name}' is not a sortable property.");
            }

            keys.Add((name, descending));
        }

        return source =>
        {
            IOrderedEnumerable<T>? ordered = null;
            foreach (var (name, descending) in keys)
            {
                Func<T, string> key = e => e.Schema.TryGet(name, out var p) ? SortKey(e.Get(p)) : string.Empty;
                ordered = ordered is null
                    ? descending ? source.OrderByDescending(key, StringComparer.OrdinalIgnoreCase) : source.OrderBy(key, StringComparer.OrdinalIgnoreCase)
                    : descending ? ordered.ThenByDescending(key, StringComparer.OrdinalIgnoreCase) : ordered.ThenBy(key, StringComparer.OrdinalIgnoreCase);
            }

            return ordered!.ThenBy(e => e.Seq);
        };
    }

    private static string SortKey(object? value) => value switch
    {
        null => string.Empty,
        DateTimeOffset d => PropertyValues.FormatDate(d),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
