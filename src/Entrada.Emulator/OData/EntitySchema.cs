using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Entrada.Emulator.OData;

/// <summary>How a property's value is stored and written.</summary>
internal enum PropertyKind
{
    String,
    Boolean,
    Int32,
    DateTime,
    StringCollection,

    /// <summary>A complex value or a collection of complex values, kept as a <see cref="JsonNode"/>.</summary>
    Json,
}

/// <summary>Which <c>$filter</c> operators a property supports.</summary>
[Flags]
internal enum FilterSupport
{
    None = 0,
    Eq = 1,
    Ne = 2,
    StartsWith = 4,
    In = 8,
    Range = 16,
    Any = 32,
    EndsWith = 64,
    Text = Eq | Ne | StartsWith | In | EndsWith,
    Value = Eq | Ne | In,
}

internal sealed class PropertyDef
{
    public required string Name { get; init; }

    public int Slot { get; init; }

    public PropertyKind Kind { get; init; }

    /// <summary>Returned when the request has no <c>$select</c>.</summary>
    public bool IsDefault { get; init; }

    public bool IsReadOnly { get; init; }

    /// <summary>Accepted on writes but never returned (Graph returns <c>null</c>), e.g. <c>passwordProfile</c>.</summary>
    public bool IsWriteOnly { get; init; }

    public FilterSupport Filter { get; init; }

    public bool Sortable { get; init; }

    public bool Searchable { get; init; }
}

/// <summary>The properties of one Graph entity type, with their capabilities.</summary>
internal sealed class EntitySchema
{
    private readonly Dictionary<string, PropertyDef> _byName;
    private readonly FrozenDictionary<string, PropertyDef> _exact;

    public EntitySchema(string typeName, string resourceName, IReadOnlyList<PropertyDef> properties)
    {
        TypeName = typeName;
        ResourceName = resourceName;
        Properties = properties;
        _byName = properties.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        _exact = properties.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);
        Defaults = [.. properties.Where(p => p.IsDefault)];
        Id = _byName["id"];
    }

    /// <summary>The OData type name without '#', e.g. <c>microsoft.graph.user</c>.</summary>
    public string TypeName { get; }

    /// <summary>The name Graph uses in error messages, e.g. <c>User</c>.</summary>
    public string ResourceName { get; }

    public IReadOnlyList<PropertyDef> Properties { get; }

    public IReadOnlyList<PropertyDef> Defaults { get; }

    public PropertyDef Id { get; }

    public int SlotCount => Properties.Count;

    public bool TryGet(string name, out PropertyDef property) => _exact.TryGetValue(name, out property!) || _byName.TryGetValue(name, out property!);

    public PropertyDef this[string name] => _exact.TryGetValue(name, out var property) ? property : _byName[name];

    /// <summary>Reads one of this type's properties from a request body, whatever the case the client wrote its name in (as Graph reads bodies).</summary>
    public bool TryGetValue(JsonElement body, string name, out JsonElement value) => body.TryGetPropertyIgnoringCase(this[name].Name, out value);
}

/// <summary>Builds an <see cref="EntitySchema"/>: slot 0 is always <c>id</c>.</summary>
internal sealed class SchemaBuilder(string typeName, string resourceName)
{
    private readonly List<PropertyDef> _properties = [new PropertyDef { Name = "id", Slot = 0, Kind = PropertyKind.String, IsDefault = true, IsReadOnly = true, Filter = FilterSupport.Eq | FilterSupport.In | FilterSupport.Ne }];

    public SchemaBuilder Add(
        string name,
        PropertyKind kind = PropertyKind.String,
        bool isDefault = true,
        FilterSupport filter = FilterSupport.None,
        bool sortable = false,
        bool searchable = false,
        bool readOnly = false,
        bool writeOnly = false)
    {
        _properties.Add(new PropertyDef
        {
            Name = name,
            Slot = _properties.Count,
            Kind = kind,
            IsDefault = isDefault,
            Filter = filter,
            Sortable = sortable,
            Searchable = searchable,
            IsReadOnly = readOnly,
            IsWriteOnly = writeOnly,
        });
        return this;
    }

    public EntitySchema Build() => new(typeName, resourceName, _properties);
}

/// <summary>Converts between JSON and stored property values.</summary>
internal static class PropertyValues
{
    private static readonly object True = true;
    private static readonly object False = false;

    public static object Box(bool value) => value ? True : False;

    public static string FormatDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case DateTimeOffset d:
                writer.WriteStringValue(FormatDate(d));
                break;
            case string[] list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            default:
                throw new InvalidOperationException($"Unsupported stored value {value.GetType()}.");
        }
    }

    /// <summary>Converts a request body value; returns false with a Graph-style message when the type does not fit.</summary>
    public static bool TryConvert(PropertyDef property, JsonElement element, out object? value)
    {
        value = null;
        if (element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        switch (property.Kind)
        {
            case PropertyKind.String when element.ValueKind == JsonValueKind.String:
                value = element.GetString();
                return true;
            case PropertyKind.Boolean when element.ValueKind is JsonValueKind.True or JsonValueKind.False:
                value = Box(element.GetBoolean());
                return true;
            case PropertyKind.Int32 when element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out var i):
                value = i;
                return true;
            case PropertyKind.DateTime when element.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d):
                value = d.ToUniversalTime();
                return true;
            case PropertyKind.StringCollection when element.ValueKind == JsonValueKind.Array && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                value = element.EnumerateArray().Select(e => e.GetString()!).ToArray();
                return true;
            case PropertyKind.Json when element.ValueKind is JsonValueKind.Object or JsonValueKind.Array:
                value = JsonNode.Parse(element.GetRawText());
                return true;
            default:
                return false;
        }
    }

    public static string EdmType(PropertyKind kind) => kind switch
    {
        PropertyKind.Boolean => "Edm.Boolean",
        PropertyKind.Int32 => "Edm.Int32",
        PropertyKind.DateTime => "Edm.DateTimeOffset",
        PropertyKind.StringCollection => "Collection(Edm.String)",
        PropertyKind.Json => "a complex type",
        _ => "Edm.String",
    };
}
