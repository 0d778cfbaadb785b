using System.Buffers;
using System.Text.Json;

namespace Entrada.Emulator.Graph;

/// <summary>
/// <c>Accept: application/json;odata.metadata=none</c>: the answer without its OData annotations
/// (<c>@odata.context</c>, <c>@odata.type</c>, <c>@odata.id</c>, <c>@odata.etag</c>, <c>@odata.editLink</c>),
/// keeping the control information a client pages with (<c>@odata.nextLink</c>, <c>@odata.deltaLink</c>,
/// <c>@odata.count</c>). <c>minimal</c> (the default) and <c>full</c> answer as they always do.
/// </summary>
internal static class ODataMetadata
{
    private static readonly string[] Annotations = ["@odata.context", "@odata.type", "@odata.id", "@odata.etag", "@odata.editLink"];

    public static bool IsNone(GraphRequest request)
    {
        foreach (var part in request.Header("Accept").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq].Trim().Equals("odata.metadata", StringComparison.OrdinalIgnoreCase))
            {
                return part[(eq + 1)..].Trim().Trim('"').Equals("none", StringComparison.OrdinalIgnoreCase);
            }
        }

        return false;
    }

    /// <summary>The same response with the annotations left out at every depth (and its content type saying so).</summary>
    public static GraphResponse WithoutAnnotations(GraphResponse response)
    {
        if (response.Body is not { Length: > 0 } body || response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            return response;
        }

        var buffer = new ArrayBufferWriter<byte>(body.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        if (IsAnnotation(name))
                        {
                            reader.Read();
                            reader.Skip();
                            break;
                        }

                        writer.WritePropertyName(name);
                        break;
                    case JsonTokenType.String:
                        writer.WriteStringValue(reader.GetString());
                        break;
                    case JsonTokenType.Number:
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                        break;
                    case JsonTokenType.True or JsonTokenType.False:
                        writer.WriteBooleanValue(reader.GetBoolean());
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                }
            }
        }

        var stripped = new GraphResponse
        {
            Status = response.Status,
            ContentType = response.ContentType.Replace("odata.metadata=minimal", "odata.metadata=none", StringComparison.Ordinal),
            Body = buffer.WrittenSpan.ToArray(),
        };
        foreach (var (key, value) in response.Headers)
        {
            stripped.Headers[key] = value;
        }

        return stripped;
    }

    /// <summary>An annotation of the response (<c>@odata.type</c>) or of a property (<c>members@odata.context</c>).</summary>
    private static bool IsAnnotation(string name)
    {
        foreach (var annotation in Annotations)
        {
            if (name.EndsWith(annotation, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
