using System.Text.Json;

namespace Entrada.Emulator.OData;

/// <summary>
/// Reading request bodies as Graph does: property names match case-insensitively (<c>mailNickName</c> is
/// <c>mailNickname</c>; <c>Members@odata.bind</c> is <c>members@odata.bind</c>). An exact match wins over one
/// that differs only in case.
/// </summary>
internal static class JsonBody
{
    public static bool TryGetPropertyIgnoringCase(this JsonElement element, string name, out JsonElement value)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty(name, out value))
            {
                return true;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (property.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
        }

        value = default;
        return false;
    }

    public static JsonElement GetPropertyIgnoringCase(this JsonElement element, string name) =>
        element.TryGetPropertyIgnoringCase(name, out var value) ? value : throw new KeyNotFoundException($"The body has no property '{name}'.");
}
