using Entrada.Emulator.Graph;
using Entrada.Emulator.State;

namespace Entrada.Emulator.OData;

/// <summary><c>$search</c>: Graph's tokenised prefix match on searchable properties, with its ConsistencyLevel rule for directory objects.</summary>
internal static class SearchParser
{
    /// <summary>Parses <c>$search</c> into a predicate, or null when there is none; clauses are <c>"property:term"</c>, AND binds tighter than OR.</summary>
    public static Func<T, bool>? Parse<T>(GraphRequest request, CollectionRules rules, IReadOnlyList<EntitySchema> schemas)
        where T : Entity
    {
        if (!request.Query.TryGetValue("$search", out var text) || text.Length == 0)
        {
            return null;
        }

        if (!rules.AllowSearch)
        {
            throw GraphException.Unsupported("This resource does not support $search.");
        }

        if (rules.DirectoryObjects && !request.IsEventual)
        {
            throw GraphException.Unsupported("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
        }

        // "a:b" OR "c:d" AND "e:f": AND binds tighter than OR.
        var groups = new List<List<(string Property, string Term)>> { new() };
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            if (text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                if (end < 0)
                {
                    throw GraphException.BadRequest("Syntax error: the $search clause has an unclosed quote.");
                }

                var clause = text[(i + 1)..end];
                var colon = clause.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    throw GraphException.BadRequest($"Syntax error: character '\"' is not valid at position {i} in '{text}'. A $search clause is \"property:value\".");
                }

                var property = clause[..colon];
                if (!schemas.Any(s => s.TryGet(property, out var p) && p.Searchable))
                {
                    throw GraphException.BadRequest($"Invalid search property '{property}'.");
                }

                groups[^1].Add((property, clause[(colon + 1)..]));
                i = end + 1;
                continue;
            }

            var word = new string([.. text.Skip(i).TakeWhile(c => !char.IsWhiteSpace(c))]);
            if (word.Equals("OR", StringComparison.Ordinal))
            {
                groups.Add([]);
            }
            else if (!word.Equals("AND", StringComparison.Ordinal))
            {
                throw GraphException.BadRequest($"Syntax error: '{word}' is not valid in '{text}'. A $search clause is \"property:value\".");
            }

            i += word.Length;
        }

        return item => groups.Any(g => g.Count > 0 && g.All(t => SearchMatches(item, t.Property, t.Term)));
    }

    private static bool SearchMatches(Entity item, string property, string term)
    {
        if (!item.Schema.TryGet(property, out var p) || item.Get(p) is not string value)
        {
            return false;
        }

        // Graph tokenises on spaces, punctuation and case changes; a term matches the start of a token.
        if (value.StartsWith(term, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        for (var i = 1; i < value.Length; i++)
        {
            if (!char.IsLetterOrDigit(value[i - 1]) && value.AsSpan(i).StartsWith(term, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
