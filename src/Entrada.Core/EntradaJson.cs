using System.Text.Json;
using System.Text.Json.Serialization;
using Entrada.Core.Connections;

namespace Entrada.Core;

/// <summary>Entrada's JSON for what it shows and keeps: camelCase, nulls left out, enums as their wire names.</summary>
public static class EntradaJson
{
    /// <summary>Applies Entrada's settings to serializer options.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new ConnectionMethodConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
    }

    /// <summary>Options for outputs kept with runs and shown by the edges.</summary>
    public static JsonSerializerOptions Default { get; } = Create(indented: false);

    /// <summary>The same, indented, for people to read.</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary><c>app-registration</c>, <c>oauth</c>, <c>ldap</c> — the names every edge uses.</summary>
    private sealed class ConnectionMethodConverter : JsonConverter<ConnectionMethod>
    {
        public override ConnectionMethod Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ConnectionMethods.TryParse(reader.GetString(), out var method) ? method : throw new JsonException("Use app-registration, oauth or ldap.");

        public override void Write(Utf8JsonWriter writer, ConnectionMethod value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToWireName());
    }
}
