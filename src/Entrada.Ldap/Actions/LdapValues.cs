using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;

namespace Entrada.Ldap.Actions;

/// <summary>Values as the server wants them: text as UTF-8 strings, binary from base64 as bytes.</summary>
internal static class LdapValues
{
    /// <summary>The most characters of one attribute value (a photo in base64 fits).</summary>
    public const int MaxValueLength = 1_048_576;

    public static bool IsBase64(string value)
    {
        var buffer = new byte[(value.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    public static void CheckBinary(string field, IReadOnlyList<string>? binary, IReadOnlyDictionary<string, IReadOnlyList<string>> attributes, List<ValidationError> errors)
    {
        foreach (var name in binary ?? [])
        {
            var values = attributes.FirstOrDefault(a => string.Equals(a.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
            if (values is null)
            {
                errors.Add(new(field, $"'{name}' is listed in '{field}' but not in 'attributes'."));
            }
            else if (values.Any(v => !IsBase64(v)))
            {
                errors.Add(new(field, $"'{name}' is listed as binary, but one of its values is not base64."));
            }
        }
    }

    public static DirectoryAttribute Attribute(string name, IEnumerable<string> values, bool binary)
    {
        var attribute = new DirectoryAttribute { Name = name };
        foreach (var value in values)
        {
            if (binary)
            {
                attribute.Add(Convert.FromBase64String(value));
            }
            else
            {
                attribute.Add(value);
            }
        }

        return attribute;
    }

    public static JsonArray Json(IEnumerable<string>? values) => new([.. (values ?? []).Select(v => (JsonNode?)JsonValue.Create(v))]);
}
