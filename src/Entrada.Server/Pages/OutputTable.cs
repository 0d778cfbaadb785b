using System.Text.Json.Nodes;

namespace Entrada.Server.Pages;

/// <summary>A table made from JSON output: the scalar properties as columns, nested values as compact JSON.</summary>
internal sealed record OutputTable(string Caption, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    private const int MaxColumns = 8;
    private const int MaxRows = 500;

    /// <summary>The tables of an output: one for a list; for an object its properties, plus one per list of objects inside it.</summary>
    public static IReadOnlyList<OutputTable> From(JsonNode? output)
    {
        var tables = new List<OutputTable>();
        switch (output)
        {
            case JsonArray array:
                tables.Add(Of("Items", array));
                break;
            case JsonObject obj:
                tables.Add(new OutputTable("Result", ["Property", "Value"], [.. obj.Where(p => p.Value is not JsonArray { Count: > 0 } a || a[0] is not JsonObject).Select(p => (IReadOnlyList<string>)[p.Key, Scalar(p.Value)])]));
                foreach (var (name, value) in obj)
                {
                    if (value is JsonArray { Count: > 0 } nested && nested[0] is JsonObject)
                    {
                        tables.Add(Of(name, nested));
                    }
                }

                break;
            case JsonValue value:
                tables.Add(new OutputTable("Result", ["Value"], [[Scalar(value)]]));
                break;
        }

        return tables;
    }

    private static OutputTable Of(string caption, JsonArray array)
    {
        var columns = array.OfType<JsonObject>()
            .SelectMany(o => o.Where(p => p.Value is JsonValue or null).Select(p => p.Key))
            .Distinct(StringComparer.Ordinal)
            .Take(MaxColumns)
            .ToList();
        if (columns.Count == 0)
        {
            return new OutputTable(caption, ["Value"], [.. array.Take(MaxRows).Select(v => (IReadOnlyList<string>)[Scalar(v)])]);
        }

        return new OutputTable(caption, columns, [.. array.Take(MaxRows).Select(row => (IReadOnlyList<string>)[.. columns.Select(c => Scalar((row as JsonObject)?[c]))])]);
    }

    private static string Scalar(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => value.ToJsonString(),
    };
}
