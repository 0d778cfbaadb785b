using System.Text.Json.Nodes;
using Entrada.Core.Actions;

namespace Entrada.Tests.Fuzz;

/// <summary>One generated wrong input: the action, the field it is wrong in, and why.</summary>
public sealed record FuzzCase(string Action, string Field, string Kind, JsonObject Input)
{
    public override string ToString() => $"{Action} {Field} ({Kind})";
}

/// <summary>
/// Wrong inputs for every action, derived from its published JSON Schema (<see cref="ActionInput.SchemaOf"/>):
/// for each field a wrong type, a null, a null element, an empty and a too-long string, a too-long
/// list, deep nesting, and for each action an unknown field. The other fields keep the action's
/// example (or a plausible value), so the one wrong field is what is refused. Bounded: at most
/// <c>perAction</c> cases an action, chosen in a fixed order so a failure reproduces.
/// </summary>
public static class InputFuzz
{
    public static IReadOnlyList<FuzzCase> Cases(IEnumerable<ActionDescriptor> actions, int perAction)
    {
        var cases = new List<FuzzCase>();
        foreach (var action in actions.OrderBy(a => a.Id, StringComparer.Ordinal))
        {
            var schema = ActionInput.SchemaOf(action.InputType).AsObject();
            var properties = schema["properties"]?.AsObject() ?? [];
            var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
            var baseline = Baseline(action, properties, required);
            var mine = new List<FuzzCase> { new(action.Id, "unknownFieldX", "unknown field", With(baseline, "unknownFieldX", true)) };
            foreach (var (name, node) in properties)
            {
                if (node is not JsonObject property || !HasType(property))
                {
                    continue; // free-form JSON (a raw request's body) takes anything
                }

                foreach (var (kind, value) in WrongValues(property, required.Contains(name)))
                {
                    mine.Add(new(action.Id, name, kind, With(baseline, name, value)));
                }
            }

            // Interleave the fields so a bound picks from every field, not all cases of the first.
            cases.AddRange(mine.Select((c, i) => (c, i)).OrderBy(t => t.c.Kind == "unknown field" ? -1 : t.i % 7).ThenBy(t => t.i).Take(perAction).Select(t => t.c));
        }

        return cases;
    }

    private static IEnumerable<(string Kind, JsonNode? Value)> WrongValues(JsonObject property, bool required)
    {
        var types = TypesOf(property);
        var nullable = types.Contains("null");
        if (!nullable)
        {
            yield return ("null", null);
        }

        if (types.Contains("integer") || types.Contains("number"))
        {
            yield return ("wrong type", "not-a-number");
            yield return ("wrong type", new JsonObject());
        }
        else if (types.Contains("string"))
        {
            yield return ("wrong type", 12345);
            yield return ("deep nesting", Nest(40));
            if (required)
            {
                yield return ("empty string", "");
            }

            if (property["enum"] is null)
            {
                var max = property["maxLength"]?.GetValue<int>() ?? 1024;
                yield return ("huge string", new string('a', max + 1));
                if (property["pattern"] is not null)
                {
                    yield return ("line break", "a\r\nX-Injected: 1");
                }
            }
        }
        else if (types.Contains("boolean"))
        {
            yield return ("wrong type", "yes");
            yield return ("wrong type", 7);
        }
        else if (types.Contains("array"))
        {
            yield return ("wrong type", "not-a-list");
            yield return ("null element", new JsonArray((JsonNode?)null));
            yield return ("deep nesting", Nest(40));
            var item = property["items"] as JsonObject;
            if (item is not null && TypesOf(item).Contains("string") && item["enum"] is null)
            {
                var max = item["maxLength"]?.GetValue<int>() ?? 1024;
                yield return ("huge string", new JsonArray(new string('a', max + 1)));
                var many = new JsonArray();
                for (var i = 0; i <= (property["maxItems"]?.GetValue<int>() ?? 100_000); i++)
                {
                    many.Add("x");
                }

                yield return ("huge list", many);
            }
        }
        else if (types.Contains("object"))
        {
            yield return ("wrong type", new JsonArray(1));
            yield return ("null element", new JsonObject { ["k"] = null });
            if (property["additionalProperties"] is JsonObject values && values["pattern"] is not null)
            {
                yield return ("line break", new JsonObject { ["k"] = "a\r\nX-Injected: 1" });
            }
        }
    }

    private static JsonObject Baseline(ActionDescriptor action, JsonObject properties, HashSet<string> required)
    {
        var baseline = action.Example?.DeepClone().AsObject() ?? [];
        foreach (var name in required)
        {
            if (!baseline.ContainsKey(name) && properties[name] is JsonObject property)
            {
                baseline[name] = Plausible(property);
            }
        }

        return baseline;
    }

    private static JsonNode? Plausible(JsonObject property)
    {
        if (property["enum"] is JsonArray values)
        {
            return values.First(v => v is not null)!.DeepClone();
        }

        var types = TypesOf(property);
        return types.Contains("string") ? "00000000-0000-0000-0000-000000000001"
            : types.Contains("integer") || types.Contains("number") ? 1
            : types.Contains("boolean") ? true
            : types.Contains("array") ? new JsonArray(property["items"] is JsonObject item ? Plausible(item) : "x")
            : new JsonObject();
    }

    private static JsonObject With(JsonObject baseline, string name, JsonNode? value)
    {
        var input = baseline.DeepClone().AsObject();
        input[name] = value?.DeepClone();
        return input;
    }

    private static JsonNode Nest(int depth)
    {
        JsonNode node = new JsonArray("x");
        for (var i = 1; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    private static bool HasType(JsonObject property) => property["type"] is not null || property["enum"] is not null;

    private static HashSet<string> TypesOf(JsonObject property) => property["type"] switch
    {
        JsonValue v => [v.ToString()],
        JsonArray a => [.. a.Select(t => t!.ToString())],
        _ => property["enum"] is not null ? ["string"] : [],
    };
}
