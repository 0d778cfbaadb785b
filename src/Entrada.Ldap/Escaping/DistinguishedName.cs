using System.Globalization;
using System.Text;

namespace Entrada.Ldap.Escaping;

/// <summary>One relative distinguished name (RDN) of a DN, with its attribute values unescaped.</summary>
/// <param name="Attributes">The attribute type and value pairs; usually one, several for a multi-valued RDN (<c>cn=a+uid=b</c>).</param>
public sealed record RelativeDistinguishedName(IReadOnlyList<KeyValuePair<string, string>> Attributes)
{
    /// <summary>The RDN in RFC 4514 string form, with its values escaped.</summary>
    public override string ToString() =>
        string.Join('+', Attributes.Select(a => a.Key + "=" + DistinguishedName.EscapeValue(a.Value)));
}

/// <summary>
/// Distinguished names in their RFC 4514 string form: escaping of values placed in a DN, and
/// parsing into RDNs that respects escapes (<c>CN=Doe\, Jane,OU=People</c> has two RDNs).
/// </summary>
public static class DistinguishedName
{
    /// <summary>
    /// Escapes an attribute value for use in a DN: <c>" + , ; &lt; &gt; \</c> anywhere, a leading
    /// space or <c>#</c>, a trailing space, and NUL and other control characters (as <c>\xx</c>).
    /// Non-ASCII characters are kept as they are (a DN string is UTF-8).
    /// </summary>
    /// <param name="value">The literal value.</param>
    /// <returns>The escaped value.</returns>
    public static string EscapeValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '"' or '+' or ',' or ';' or '<' or '>' or '\\' or '='
                || (i == 0 && c is ' ' or '#')
                || (i == value.Length - 1 && c == ' '))
            {
                builder.Append('\\').Append(c);
            }
            else if (char.IsControl(c))
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString()))
                {
                    builder.Append('\\').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>An RDN <c>type=value</c> with the value escaped.</summary>
    /// <param name="attributeType">The attribute type, such as <c>CN</c> (never user data).</param>
    /// <param name="value">The literal value.</param>
    /// <returns>The RDN.</returns>
    public static string Rdn(string attributeType, string value)
    {
        if (!LdapFilter.IsAttributeDescription(attributeType) || attributeType.Contains(';', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{attributeType}' is not an attribute type.", nameof(attributeType));
        }

        return attributeType + "=" + EscapeValue(value);
    }

    /// <summary>Parses a DN into its RDNs, most specific first; the empty string is the root (no RDNs).</summary>
    /// <param name="dn">The DN.</param>
    /// <param name="rdns">The RDNs.</param>
    /// <param name="error">What is wrong, when it does not parse.</param>
    /// <returns>True when it parses.</returns>
    public static bool TryParse(string? dn, out IReadOnlyList<RelativeDistinguishedName> rdns, out string? error)
    {
        rdns = [];
        error = null;
        if (dn is null)
        {
            error = "A DN is required.";
            return false;
        }

        var result = new List<RelativeDistinguishedName>();
        if (dn.Trim().Length == 0)
        {
            rdns = result;
            return true;
        }

        var pos = 0;
        while (true)
        {
            var attributes = new List<KeyValuePair<string, string>>();
            while (true)
            {
                SkipSpaces(dn, ref pos);
                var typeStart = pos;
                while (pos < dn.Length && dn[pos] != '=' && dn[pos] != ',' && dn[pos] != '+' && dn[pos] != ';')
                {
                    pos++;
                }

                var type = dn[typeStart..pos].Trim();
                if (pos >= dn.Length || dn[pos] != '=' || !LdapFilter.IsAttributeDescription(type) || type.Contains(';', StringComparison.Ordinal))
                {
                    error = $"'{dn}' is not a distinguished name: expected 'type=value' at position {typeStart + 1} (for example CN=Jane Doe,OU=People,DC=example,DC=com).";
                    return false;
                }

                pos++; // '='
                if (!TryReadValue(dn, ref pos, out var value, out error))
                {
                    return false;
                }

                attributes.Add(new(type, value));
                if (pos < dn.Length && dn[pos] == '+')
                {
                    pos++;
                    continue;
                }

                break;
            }

            result.Add(new RelativeDistinguishedName(attributes));
            if (pos >= dn.Length)
            {
                break;
            }

            if (dn[pos] is ',' or ';')
            {
                pos++;
                continue;
            }

            error = $"'{dn}' is not a distinguished name: unexpected '{dn[pos]}' at position {pos + 1}.";
            return false;
        }

        rdns = result;
        return true;
    }

    /// <summary>Parses a DN, throwing <see cref="ArgumentException"/> with the reason when it does not parse.</summary>
    /// <param name="dn">The DN.</param>
    /// <returns>The RDNs, most specific first.</returns>
    public static IReadOnlyList<RelativeDistinguishedName> Parse(string dn) =>
        TryParse(dn, out var rdns, out var error) ? rdns : throw new ArgumentException(error, nameof(dn));

    /// <summary>The DN of the parent of <paramref name="dn"/> (empty for a one-RDN DN).</summary>
    /// <param name="dn">The DN.</param>
    /// <returns>The parent DN, re-serialised.</returns>
    public static string Parent(string dn) => string.Join(',', Parse(dn).Skip(1));

    /// <summary>Whether two DNs name the same entry, ignoring case of types and values and spacing.</summary>
    /// <param name="a">One DN.</param>
    /// <param name="b">The other.</param>
    /// <returns>True when equal.</returns>
    public static bool AreEqual(string a, string b) =>
        TryParse(a, out var ra, out _) && TryParse(b, out var rb, out _)
        && ra.Count == rb.Count
        && ra.Zip(rb).All(p => p.First.Attributes.Count == p.Second.Attributes.Count
            && p.First.Attributes.Zip(p.Second.Attributes).All(q =>
                string.Equals(q.First.Key, q.Second.Key, StringComparison.OrdinalIgnoreCase)
                && string.Equals(q.First.Value, q.Second.Value, StringComparison.OrdinalIgnoreCase)));

    private static void SkipSpaces(string s, ref int pos)
    {
        while (pos < s.Length && s[pos] == ' ')
        {
            pos++;
        }
    }

    private static bool TryReadValue(string dn, ref int pos, out string value, out string? error)
    {
        value = string.Empty;
        error = null;
        if (pos < dn.Length && dn[pos] == '#')
        {
            // A BER-encoded value in hex: kept in its string form.
            var start = pos;
            pos++;
            while (pos < dn.Length && char.IsAsciiHexDigit(dn[pos]))
            {
                pos++;
            }

            value = dn[start..pos];
            SkipSpaces(dn, ref pos);
            return true;
        }

        var bytes = new List<byte>();
        var lastSignificant = 0; // bytes up to here are kept; trailing unescaped spaces are not
        Span<byte> buffer = stackalloc byte[4];
        while (pos < dn.Length && dn[pos] is not (',' or ';' or '+'))
        {
            var c = dn[pos];
            if (c == '\\')
            {
                if (IsHexPair(dn, pos + 1))
                {
                    bytes.Add(byte.Parse(dn.AsSpan(pos + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    pos += 3;
                }
                else if (pos + 1 < dn.Length)
                {
                    var n = Encoding.UTF8.GetBytes(dn.AsSpan(pos + 1, 1), buffer);
                    bytes.AddRange(buffer[..n]);
                    pos += 2;
                }
                else
                {
                    error = $"'{dn}' is not a distinguished name: it ends with a lone '\\'.";
                    return false;
                }

                lastSignificant = bytes.Count;
                continue;
            }

            var len = char.IsHighSurrogate(c) && pos + 1 < dn.Length ? 2 : 1;
            var written = Encoding.UTF8.GetBytes(dn.AsSpan(pos, len), buffer);
            bytes.AddRange(buffer[..written]);
            if (c != ' ')
            {
                lastSignificant = bytes.Count;
            }

            pos += len;
        }

        value = Encoding.UTF8.GetString(bytes.GetRange(0, lastSignificant).ToArray());
        return true;
    }

    private static bool IsHexPair(string s, int at) =>
        at + 1 < s.Length && char.IsAsciiHexDigit(s[at]) && char.IsAsciiHexDigit(s[at + 1]);
}
