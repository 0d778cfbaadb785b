using System.Globalization;
using System.Text;

namespace Entrada.Ldap.Escaping;

/// <summary>
/// Builds LDAP search filters (RFC 4515) from untrusted values. Every value placed in a filter
/// goes through <see cref="Escape(string)"/>, so a value such as <c>*)(objectClass=*</c> is
/// matched literally and can never widen or change the filter.
/// </summary>
public static class LdapFilter
{
    /// <summary>
    /// Escapes a value for use inside a filter assertion: <c>*</c>, <c>(</c>, <c>)</c>, <c>\</c>
    /// and NUL become <c>\2a</c>, <c>\28</c>, <c>\29</c>, <c>\5c</c> and <c>\00</c>, as do all other
    /// control characters; every other character, including non-ASCII, is kept (the filter is
    /// sent as UTF-8, as RFC 4515 requires).
    /// </summary>
    /// <param name="value">The literal value to match.</param>
    /// <returns>The escaped value.</returns>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        StringBuilder? builder = null;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '*' or '(' or ')' or '\\' || char.IsControl(c))
            {
                builder ??= new StringBuilder(value.Length + 8).Append(value, 0, i);
                // Control characters are below U+00A0, so each is one UTF-8 byte except U+0080–U+009F.
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    builder.Append('\\').Append(b.ToString("x2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? value;
    }

    /// <summary>Escapes raw bytes (an objectGUID, an objectSid) as <c>\xx</c> for each byte.</summary>
    /// <param name="value">The bytes to match.</param>
    /// <returns>The escaped value.</returns>
    public static string Escape(ReadOnlySpan<byte> value)
    {
        var builder = new StringBuilder(value.Length * 3);
        foreach (var b in value)
        {
            builder.Append('\\').Append(b.ToString("x2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    /// <summary>An equality assertion <c>(attribute=value)</c> with the value escaped.</summary>
    /// <param name="attribute">The attribute description (an attribute type name or OID, never user data).</param>
    /// <param name="value">The literal value.</param>
    /// <returns>The filter.</returns>
    public static string Equal(string attribute, string value)
    {
        CheckAttribute(attribute);
        return $"({attribute}={Escape(value)})";
    }

    /// <summary>The disjunction <c>(|f1 f2 …)</c> of filters that are already well formed.</summary>
    /// <param name="filters">The filters.</param>
    /// <returns>The filter.</returns>
    public static string Or(IEnumerable<string> filters) => "(|" + string.Concat(filters) + ")";

    /// <summary>Whether the text is an attribute description: a name (letters, digits, '-') or an OID, with options after ';'.</summary>
    /// <param name="attribute">The text.</param>
    /// <returns>True when it is one.</returns>
    public static bool IsAttributeDescription(string? attribute)
    {
        if (string.IsNullOrEmpty(attribute))
        {
            return false;
        }

        foreach (var c in attribute)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or ';'))
            {
                return false;
            }
        }

        return char.IsAsciiLetterOrDigit(attribute[0]);
    }

    private static void CheckAttribute(string attribute)
    {
        if (!IsAttributeDescription(attribute))
        {
            throw new ArgumentException($"'{attribute}' is not an LDAP attribute name or OID.", nameof(attribute));
        }
    }
}
