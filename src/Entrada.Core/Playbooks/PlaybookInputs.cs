using System.Text.Json.Nodes;

namespace Entrada.Core.Playbooks;

/// <summary>
/// Checks a run's inputs against a playbook's declared inputs (the JSON Schema subset they are
/// written in: type, items, enum, minItems, maxItems, required, default) and fills in defaults.
/// </summary>
public static class PlaybookInputs
{
    /// <summary>The inputs with defaults filled in; every problem is a validation error naming the field.</summary>
    public static JsonObject Bind(PlaybookDefinition playbook, JsonNode? given)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        if (given is not null and not JsonObject)
        {
            throw new EntradaValidationException("input", "A playbook's input is a JSON object of its inputs.");
        }

        var input = (JsonObject?)given?.DeepClone() ?? [];
        var errors = new List<ValidationError>();
        foreach (var (name, _) in input)
        {
            if (!playbook.Inputs.Any(i => i.Name == name))
            {
                errors.Add(new ValidationError(name, $"'{name}' is not an input of '{playbook.Id}'; its inputs are: {string.Join(", ", playbook.Inputs.Select(i => i.Name))}."));
            }
        }

        foreach (var declared in playbook.Inputs)
        {
            if (input[declared.Name] is null)
            {
                input.Remove(declared.Name);
                if (declared.Schema["default"] is { } fallback)
                {
                    input[declared.Name] = fallback.DeepClone();
                }
                else if (declared.Required)
                {
                    errors.Add(new ValidationError(declared.Name, $"'{declared.Name}' is required."));
                }

                continue;
            }

            if (CheckValue(declared.Name, declared.Schema, input[declared.Name]) is { } wrong)
            {
                errors.Add(new ValidationError(declared.Name, wrong));
            }
        }

        if (errors.Count > 0)
        {
            throw new EntradaValidationException(errors);
        }

        return input;
    }

    /// <summary>Why a value does not fit an input's schema; null when it does.</summary>
    public static string? CheckValue(string name, JsonObject schema, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var type = schema["type"]?.GetValue<string>();
        if (value is null)
        {
            return null;
        }

        if (!Fits(type, value))
        {
            return $"'{name}' must be {Article(type)}.";
        }

        if (value is JsonArray list)
        {
            var itemType = schema["items"]?["type"]?.GetValue<string>();
            if (list.Any(e => e is null || !Fits(itemType, e)))
            {
                return $"Every element of '{name}' must be {Article(itemType)}.";
            }

            if (schema["minItems"] is { } min && list.Count < min.GetValue<int>())
            {
                return $"'{name}' needs at least {min} element(s).";
            }

            if (schema["maxItems"] is { } max && list.Count > max.GetValue<int>())
            {
                return $"'{name}' takes at most {max} element(s).";
            }
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            return $"'{name}' must be one of {string.Join(", ", allowed.Select(a => a?.ToJsonString()))}.";
        }

        return null;
    }

    private static bool Fits(string? type, JsonNode value) => type switch
    {
        "string" => value is JsonValue v && v.TryGetValue<string>(out _),
        "boolean" => value is JsonValue v && v.TryGetValue<bool>(out _),
        "integer" => value is JsonValue v && (v.TryGetValue<long>(out _) || (v.TryGetValue<double>(out var d) && d == Math.Floor(d))),
        "number" => value is JsonValue v && v.TryGetValue<double>(out _),
        "array" => value is JsonArray,
        "object" => value is JsonObject,
        _ => true,
    };

    private static string Article(string? type) => type switch
    {
        "array" => "a list",
        "object" => "an object",
        "integer" => "a whole number",
        "boolean" => "true or false",
        null => "a value",
        _ => "a " + type,
    };
}
