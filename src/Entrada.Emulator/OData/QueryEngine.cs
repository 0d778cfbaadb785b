using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Entrada.Emulator.Graph;
using Entrada.Emulator.State;

namespace Entrada.Emulator.OData;

/// <summary>Serves entities and collections with <c>$select</c>, <c>$filter</c>, <c>$search</c>, <c>$orderby</c>, <c>$top</c>, <c>$count</c> and paging.</summary>
internal static class QueryEngine
{
    private const string AdvancedHint = "Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information";

    public static bool IsAdvanced(GraphRequest request) =>
        request.IsEventual && (IsTrue(request.Query.GetValueOrDefault("$count")) || request.Query.ContainsKey("$search"));

    private static bool IsTrue(string? value) => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    public static GraphResponse Entity(GraphRequest request, string graphBase, Entity entity, string contextSet, bool includeType = false, IReadOnlyList<string>? selectOverride = null)
    {
        if (request.IsCount)
        {
            // $count names a collection; an entity has none.
            throw GraphException.NoRoute("$count");
        }

        var select = selectOverride ?? ParseSelect(request, [entity.Schema]);
        var expansion = Expand.Parse(request, [entity.Schema]);
        var context = graphBase + "/$metadata#" + contextSet + (selectOverride is null ? SelectSuffix(request, expansion) : string.Empty) + "/$entity";
        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", context);
            WriteProperties(w, entity, select, includeType, expansion);
            w.WriteEndObject();
        });
    }

    public static void WriteEntity(Utf8JsonWriter w, Entity entity, IReadOnlyList<string>? select, bool includeType) =>
        WriteEntity(w, entity, select, includeType, expansion: null);

    /// <summary>Writes one entity with its selected properties and, when asked, the expanded navigation.</summary>
    public static void WriteEntity(Utf8JsonWriter w, Entity entity, IReadOnlyList<string>? select, bool includeType, Expansion? expansion)
    {
        w.WriteStartObject();
        WriteProperties(w, entity, select, includeType, expansion);
        w.WriteEndObject();
    }

    private static void WriteProperties(Utf8JsonWriter w, Entity entity, IReadOnlyList<string>? select, bool includeType, Expansion? expansion)
    {
        WriteProperties(w, entity, select, includeType);
        if (expansion is not null && Expand.Applies(expansion, entity))
        {
            WriteExpansion(w, entity, expansion, expansion.Levels, [entity]);
        }
    }

    private static void WriteExpansion(Utf8JsonWriter w, Entity entity, Expansion expansion, int levels, HashSet<Entity> path)
    {
        var items = Expand.Items(expansion, entity);
        if (expansion.Navigation.IsSingle)
        {
            // A single-valued navigation without a target is left out, as Graph does for a user without a manager.
            if (items.Count == 0)
            {
                return;
            }

            var target = items[0];
            w.WritePropertyName(expansion.Navigation.Name);
            w.WriteStartObject();
            WriteProperties(w, target, expansion.Select, includeType: true);
            if (levels > 1 && path.Add(target) && Expand.Applies(expansion, target))
            {
                WriteExpansion(w, target, expansion, levels - 1, path);
            }

            w.WriteEndObject();
            return;
        }

        w.WriteStartArray(expansion.Navigation.Name);
        foreach (var item in items)
        {
            WriteEntity(w, item, expansion.Select, includeType: true);
        }

        w.WriteEndArray();
    }

    /// <summary>Writes an entity's properties: the default set, or the selected ones (a directory object's id always).</summary>
    internal static void WriteProperties(Utf8JsonWriter w, Entity entity, IReadOnlyList<string>? select, bool includeType)
    {
        if (includeType)
        {
            w.WriteString("@odata.type", "#" + entity.Schema.TypeName);
        }

        if (select is null)
        {
            foreach (var p in entity.Schema.Defaults)
            {
                WriteProperty(w, entity, p);
            }

            return;
        }

        // Graph returns the id of a directory object with any $select.
        if (entity is DirectoryObject && !select.Contains("id", StringComparer.OrdinalIgnoreCase))
        {
            WriteProperty(w, entity, entity.Schema.Id);
        }

        foreach (var name in select)
        {
            if (entity.Schema.TryGet(name, out var p))
            {
                WriteProperty(w, entity, p);
            }
        }
    }

    internal static void WriteProperty(Utf8JsonWriter w, Entity entity, PropertyDef p)
    {
        w.WritePropertyName(p.Name);
        PropertyValues.Write(w, p.IsWriteOnly ? null : entity.Get(p));
    }

    /// <summary>The context URL's projection: <c>(displayName,id)</c>, with the expansion: <c>(id,members(id,displayName))</c>.</summary>
    private static string SelectSuffix(GraphRequest request, Expansion? expansion)
    {
        var select = request.Query.TryGetValue("$select", out var s) && s.Length > 0 ? s : null;
        return (select, expansion) switch
        {
            (null, null) => string.Empty,
            (_, null) => "(" + select + ")",
            (null, _) => "(" + expansion.ContextSuffix + ")",
            _ => "(" + select + "," + expansion.ContextSuffix + ")",
        };
    }

    /// <summary>Validates <c>$select</c> against the schemas an item may have.</summary>
    public static IReadOnlyList<string>? ParseSelect(GraphRequest request, IReadOnlyList<EntitySchema> schemas)
    {
        if (!request.Query.TryGetValue("$select", out var select) || select.Length == 0)
        {
            return null;
        }

        var names = select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (!schemas.Any(s => s.TryGet(name, out _)))
            {
                throw GraphException.BadRequest($"Could not find a property named '{name}' on type '{schemas[0].TypeName}'.");
            }
        }

        return names;
    }

    public static GraphResponse Collection<T>(GraphRequest request, string graphBase, IReadOnlyList<T> items, string contextSet, CollectionRules rules, IReadOnlyList<EntitySchema> schemas)
        where T : Entity
    {
        if (request.IsCount)
        {
            // GET …/$count: the same collection, counted (one mechanism for every collection route).
            return Count(request, items, rules, schemas);
        }

        var q = request.Query;
        var advanced = IsAdvanced(request);
        var select = ParseSelect(request, schemas);
        var expansion = Expand.Parse(request, schemas);

        // $filter: one parse per schema, so polymorphic collections filter each type by its own properties.
        Dictionary<EntitySchema, FilterNode?>? filters = null;
        if (q.TryGetValue("$filter", out var filterText) && filterText.Length > 0)
        {
            if (!rules.AllowFilter)
            {
                throw GraphException.Unsupported("This resource does not support filtering.");
            }

            filters = [];
            GraphException? first = null;
            foreach (var schema in schemas)
            {
                var fc = new FilterContext(schema);
                try
                {
                    filters[schema] = FilterParser.Parse(filterText, fc);
                    if (rules.DirectoryObjects && fc.AdvancedOperators.Count > 0 && !advanced)
                    {
                        throw GraphException.Unsupported($"Operator '{fc.AdvancedOperators[0]}' is not supported because the required parameters might be missing. {AdvancedHint}");
                    }

                    if (!rules.DirectoryObjects && fc.AdvancedOperators.Contains("endsWith"))
                    {
                        throw GraphException.Unsupported("Unsupported query: 'endsWith' is not supported on this resource.");
                    }
                }
                catch (GraphException e) when (e.Code != "Request_UnsupportedQuery" || !e.Message.StartsWith("Operator", StringComparison.Ordinal))
                {
                    first ??= e;
                    filters[schema] = null;
                }
            }

            if (filters.Values.All(f => f is null))
            {
                throw first!;
            }
        }

        var search = SearchParser.Parse<T>(request, rules, schemas);
        var order = OrderByParser.Parse<T>(request, rules, schemas, advanced, filters is not null || search is not null);
        if (q.ContainsKey("$skip") && !rules.AllowSkip)
        {
            throw GraphException.Unsupported("'$skip' is not supported by the service.");
        }

        var top = rules.DefaultPageSize;
        if (q.TryGetValue("$top", out var topText))
        {
            if (!rules.AllowTop)
            {
                throw GraphException.Unsupported("This resource does not support custom page sizes. Please retry without a page size argument.");
            }

            if (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top < 1 || top > rules.MaxPageSize)
            {
                throw GraphException.Unsupported($"Invalid page size specified: '{topText}'. Must be between 1 and {rules.MaxPageSize} inclusive.");
            }
        }

        if (expansion is not null && rules.DirectoryObjects)
        {
            top = Math.Min(top, Expand.MaxPageSize);
        }

        var skip = rules.AllowSkip && q.TryGetValue("$skip", out var skipText) && int.TryParse(skipText, CultureInfo.InvariantCulture, out var sk) ? sk : 0;
        var wantCount = IsTrue(q.GetValueOrDefault("$count")) && (!rules.DirectoryObjects || request.IsEventual);

        bool Matches(T item) =>
            (filters is null || (filters.TryGetValue(item.Schema, out var f) && f is not null && f.Evaluate(item, null)))
            && (search is null || search(item));

        var page = new List<T>(Math.Min(top, 1000));
        string? nextToken = null;
        int? count = null;
        var token = q.GetValueOrDefault("$skiptoken");
        if (order is null && rules.SeqOrdered && !wantCount && skip == 0)
        {
            // Fast path: walk from the token's position, stop once a page and one more item are found.
            var start = token is null ? 0 : SeqOrder.IndexOf(ToList(items), DecodeToken(token, 'S'));
            for (var i = start; i < items.Count; i++)
            {
                if (!Matches(items[i]))
                {
                    continue;
                }

                if (page.Count == top)
                {
                    nextToken = EncodeToken('S', items[i].Seq);
                    break;
                }

                page.Add(items[i]);
            }
        }
        else if (order is null && filters is null && search is null)
        {
            // Unfiltered links (members of a large group): page by offset without copying the list.
            count = items.Count;
            var offset = (token is null ? 0 : (int)DecodeToken(token, 'O')) + skip;
            for (var i = offset; i < items.Count && page.Count < top; i++)
            {
                page.Add(items[i]);
            }

            if (offset + top < items.Count)
            {
                nextToken = EncodeToken('O', offset + top - skip);
            }
        }
        else
        {
            IEnumerable<T> matched = items.Where(Matches);
            if (order is not null)
            {
                matched = order(matched);
            }

            var all = matched.ToList();
            count = all.Count;
            var offset = (token is null ? 0 : (int)DecodeToken(token, 'O')) + skip;
            page.AddRange(all.Skip(offset).Take(top));
            if (offset + top < all.Count)
            {
                nextToken = EncodeToken('O', offset + top - skip);
            }
        }

        var contextUrl = graphBase + "/$metadata#" + contextSet + SelectSuffix(request, expansion);
        var nextLink = nextToken is null ? null : NextLink(request, graphBase, nextToken);
        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", contextUrl);
            if (wantCount && token is null)
            {
                w.WriteNumber("@odata.count", count ?? items.Count(Matches));
            }

            if (nextLink is not null)
            {
                w.WriteString("@odata.nextLink", nextLink);
            }

            w.WriteStartArray("value");
            foreach (var item in page)
            {
                WriteEntity(w, item, select, rules.Polymorphic, expansion);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Counts a collection for a <c>/$count</c> segment (text/plain), honouring <c>$filter</c> and <c>$search</c>.</summary>
    public static GraphResponse Count<T>(GraphRequest request, IReadOnlyList<T> items, CollectionRules rules, IReadOnlyList<EntitySchema> schemas)
        where T : Entity
    {
        if (rules.DirectoryObjects && !request.IsEventual)
        {
            throw GraphException.BadRequest("$count is not currently supported.");
        }

        var query = new Dictionary<string, string>(request.Query, StringComparer.OrdinalIgnoreCase) { ["$count"] = "true", ["$top"] = "1" };
        query.Remove("$expand");
        var countRequest = new GraphRequest
        {
            Method = "GET",
            Segments = request.Segments,
            Query = query,
            Headers = request.Headers,
        };
        var response = Collection(countRequest, string.Empty, items, string.Empty, rules with { AllowTop = true, SeqOrdered = false }, schemas);
        using var doc = JsonDocument.Parse(response.Body);
        return GraphResponse.Text(doc.RootElement.GetProperty("@odata.count").GetInt32().ToString(CultureInfo.InvariantCulture));
    }

    private static List<T> ToList<T>(IReadOnlyList<T> items) => items as List<T> ?? [.. items];

    private static string EncodeToken(char kind, long value) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes("RFNwdAIAAQAAA" + kind + value.ToString(CultureInfo.InvariantCulture)));

    private static long DecodeToken(string token, char kind)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token));
            if (text.Length > 14 && text[13] == kind && long.TryParse(text.AsSpan(14), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }
        catch (FormatException)
        {
        }

        throw GraphException.BadRequest("'$skiptoken' is malformed or does not belong to this query.");
    }

    private static string NextLink(GraphRequest request, string graphBase, string token)
    {
        var sb = new StringBuilder(graphBase).Append(request.Path).Append('?');
        foreach (var (key, value) in request.Query)
        {
            if (key.Equals("$skiptoken", StringComparison.OrdinalIgnoreCase) || key.Equals("$skip", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            sb.Append(key).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
        }

        return sb.Append("$skiptoken=").Append(token).ToString();
    }
}
