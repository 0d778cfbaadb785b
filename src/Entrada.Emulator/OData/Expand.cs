using System.Globalization;
using Entrada.Emulator.Graph;
using Entrada.Emulator.State;

namespace Entrada.Emulator.OData;

/// <summary>A navigation property that <c>$expand</c> can follow: its name, whether it holds one object, and how to read it from the tenant.</summary>
internal sealed record Navigation(string Name, bool IsSingle, IReadOnlyList<EntitySchema> Targets, Func<EmulatorState, Entity, IReadOnlyList<Entity>> Read);

/// <summary>One parsed <c>$expand</c>: the navigation, the <c>$select</c> inside it, for <c>manager</c> <c>$levels</c>, and the tenant it reads.</summary>
internal sealed record Expansion(Navigation Navigation, IReadOnlyList<string>? Select, int Levels, EmulatorState State)
{
    /// <summary>The expansion's part of a context URL: <c>members(id,displayName)</c>, or <c>members()</c> without <c>$select</c>.</summary>
    public string ContextSuffix => Navigation.Name + "(" + (Select is null ? string.Empty : string.Join(',', Select)) + ")";
}

/// <summary>
/// <c>$expand</c> on directory objects, with Graph's limits: one relationship per request, one level (only
/// <c>manager</c> takes <c>$levels</c>), <c>$select</c> the only option inside, at most 20 expanded items,
/// pages of at most 100 objects, and no advanced queries.
/// </summary>
internal static class Expand
{
    /// <summary>Graph returns at most this many items of an expanded collection, without a next link.</summary>
    public const int MaxItems = 20;

    /// <summary>A page of directory objects with an expansion holds at most this many objects, whatever <c>$top</c> asks.</summary>
    public const int MaxPageSize = 100;

    private static readonly EntitySchema[] Directory = [Schemas.User, Schemas.Group, Schemas.DirectoryRole];

    private static readonly Navigation MemberOf = new("memberOf", false, Directory, (_, e) => Sorted(((DirectoryObject)e).MemberOf));

    /// <summary>
    /// The navigation properties served per type, each read from the tenant (under its lock); <c>manager</c> and
    /// <c>directReports</c> read the reporting line (a user without a manager has no <c>manager</c> property).
    /// </summary>
    private static readonly Dictionary<EntitySchema, Navigation[]> ByType = new()
    {
        [Schemas.User] =
        [
            MemberOf,
            new("manager", true, [Schemas.User], (s, e) => s.ManagerOfLocked((UserObject)e) is { } manager ? [manager] : []),
            new("directReports", false, Directory, (s, e) => Sorted(s.DirectReportsLocked((DirectoryObject)e))),
        ],
        [Schemas.Group] =
        [
            new("members", false, Directory, (_, e) => ((GroupObject)e).Members),
            new("owners", false, Directory, (_, e) => ((GroupObject)e).Owners),
            MemberOf,
        ],
        [Schemas.DirectoryRole] =
        [
            new("members", false, Directory, (_, e) => ((RoleObject)e).Members),
        ],
    };

    private static List<Entity> Sorted(IEnumerable<DirectoryObject> items) => [.. items.OrderBy(i => i.Seq)];

    /// <summary>Parses and checks <c>$expand</c> against the types a response may hold; null when there is none.</summary>
    public static Expansion? Parse(GraphRequest request, IReadOnlyList<EntitySchema> schemas)
    {
        if (!request.Query.TryGetValue("$expand", out var text) || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var parts = SplitTopLevel(text, ',');
        if (parts.Count > 1)
        {
            throw GraphException.BadRequest($"Only one navigation property can be expanded in a single request; the request expands {parts.Count}: '{text}'.");
        }

        if (QueryEngine.IsAdvanced(request))
        {
            throw GraphException.Unsupported("'$expand' is not supported with advanced queries ($count=true or $search with ConsistencyLevel: eventual).");
        }

        var part = parts[0];
        var open = part.IndexOf('(', StringComparison.Ordinal);
        var name = (open < 0 ? part : part[..open]).Trim();
        if (name == "*")
        {
            throw GraphException.BadRequest("Expanding every navigation property ('*') is not supported on directory objects; name one.");
        }

        var navigation = schemas.SelectMany(s => ByType.GetValueOrDefault(s) ?? []).FirstOrDefault(n => n.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw GraphException.BadRequest($"Could not find a property named '{name}' on type '{schemas[0].TypeName}'.");

        IReadOnlyList<string>? select = null;
        var levels = 1;
        if (open >= 0)
        {
            if (!part.EndsWith(')'))
            {
                throw GraphException.BadRequest($"Syntax error in '$expand={text}': ')' expected.");
            }

            foreach (var option in SplitTopLevel(part[(open + 1)..^1], ';'))
            {
                var eq = option.IndexOf('=', StringComparison.Ordinal);
                var key = (eq < 0 ? option : option[..eq]).Trim();
                var value = eq < 0 ? string.Empty : option[(eq + 1)..].Trim();
                switch (key.ToLowerInvariant())
                {
                    case "$select" or "select":
                        select = ParseSelect(value, navigation.Targets);
                        break;
                    case "$levels" or "levels" when navigation.Name == "manager":
                        levels = value.Equals("max", StringComparison.OrdinalIgnoreCase) ? int.MaxValue
                            : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
                            : throw GraphException.BadRequest($"Invalid value '{value}' for $levels: use a positive number or 'max'.");
                        break;
                    case "$levels" or "levels":
                        throw GraphException.BadRequest("'$levels' is supported only when expanding 'manager'.");
                    case "$expand" or "expand":
                        throw GraphException.BadRequest("Only one level of '$expand' is supported on directory objects.");
                    default:
                        throw GraphException.BadRequest($"Query option '{key}' is not supported inside '$expand' on directory objects; only '$select' is.");
                }
            }
        }

        return new Expansion(navigation, select, levels, request.State ?? throw new InvalidOperationException("$expand reads the tenant: the request must be run by GraphApi."));
    }

    /// <summary>Whether an entity of this type has the expanded navigation (a polymorphic page mixes types).</summary>
    public static bool Applies(Expansion expansion, Entity entity) =>
        ByType.TryGetValue(entity.Schema, out var navigations) && navigations.Any(n => n.Name == expansion.Navigation.Name);

    /// <summary>Reads the expanded items of one entity through that entity type's own navigation.</summary>
    public static IReadOnlyList<Entity> Items(Expansion expansion, Entity entity)
    {
        var navigation = ByType[entity.Schema].First(n => n.Name == expansion.Navigation.Name);
        var items = navigation.Read(expansion.State, entity);
        return items.Count > MaxItems ? [.. items.Take(MaxItems)] : items;
    }

    private static string[] ParseSelect(string value, IReadOnlyList<EntitySchema> targets)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var n in names)
        {
            if (!targets.Any(s => s.TryGet(n, out _)))
            {
                throw GraphException.BadRequest($"Could not find a property named '{n}' on type '{targets[0].TypeName}'.");
            }
        }

        return names;
    }

    /// <summary>Splits on a separator outside parentheses: <c>a($select=x,y),b</c> is two parts.</summary>
    private static List<string> SplitTopLevel(string text, char separator)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                default:
                    if (text[i] == separator && depth == 0)
                    {
                        parts.Add(text[start..i].Trim());
                        start = i + 1;
                    }

                    break;
            }
        }

        parts.Add(text[start..].Trim());
        return [.. parts.Where(p => p.Length > 0)];
    }
}
