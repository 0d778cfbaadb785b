namespace Entrada.Core.Connections;

/// <summary>
/// Checks the string form of an LDAP distinguished name (RFC 4514): RDNs separated by commas,
/// each <c>type=value</c> (multi-valued with <c>+</c>), types as names or OIDs, values with
/// <c>\</c> escapes or as <c>#hex</c>. Whitespace after a comma or around <c>=</c> is accepted,
/// as Active Directory accepts it.
/// </summary>
public static class DistinguishedNameSyntax
{
    private const string Specials = "\"+,;<>\\";

    /// <summary>Checks a DN; returns null when valid, else the reason.</summary>
    public static string? Check(string? dn)
    {
        if (string.IsNullOrWhiteSpace(dn))
        {
            return "it is empty";
        }

        var i = 0;
        while (true)
        {
            SkipSpaces(dn, ref i);
            var problem = ReadAttributeTypeAndValue(dn, ref i);
            if (problem is not null)
            {
                return problem;
            }

            if (i == dn.Length)
            {
                return null;
            }

            var separator = dn[i];
            if (separator is not (',' or '+'))
            {
                return $"unexpected '{separator}' at position {i + 1}";
            }

            i++;
            if (i == dn.Length)
            {
                return "it ends with a separator";
            }
        }
    }

    private static string? ReadAttributeTypeAndValue(string dn, ref int i)
    {
        var start = i;
        if (i < dn.Length && char.IsAsciiLetter(dn[i]))
        {
            while (i < dn.Length && (char.IsAsciiLetterOrDigit(dn[i]) || dn[i] == '-'))
            {
                i++;
            }
        }
        else if (i < dn.Length && char.IsAsciiDigit(dn[i]))
        {
            while (i < dn.Length && (char.IsAsciiDigit(dn[i]) || dn[i] == '.'))
            {
                i++;
            }
        }

        if (i == start)
        {
            return $"an attribute type (such as CN, OU or DC) is expected at position {start + 1}";
        }

        SkipSpaces(dn, ref i);
        if (i >= dn.Length || dn[i] != '=')
        {
            return $"'=' is expected after '{dn[start..i].Trim()}'";
        }

        i++;
        SkipSpaces(dn, ref i);
        if (i < dn.Length && dn[i] == '#')
        {
            i++;
            var hexStart = i;
            while (i < dn.Length && char.IsAsciiHexDigit(dn[i]))
            {
                i++;
            }

            var hexLength = i - hexStart;
            return hexLength == 0 || hexLength % 2 != 0 ? "a '#' value must be followed by pairs of hex digits" : null;
        }

        var valueStart = i;
        while (i < dn.Length && dn[i] is not (',' or '+'))
        {
            var c = dn[i];
            if (c == '\\')
            {
                if (i + 1 >= dn.Length)
                {
                    return "it ends with a lone '\\'";
                }

                var next = dn[i + 1];
                if (Specials.Contains(next, StringComparison.Ordinal) || next is ' ' or '#' or '=')
                {
                    i += 2;
                    continue;
                }

                if (i + 2 < dn.Length && char.IsAsciiHexDigit(next) && char.IsAsciiHexDigit(dn[i + 2]))
                {
                    i += 3;
                    continue;
                }

                return $"'\\{next}' at position {i + 1} is not a valid escape (escape specials as \\, \\+ or as two hex digits)";
            }

            if (c is '"' or ';' or '<' or '>' or '\0')
            {
                return $"'{(c == '\0' ? "NUL" : c.ToString())}' at position {i + 1} must be escaped with '\\'";
            }

            i++;
        }

        return i == valueStart ? $"the value of '{dn[start..valueStart].TrimEnd('=', ' ')}' is empty" : null;
    }

    private static void SkipSpaces(string dn, ref int i)
    {
        while (i < dn.Length && dn[i] == ' ')
        {
            i++;
        }
    }
}
