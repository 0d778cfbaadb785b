using System.Text.Json;
using System.Text.Json.Nodes;

namespace Entrada.Emulator.Tests.Conformance;

/// <summary>
/// The rule both example files are checked by: every documented property is answered, with the same JSON
/// type; items of a typed collection are compared only for the types the emulator serves.
/// </summary>
internal static class ExampleShapes
{
    /// <summary>Every documented property must be present with the same JSON type (null matches anything; OData annotations aside).</summary>
    public static void Compare(JsonNode? documented, JsonNode? actual, string path, List<string> problems, IReadOnlySet<string> servedTypes)
    {
        if (documented is null || actual is null)
        {
            return;
        }

        var expectedKind = Kind(documented);
        var actualKind = Kind(actual);
        if (expectedKind != actualKind)
        {
            problems.Add($"{path}: documented {expectedKind}, answered {actualKind}");
            return;
        }

        switch (documented)
        {
            case JsonObject docObject:
                var actualObject = actual.AsObject();
                foreach (var (name, value) in docObject)
                {
                    if (name.StartsWith("@odata.", StringComparison.Ordinal) || name.Contains("@odata.", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (!actualObject.ContainsKey(name))
                    {
                        problems.Add($"{path}.{name}: documented, missing");
                        continue;
                    }

                    // Open dictionaries (their keys are data, not schema): only the kind is compared.
                    if (name is "additionalData" or "customDetails")
                    {
                        if (value is not null && actualObject[name] is { } a && Kind(a) != Kind(value))
                        {
                            problems.Add($"{path}.{name}: documented {Kind(value)}, answered {Kind(a)}");
                        }

                        continue;
                    }

                    Compare(value, actualObject[name], $"{path}.{name}", problems, servedTypes);
                }

                break;
            case JsonArray docArray when docArray.Count > 0:
                var actualArray = actual.AsArray();
                if (actualArray.Count == 0)
                {
                    problems.Add($"{path}: documented items, answered none");
                    return;
                }

                var typed = actualArray.Any(a => a is JsonObject ao && ao.ContainsKey("@odata.type"));
                foreach (var item in docArray)
                {
                    var type = item is JsonObject o ? o["@odata.type"]?.GetValue<string>() : null;
                    if (type is not null && !servedTypes.Contains(type))
                    {
                        continue;
                    }

                    // A documented item matches when some answered item of its type has all its properties.
                    var candidates = type is null || !typed ? [.. actualArray] : actualArray.Where(a => a?["@odata.type"]?.GetValue<string>() == type).ToList();
                    if (candidates.Count == 0)
                    {
                        problems.Add($"{path}: no item of type {type}");
                        continue;
                    }

                    var attempts = candidates.Select(c =>
                    {
                        var found = new List<string>();
                        Compare(item, c, path + "[]", found, servedTypes);
                        return found;
                    }).ToList();
                    if (attempts.All(a => a.Count > 0))
                    {
                        problems.AddRange(attempts[0]);
                    }
                }

                break;
        }
    }

    /// <summary>The JSON kind, reading the documentation's placeholders ("Boolean", "String (timestamp)") as the types they name.</summary>
    public static string Kind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => "number",
        JsonValueKind.String => node.GetValue<string>() switch
        {
            "Boolean" => "boolean",
            "Int32" or "Int64" => "number",
            _ => "string",
        },
        _ => "null",
    };
}
