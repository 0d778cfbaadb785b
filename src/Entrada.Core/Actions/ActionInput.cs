using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;

namespace Entrada.Core.Actions;

/// <summary>
/// Turns JSON into an action's typed input, strictly: unknown fields, wrong types, missing
/// required fields and nulls where none is allowed are refused with a message naming the field,
/// before anything is sent. Also publishes the input's JSON Schema, generated from the type.
/// </summary>
public static class ActionInput
{
    /// <summary>The serializer options for action inputs and outputs (camelCase, strict on input).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The JSON Schema of an input type; a field marked <see cref="Secrets.SecretAttribute"/> is <c>writeOnly</c> with <c>format: password</c>.</summary>
    public static JsonNode SchemaOf(Type inputType)
    {
        var schema = Options.GetJsonSchemaAsNode(inputType, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = static (context, node) =>
            {
                if (node is JsonObject obj && context.PropertyInfo?.AttributeProvider is { } provider)
                {
                    if (provider.GetCustomAttributes(typeof(System.ComponentModel.DescriptionAttribute), inherit: true) is [System.ComponentModel.DescriptionAttribute d, ..])
                    {
                        obj.Insert(0, "description", d.Description);
                    }

                    // A secret field is sent, never read back, and typed as a password by forms.
                    if (Secrets.SecretMasking.IsAlwaysSecret(provider))
                    {
                        obj["writeOnly"] = true;
                        obj["format"] = "password";
                    }

                    PublishMaxLength(
                        obj,
                        provider.GetCustomAttributes(typeof(MaxTextLengthAttribute), inherit: true) is [MaxTextLengthAttribute m, ..] ? m.Length : InputShape.DefaultMaxLength,
                        provider.IsDefined(typeof(MultiLineAttribute), inherit: true));
                }

                return node;
            },
        });
        return schema;
    }

    /// <summary>Binds JSON to the action's input type, then runs the input's own checks.</summary>
    public static object Bind(ActionDescriptor descriptor, JsonNode? json)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        json ??= new JsonObject();
        if (json is not JsonObject)
        {
            throw new EntradaValidationException("input", $"The input of '{descriptor.Id}' must be a JSON object, such as {descriptor.Example?.ToJsonString() ?? "{}"}.");
        }

        object? input;
        try
        {
            input = json.Deserialize(descriptor.InputType, Options);
        }
        catch (JsonException ex)
        {
            throw new EntradaValidationException(FieldOf(ex.Path), DescribeJsonError(descriptor, ex)) { Next = new NextStep(NextStepKind.ShowAction, descriptor.Id) };
        }

        if (input is null)
        {
            throw new EntradaValidationException("input", $"The input of '{descriptor.Id}' is empty.");
        }

        // The shape first: an input's own checks may assume its lists hold no null.
        var shape = InputShape.Check(input, Options);
        if (shape.Count > 0)
        {
            throw new EntradaValidationException(shape) { Next = new NextStep(NextStepKind.ShowAction, descriptor.Id) };
        }

        if (input is IValidatableInput validatable)
        {
            var errors = validatable.Validate().ToList();
            if (errors.Count > 0)
            {
                throw new EntradaValidationException(errors) { Next = new NextStep(NextStepKind.ShowAction, descriptor.Id) };
            }
        }

        return input;
    }

    // The limits InputShape enforces, on the field or on its list's elements: the length, and a
    // single line (no control character) unless the field is [MultiLine].
    private static void PublishMaxLength(JsonObject property, int length, bool multiLine)
    {
        var target = property["items"] as JsonObject ?? property["additionalProperties"] as JsonObject ?? property;
        if (IsString(target["type"]) && target["enum"] is null)
        {
            target["maxLength"] = length;
            if (!multiLine)
            {
                target["pattern"] = InputShape.SingleLinePattern;
            }
        }

        if (IsArray(property["type"]))
        {
            property["maxItems"] = InputShape.MaxItems;
        }

        static bool IsString(JsonNode? type) => type is JsonValue v ? v.ToString() == "string" : type is JsonArray a && a.Any(t => t?.ToString() == "string");
        static bool IsArray(JsonNode? type) => type is JsonValue v ? v.ToString() == "array" : type is JsonArray a && a.Any(t => t?.ToString() == "array");
    }

    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "input" : path.TrimStart('$', '.');

    private static string DescribeJsonError(ActionDescriptor descriptor, JsonException ex)
    {
        var field = FieldOf(ex.Path);
        var message = ex.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal) || message.Contains("unmapped", StringComparison.OrdinalIgnoreCase))
        {
            var known = string.Join(", ", SchemaOf(descriptor.InputType)["properties"]?.AsObject().Select(p => p.Key) ?? []);
            var unknown = ExtractQuoted(message) ?? field;
            return $"The input field '{unknown}' is not known to '{descriptor.Id}'; its fields are: {known}.";
        }

        if (message.Contains("missing required properties", StringComparison.Ordinal))
        {
            var missing = ExtractAfter(message, "including:") ?? "a required field";
            return field == "input"
                ? $"The input of '{descriptor.Id}' is missing {missing.Trim().TrimEnd('.')}."
                : $"The input field '{field}' of '{descriptor.Id}' is missing {missing.Trim().TrimEnd('.')}.";
        }

        if (message.Contains("doesn't allow null", StringComparison.Ordinal) || message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase))
        {
            return $"The input field '{field}' of '{descriptor.Id}' cannot be null.";
        }

        return $"The input field '{field}' of '{descriptor.Id}' has the wrong type or format.";
    }

    private static string? ExtractQuoted(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start >= 0 ? message.IndexOf('\'', start + 1) : -1;
        return start >= 0 && end > start ? message[(start + 1)..end] : null;
    }

    private static string? ExtractAfter(string message, string marker)
    {
        var index = message.IndexOf(marker, StringComparison.Ordinal);
        return index < 0 ? null : message[(index + marker.Length)..].Split(". Path:")[0];
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            AllowTrailingCommas = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
        };
        // An enum is named, never numbered: 5 is not an operation.
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
