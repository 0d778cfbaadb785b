using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Entrada.Server.Pages;

/// <summary>How one input property is edited on the page.</summary>
internal enum FieldKind
{
    Text,
    Integer,
    Number,
    Boolean,
    Choice,
    List,
    Json,
}

/// <summary>One field of a form generated from an action's input JSON Schema.</summary>
internal sealed record SchemaField(string Name, FieldKind Kind, string? Description, bool Required, IReadOnlyList<string> Choices, string ItemType)
{
    /// <summary>Whether the field carries a secret (<c>writeOnly</c> in the schema): typed as a password, never filled back in.</summary>
    public bool Secret { get; init; }

    /// <summary>The form field's name.</summary>
    public string FormName => "input." + Name;

    /// <summary>The element id.</summary>
    public string Id => "input-" + Name;

    /// <summary>A readable label: <c>memberIds</c> → <c>Member ids</c>.</summary>
    public string Label
    {
        get
        {
            var words = new System.Text.StringBuilder();
            foreach (var c in Name)
            {
                if (char.IsUpper(c) && words.Length > 0)
                {
                    words.Append(' ');
                }

                words.Append(words.Length == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            }

            return words.ToString();
        }
    }

    /// <summary>Help text: the schema's description and how to type the value.</summary>
    public string Help => Kind switch
    {
        FieldKind.List => $"{Description} One per line (or separated by commas).".Trim(),
        FieldKind.Json => $"{Description} As JSON.".Trim(),
        _ => Description ?? string.Empty,
    };
}

/// <summary>
/// Builds a form from an action's input JSON Schema, and turns the posted form back into the
/// input JSON, with an error beside each field that cannot be read.
/// </summary>
internal static class SchemaForm
{
    /// <summary>The fields of a schema, in its order.</summary>
    public static IReadOnlyList<SchemaField> FieldsOf(JsonNode schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var required = (schema["required"] as JsonArray)?.Select(r => r?.GetValue<string>()).ToHashSet(StringComparer.Ordinal) ?? [];
        var fields = new List<SchemaField>();
        if (schema["properties"] is not JsonObject properties)
        {
            return fields;
        }

        foreach (var (name, property) in properties)
        {
            var types = TypesOf(property);
            var choices = (property?["enum"] as JsonArray)?.Select(e => e?.ToString()).OfType<string>().ToList() ?? [];
            var itemType = TypesOf(property?["items"]).FirstOrDefault(t => t != "null") ?? "string";
            var kind = choices.Count > 0 ? FieldKind.Choice
                : types.Contains("array") ? (itemType is "string" or "integer" or "number" ? FieldKind.List : FieldKind.Json)
                : types.Contains("object") ? FieldKind.Json
                : types.Contains("boolean") ? FieldKind.Boolean
                : types.Contains("integer") ? FieldKind.Integer
                : types.Contains("number") ? FieldKind.Number
                : types.Contains("string") ? FieldKind.Text
                : FieldKind.Json;
            var secret = property?["writeOnly"] is JsonValue writeOnly && writeOnly.TryGetValue<bool>(out var w) && w;
            fields.Add(new SchemaField(name, kind, property?["description"]?.GetValue<string>(), required.Contains(name), choices, itemType) { Secret = secret });
        }

        return fields;
    }

    /// <summary>Reads the posted fields into the input JSON; unreadable values are added to <paramref name="errors"/>.</summary>
    public static JsonObject Read(IReadOnlyList<SchemaField> fields, IFormCollection form, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(errors);
        var input = new JsonObject();
        foreach (var field in fields)
        {
            var raw = form[field.FormName].FirstOrDefault()?.Trim();
            if (string.IsNullOrEmpty(raw))
            {
                continue;
            }

            switch (field.Kind)
            {
                case FieldKind.Integer when long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l):
                    input[field.Name] = l;
                    break;
                case FieldKind.Integer:
                    errors[field.Name] = [$"'{field.Name}' must be a whole number."];
                    break;
                case FieldKind.Number when double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                    input[field.Name] = d;
                    break;
                case FieldKind.Number:
                    errors[field.Name] = [$"'{field.Name}' must be a number."];
                    break;
                case FieldKind.Boolean:
                    input[field.Name] = raw == "true";
                    break;
                case FieldKind.List:
                    var items = raw.Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var array = new JsonArray();
                    foreach (var item in items)
                    {
                        if (field.ItemType == "integer" && long.TryParse(item, NumberStyles.Integer, CultureInfo.InvariantCulture, out var li))
                        {
                            array.Add(li);
                        }
                        else
                        {
                            array.Add(item);
                        }
                    }

                    input[field.Name] = array;
                    break;
                case FieldKind.Json:
                    try
                    {
                        input[field.Name] = JsonNode.Parse(raw);
                    }
                    catch (JsonException)
                    {
                        errors[field.Name] = [$"'{field.Name}' must be valid JSON."];
                    }

                    break;
                default:
                    input[field.Name] = raw;
                    break;
            }
        }

        return input;
    }

    /// <summary>The text a field shows for a value of the input (to re-fill the form after a run); nothing for a secret field.</summary>
    public static string? Display(SchemaField field, JsonObject? input)
    {
        ArgumentNullException.ThrowIfNull(field);
        var value = field.Secret ? null : input?[field.Name];
        return value switch
        {
            null => null,
            JsonArray array when field.Kind == FieldKind.List => string.Join('\n', array.Select(v => v?.ToString())),
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            _ => value.ToJsonString(),
        };
    }

    /// <summary>The error key a field's problem may come under (<c>memberIds[2]</c> → <c>memberIds</c>).</summary>
    public static string FieldOfErrorKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var end = key.IndexOfAny(['[', '.']);
        return end > 0 ? key[..end] : key;
    }

    private static List<string> TypesOf(JsonNode? schema) => schema?["type"] switch
    {
        JsonArray array => [.. array.Select(t => t?.GetValue<string>()).OfType<string>()],
        JsonValue single => [single.GetValue<string>()],
        _ => [],
    };
}
