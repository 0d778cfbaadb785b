using System.Buffers.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>What a delta query tracks.</summary>
internal enum DeltaKind
{
    Users,
    Groups,
}

/// <summary>
/// <c>/users/delta</c> and <c>/groups/delta</c>: a first round pages through every object (<c>@odata.nextLink</c>)
/// and ends with an <c>@odata.deltaLink</c>; that link later returns only what changed since — created and
/// updated objects, and deleted ones as <c>@removed</c> (<c>changed</c> while restorable, <c>deleted</c> for good).
/// <c>$select</c> chooses what is tracked and returned (<c>members</c> adds a group's <c>members@delta</c>,
/// tracked by default), <c>$filter=id eq '…'</c> scopes it, <c>Prefer: return=minimal</c> returns only the
/// changed properties, <c>$deltatoken=latest</c> starts from now. Like Graph, the query options live in the
/// tokens, <c>$top</c> is ignored, and <c>$expand</c>, <c>$orderby</c> and <c>$search</c> are refused.
/// </summary>
internal sealed partial class GraphApi
{
    private const int DeltaPageSize = 100;
    private const int DeltaMaxIds = 50;

    /// <summary>A round of a delta query, as its tokens carry it: <see cref="Since"/> is -1 in the first round.</summary>
    private sealed record DeltaCursor(DeltaKind Kind, long Since, long Watermark, long After, string? Select, string[]? Ids);

    private GraphResponse Delta(GraphRequest request, DeltaKind kind)
    {
        var q = request.Query;
        foreach (var option in (string[])["$expand", "$orderby", "$search"])
        {
            if (q.ContainsKey(option))
            {
                throw GraphException.Unsupported($"'{option}' is not supported with delta queries of {(kind == DeltaKind.Users ? "users" : "groups")}.");
            }
        }

        var clock = State.Changes;
        DeltaCursor cursor;
        if (q.TryGetValue("$skiptoken", out var skip))
        {
            cursor = DecodeDelta(skip, kind, "$skiptoken");
        }
        else if (q.TryGetValue("$deltatoken", out var delta))
        {
            var latest = delta.Equals("latest", StringComparison.OrdinalIgnoreCase);
            var from = latest ? null : DecodeDelta(delta, kind, "$deltatoken");
            var select = q.TryGetValue("$select", out var s) ? s : from?.Select;
            var ids = q.TryGetValue("$filter", out var f) ? ParseDeltaFilter(f) : from?.Ids;
            if (latest)
            {
                // "Sync from now": no objects, a link that returns what changes from here on.
                return DeltaPage(request, kind, [], null, new DeltaCursor(kind, clock.Now, clock.Now, 0, select, ids), false);
            }

            cursor = new DeltaCursor(kind, from!.Watermark, clock.Now, 0, select, ids);
        }
        else
        {
            cursor = new DeltaCursor(kind, -1, clock.Now, 0, q.GetValueOrDefault("$select"), q.TryGetValue("$filter", out var f) ? ParseDeltaFilter(f) : null);
        }

        var schema = kind == DeltaKind.Users ? Schemas.User : Schemas.Group;
        var (tracked, members) = ParseDeltaSelect(cursor.Select, schema);
        var scope = cursor.Ids is null ? null : new HashSet<string>(cursor.Ids, StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<DirectoryObject> source = kind == DeltaKind.Users ? State.Users : State.Groups;
        bool InScope(string id, long seq) => seq > cursor.After && (scope is null || scope.Contains(id));

        var entries = new List<DeltaEntry>(DeltaPageSize + 1);
        if (cursor.Since < 0)
        {
            var start = kind == DeltaKind.Users ? SeqOrder.IndexOf(State.Users, cursor.After + 1) : SeqOrder.IndexOf(State.Groups, cursor.After + 1);
            for (var i = start; i < source.Count && entries.Count <= DeltaPageSize; i++)
            {
                if (InScope(source[i].Id, source[i].Seq))
                {
                    entries.Add(new DeltaEntry(source[i].Id, source[i].Seq, source[i], null));
                }
            }
        }
        else
        {
            var since = cursor.Since;
            var trackedDefs = (tracked ?? [.. schema.Defaults.Select(d => d.Name)]).Select(n => schema[n]).ToList();
            bool Changed(DirectoryObject o) =>
                o.CreatedTick > since
                || trackedDefs.Any(p => o.ChangedTick(p) > since)
                || (members && o is GroupObject g && g.MembersChangedTick > since);

            entries.AddRange(source.Where(o => InScope(o.Id, o.Seq) && Changed(o)).Select(o => new DeltaEntry(o.Id, o.Seq, o, null)));
            entries.AddRange(State.DeletedOrder.Where(o => o.Schema == schema && o.Deleted!.Tick > since && InScope(o.Id, o.Seq)).Select(o => new DeltaEntry(o.Id, o.Seq, null, "changed")));
            entries.AddRange(State.Tombstones.Where(t => t.Schema == schema && t.Tick > since && InScope(t.Id, t.Seq)).Select(t => new DeltaEntry(t.Id, t.Seq, null, "deleted")));
            entries.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        }

        var more = entries.Count > DeltaPageSize;
        var page = more ? entries[..DeltaPageSize] : entries;
        var next = more
            ? cursor with { After = page[^1].Seq }
            : new DeltaCursor(kind, cursor.Watermark, cursor.Watermark, 0, cursor.Select, cursor.Ids);
        var minimal = cursor.Since >= 0 && request.Header("Prefer").Contains("return=minimal", StringComparison.OrdinalIgnoreCase);
        var response = DeltaPage(request, kind, page, (tracked, members, cursor.Since, minimal), next, more);
        if (minimal)
        {
            response.Headers["Preference-Applied"] = "return=minimal";
        }

        return response;
    }

    /// <summary>One object of a delta page: present (<see cref="Object"/>) or removed (<see cref="Removed"/> gives why).</summary>
    private sealed record DeltaEntry(string Id, long Seq, DirectoryObject? Object, string? Removed);

    private GraphResponse DeltaPage(GraphRequest request, DeltaKind kind, List<DeltaEntry> page, (IReadOnlyList<string>? Tracked, bool Members, long Since, bool Minimal)? shape, DeltaCursor next, bool more)
    {
        var collection = kind == DeltaKind.Users ? "users" : "groups";
        var link = $"{Base}/{collection}/delta?{(more ? "$skiptoken" : "$deltatoken")}={EncodeDelta(next)}";
        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", $"{Base}/$metadata#{collection}");
            w.WriteString(more ? "@odata.nextLink" : "@odata.deltaLink", link);
            w.WriteStartArray("value");
            foreach (var entry in page)
            {
                w.WriteStartObject();
                if (entry.Object is not { } o)
                {
                    w.WriteString("id", entry.Id);
                    w.WriteStartObject("@removed");
                    w.WriteString("reason", entry.Removed);
                    w.WriteEndObject();
                    w.WriteEndObject();
                    continue;
                }

                var (tracked, members, since, minimal) = shape!.Value;
                var whole = since < 0 || o.CreatedTick > since;
                if (minimal && !whole)
                {
                    QueryEngine.WriteProperty(w, o, o.Schema.Id);
                    foreach (var p in (tracked ?? [.. o.Schema.Defaults.Select(d => d.Name)]).Select(n => o.Schema[n]))
                    {
                        if (p.Slot != 0 && o.ChangedTick(p) > since)
                        {
                            QueryEngine.WriteProperty(w, o, p);
                        }
                    }
                }
                else
                {
                    QueryEngine.WriteProperties(w, o, tracked, includeType: false);
                }

                if (members && o is GroupObject group)
                {
                    var changes = whole ? [.. group.Members.Select(m => new MemberChange(m, false, 0))] : group.MemberChangesSince(since);
                    if (changes.Count > 0)
                    {
                        w.WriteStartArray("members@delta");
                        foreach (var change in changes)
                        {
                            w.WriteStartObject();
                            w.WriteString("@odata.type", "#" + change.Member.Schema.TypeName);
                            w.WriteString("id", change.Member.Id);
                            if (change.Removed)
                            {
                                w.WriteStartObject("@removed");
                                w.WriteString("reason", "deleted");
                                w.WriteEndObject();
                            }

                            w.WriteEndObject();
                        }

                        w.WriteEndArray();
                    }
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The tracked properties (null: the default set) and whether a group's members are tracked.</summary>
    private static (IReadOnlyList<string>? Tracked, bool Members) ParseDeltaSelect(string? select, EntitySchema schema)
    {
        if (string.IsNullOrWhiteSpace(select))
        {
            return (null, schema == Schemas.Group);
        }

        var names = new List<string>();
        var members = false;
        foreach (var name in select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (schema == Schemas.Group && name.Equals("members", StringComparison.OrdinalIgnoreCase))
            {
                members = true;
            }
            else if (schema == Schemas.User && name.Equals("manager", StringComparison.OrdinalIgnoreCase))
            {
                // Tracked by Graph as manager@delta; the emulator has no managers to report yet.
            }
            else if (schema.TryGet(name, out var property))
            {
                names.Add(property.Name);
            }
            else
            {
                throw GraphException.BadRequest($"Could not find a property named '{name}' on type '{schema.TypeName}'.");
            }
        }

        return (names, members);
    }

    [GeneratedRegex(@"^\(?\s*id\s+eq\s+'([^']+)'\s*\)?$", RegexOptions.IgnoreCase)]
    private static partial Regex DeltaIdClause();

    [GeneratedRegex(@"\s+or\s+", RegexOptions.IgnoreCase)]
    private static partial Regex OrSeparator();

    /// <summary>Delta's one filter: <c>id eq '…'</c>, or-ed for at most 50 objects.</summary>
    private static string[] ParseDeltaFilter(string filter)
    {
        var ids = new List<string>();
        foreach (var clause in OrSeparator().Split(filter.Trim()))
        {
            var match = DeltaIdClause().Match(clause.Trim());
            if (!match.Success)
            {
                throw GraphException.Unsupported("Delta queries of users and groups support only '$filter=id eq '{id}'' (or-ed for several objects).");
            }

            ids.Add(match.Groups[1].Value);
        }

        if (ids.Count > DeltaMaxIds)
        {
            throw GraphException.Unsupported($"A delta query can track at most {DeltaMaxIds} objects by id; the filter names {ids.Count}.");
        }

        return [.. ids];
    }

    private string EncodeDelta(DeltaCursor cursor)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("t", State.TenantId);
            w.WriteString("k", cursor.Kind.ToString());
            w.WriteNumber("s", cursor.Since);
            w.WriteNumber("w", cursor.Watermark);
            w.WriteNumber("a", cursor.After);
            if (cursor.Select is not null)
            {
                w.WriteString("sel", cursor.Select);
            }

            if (cursor.Ids is not null)
            {
                w.WriteStartArray("ids");
                foreach (var id in cursor.Ids)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return Base64Url.EncodeToString(stream.ToArray());
    }

    private DeltaCursor DecodeDelta(string token, DeltaKind kind, string option)
    {
        try
        {
            using var doc = JsonDocument.Parse(Base64Url.DecodeFromChars(token));
            var root = doc.RootElement;
            if (root.GetProperty("t").GetString() == State.TenantId && root.GetProperty("k").GetString() == kind.ToString())
            {
                return new DeltaCursor(
                    kind,
                    root.GetProperty("s").GetInt64(),
                    root.GetProperty("w").GetInt64(),
                    root.GetProperty("a").GetInt64(),
                    root.TryGetProperty("sel", out var sel) ? sel.GetString() : null,
                    root.TryGetProperty("ids", out var ids) ? [.. ids.EnumerateArray().Select(i => i.GetString()!)] : null);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
        }

        throw GraphException.BadRequest($"'{option}' is malformed or does not belong to this delta query; start a new round without it.");
    }
}
