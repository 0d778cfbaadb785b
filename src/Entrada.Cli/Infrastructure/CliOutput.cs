using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Entrada.Cli.Infrastructure;

/// <summary>Writes results: JSON for scripts (stdout, one document), tables for people.</summary>
internal sealed class CliOutput(IAnsiConsole console)
{
    public static JsonSerializerOptions Json { get; } = CreateJson(indented: true);

    public static JsonSerializerOptions JsonLine { get; } = CreateJson(indented: false);

    public IAnsiConsole Console => console;

    public void WriteJson<T>(T value) => System.Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    public void WriteJsonLine(object? value) => System.Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonLine));

    public void Write(Spectre.Console.Rendering.IRenderable renderable) => console.Write(renderable);

    public void Line(string markup) => console.MarkupLine(markup);

    public void Success(string text) => console.MarkupLine($"[green]{Markup.Escape(text)}[/]");

    public void Warning(string text) => console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(text)}");

    /// <summary>A line for the person on standard error (prompts, notes), so that standard output stays one document.</summary>
    public void Error(string text) => System.Console.Error.WriteLine(text);

    /// <summary>A two-column table of a JSON object's properties, nested values as compact JSON.</summary>
    public void WriteProperties(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            console.WriteLine(node?.ToJsonString(JsonLine) ?? "(nothing)");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Property").AddColumn("Value");
        foreach (var (key, value) in Flatten(obj))
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(Scalar(value)));
        }

        console.Write(table);
    }

    /// <summary>A table of JSON objects, columns taken from their scalar properties.</summary>
    public void WriteRows(IReadOnlyList<JsonNode?> rows, int maxColumns = 8)
    {
        if (rows.Count == 0)
        {
            console.MarkupLine("[grey](no items)[/]");
            return;
        }

        var flat = rows.OfType<JsonObject>().Select(Flatten).ToList();
        var columns = flat
            .SelectMany(o => o.Where(p => p.Value is JsonValue or null || IsScalarList(p.Value)).Select(p => p.Key))
            .Distinct(StringComparer.Ordinal)
            .Take(maxColumns)
            .ToList();
        if (columns.Count == 0)
        {
            foreach (var row in rows)
            {
                console.WriteLine(row?.ToJsonString(JsonLine) ?? "null");
            }

            return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (var row in flat)
        {
            table.AddRow(columns.Select(c => Markup.Escape(Scalar(row.GetValueOrDefault(c)))).ToArray());
        }

        console.Write(table);
        console.MarkupLine($"[grey]{rows.Count} item(s)[/]");
    }

    public static string Scalar(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        JsonArray a when IsScalarList(a) => string.Join(", ", a.Select(Scalar)),
        _ => value.ToJsonString(JsonLine),
    };

    private static bool IsScalarList(JsonNode? node) => node is JsonArray a && a.All(i => i is JsonValue or null);

    // A property holding an object of scalars or scalar lists (an LDAP entry's attributes) shows as
    // one column per inner property, so that tables of such items say more than their ids.
    private static Dictionary<string, JsonNode?> Flatten(JsonObject obj)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            if (value is JsonObject inner && inner.All(p => p.Value is JsonValue or null || IsScalarList(p.Value)))
            {
                foreach (var (innerKey, innerValue) in inner)
                {
                    result[obj.ContainsKey(innerKey) || result.ContainsKey(innerKey) ? $"{key}.{innerKey}" : innerKey] = innerValue;
                }
            }
            else
            {
                result[key] = value;
            }
        }

        return result;
    }

    private static JsonSerializerOptions CreateJson(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
