using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// The JSON and KEY=VALUE options every command that takes an input reads the same way:
/// <c>--input JSON|@file|-</c> (and the trigger commands' <c>--map</c>) and <c>--set KEY=VALUE</c>,
/// each value typed by the input's JSON Schema. <c>entrada run</c>, <c>playbooks run</c> and the
/// trigger commands all read theirs here.
/// </summary>
internal static class JsonOptions
{
    /// <summary>
    /// The JSON object an option gives — as text, <c>@file</c> or <c>-</c> (standard input) — or an
    /// empty one when the option is absent. <paramref name="expected"/> ends the message for a value
    /// that is JSON but not an object ("a JSON object of the playbook's inputs").
    /// </summary>
    public static JsonObject Object(string option, string? given, TextReader standardInput, string expected)
    {
        if (given is null)
        {
            return [];
        }

        var text = given switch
        {
            "-" => standardInput.ReadToEnd(),
            ['@', .. var path] => ReadFile(path, option),
            _ => given,
        };
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                ?? throw new EntradaValidationException(option, $"{option} must be {expected}.");
        }
        catch (JsonException ex)
        {
            throw new EntradaValidationException(option, $"{option} is not valid JSON ({ex.Message.Split(" Path:")[0].TrimEnd('.')}); give a JSON object, @file or -.");
        }
    }

    /// <summary>
    /// Each <c>--set KEY=VALUE</c> into <paramref name="input"/>, the key matched to the schema's
    /// properties without regard to case and the value typed by its schema. An unknown key names
    /// what there is: "'colour' is not an input of 'contain-user'; its inputs are: …" (<paramref name="noun"/>
    /// "input", <paramref name="nouns"/> "inputs").
    /// </summary>
    public static void Set(JsonObject input, IEnumerable<string> assignments, JsonObject? properties, string owner, string noun, string nouns)
    {
        foreach (var assignment in assignments)
        {
            var eq = assignment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new EntradaValidationException("--set", $"--set '{assignment}' is not KEY=VALUE; for example --set userIds=id1,id2.");
            }

            var key = assignment[..eq].Trim();
            var property = properties?.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase));
            if (property?.Key is null)
            {
                throw new EntradaValidationException("--set", $"'{key}' is not an {noun} of '{owner}'; its {nouns} are: {string.Join(", ", properties?.Select(p => p.Key) ?? [])}.");
            }

            input[property.Value.Key] = TypedValue(key, assignment[(eq + 1)..], property.Value.Value);
        }
    }

    /// <summary>A file an option names (<c>@file</c>), or a one-line error saying why it cannot be read.</summary>
    public static string ReadFile(string path, string option = "--input")
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EntradaValidationException(option, $"The input file '{path}' cannot be read: {(ex is FileNotFoundException or DirectoryNotFoundException ? "it does not exist" : "permission denied")}.");
        }
    }

    /// <summary>A <c>--set</c> value typed by its schema: a list split at commas, a boolean, a number, an object; else text.</summary>
    public static JsonNode? TypedValue(string key, string value, JsonNode? schema)
    {
        var types = schema?["type"] switch
        {
            JsonArray array => array.Select(t => t?.GetValue<string>()).ToList(),
            JsonValue single => [single.GetValue<string>()],
            _ => [],
        };

        if (types.Contains("array"))
        {
            var itemSchema = schema?["items"];
            return new JsonArray([.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => TypedValue(key, v, itemSchema))]);
        }

        if (types.Contains("boolean") && bool.TryParse(value, out var b))
        {
            return JsonValue.Create(b);
        }

        if (types.Contains("integer") && long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return JsonValue.Create(l);
        }

        if (types.Contains("number") && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return JsonValue.Create(d);
        }

        if (types.Contains("object"))
        {
            try
            {
                return JsonNode.Parse(value);
            }
            catch (JsonException)
            {
                throw new EntradaValidationException("--set", $"--set {key}= expects a JSON object.");
            }
        }

        return JsonValue.Create(value);
    }
}
