using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// Writes results: JSON for scripts (stdout, one document, written as it is), tables for people;
/// lines for the person go to standard error.
/// </summary>
internal sealed class CliOutput(CliConsoles consoles)
{

    public static JsonSerializerOptions Json { get; } = CreateJson(indented: true);

    public static JsonSerializerOptions JsonLine { get; } = CreateJson(indented: false);

    /// <summary>Standard output, for tables and markup.</summary>
    public IAnsiConsole Console => consoles.Out;

    /// <summary>The consoles this output writes to.</summary>
    public CliConsoles Consoles => consoles;

    /// <summary>One indented JSON document on standard output.</summary>
    public void WriteJson<T>(T value) => consoles.WriteOutLine(JsonSerializer.Serialize(value, Json));

    /// <summary>One JSON document on one line of standard output.</summary>
    public void WriteJsonLine(object? value) => consoles.WriteOutLine(JsonSerializer.Serialize(value, JsonLine));

    /// <summary>A progress display on standard error, redrawn in place when it is a terminal.</summary>
    public ProgressDisplay StartProgress() => new(consoles.Error.Profile.Out.Writer, consoles.IsErrorTerminal, consoles.Error.Profile.Width);

    public void Write(Spectre.Console.Rendering.IRenderable renderable) => consoles.Out.Write(renderable);

    public void Line(string markup) => consoles.Out.MarkupLine(markup);

    public void Success(string text) => consoles.Out.MarkupLine($"[green]{Markup.Escape(text)}[/]");

    public void Warning(string text) => consoles.Out.MarkupLine($"[yellow]warning:[/] {Markup.Escape(text)}");

    /// <summary>A line for the person on standard error (prompts, notes), so that standard output stays one document.</summary>
    public void Error(string text) => consoles.WriteErrorLine(text);

    /// <summary>A two-column table of a JSON object's properties, nested values as compact JSON.</summary>
    public void WriteProperties(JsonNode? node)
    {
        if (node is not JsonObject obj)
        {
            consoles.Out.WriteLine(node?.ToJsonString(JsonLine) ?? "(nothing)");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Property").AddColumn("Value");
        foreach (var (key, value) in Flatten(obj))
        {
            table.AddRow(Markup.Escape(key), Markup.Escape(Scalar(value)));
        }

        consoles.Out.Write(table);
    }

    /// <summary>A table of JSON objects, columns taken from their scalar properties.</summary>
    public void WriteRows(IReadOnlyList<JsonNode?> rows, int maxColumns = 8)
    {
        if (rows.Count == 0)
        {
            consoles.Out.MarkupLine("[grey](no items)[/]");
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
                consoles.Out.WriteLine(row?.ToJsonString(JsonLine) ?? "null");
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

        consoles.Out.Write(table);
        consoles.Out.MarkupLine($"[grey]{rows.Count} item(s)[/]");
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
