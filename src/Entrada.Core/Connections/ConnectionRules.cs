using System.Text.RegularExpressions;

namespace Entrada.Core.Connections;

/// <summary>The syntax rules of connection parameters, each with the message shown when it is broken.</summary>
public static partial class ConnectionRules
{
    /// <summary>The longest name allowed.</summary>
    public const int MaxNameLength = 64;

    /// <summary>Checks a connection name; returns null when valid, else what is wrong and what is expected.</summary>
    public static string? CheckName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A connection name is required: 1–64 letters, digits, spaces, '.', '_' or '-'.";
        }

        if (name.Length > MaxNameLength)
        {
            return $"The connection name is {name.Length} characters long; it must be 1–64 letters, digits, spaces, '.', '_' or '-'.";
        }

        if (!NamePattern().IsMatch(name))
        {
            return $"The connection name '{name}' is not valid: use 1–64 letters, digits, spaces, '.', '_' or '-'.";
        }

        if (name != name.Trim())
        {
            return $"The connection name '{name}' starts or ends with a space; remove it.";
        }

        return null;
    }

    /// <summary>Whether a tenant is a GUID or a domain name.</summary>
    public static bool IsTenantId(string value) => Guid.TryParseExact(value, "D", out _) || IsDomainName(value);

    /// <summary>Whether a value is a GUID in its usual form (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).</summary>
    public static bool IsGuid(string value) => Guid.TryParseExact(value, "D", out _);

    /// <summary>Whether a value is a DNS domain name with at least two labels.</summary>
    public static bool IsDomainName(string value) => value.Length <= 253 && DomainPattern().IsMatch(value);

    /// <summary>Whether a value is a user principal name (<c>user@domain</c>).</summary>
    public static bool IsUpn(string value)
    {
        var at = value.LastIndexOf('@');
        return at > 0 && at < value.Length - 1 && !value.AsSpan(0, at).ContainsAny(" ,=") && IsDomainName(value[(at + 1)..]);
    }

    /// <summary>
    /// Parses an LDAP URI: <c>ldap://</c> or <c>ldaps://</c>, a host, an optional port 1–65535,
    /// and nothing else (no path, query, user or fragment).
    /// </summary>
    public static bool TryParseLdapUri(string value, out Uri? uri, out string? problem)
    {
        uri = null;
        var match = LdapUriPattern().Match(value);
        if (!match.Success)
        {
            problem = $"The LDAP URI '{value}' is not valid: expected ldap://host[:port] or ldaps://host[:port], with nothing after the port.";
            return false;
        }

        var portText = match.Groups["port"].Value;
        if (portText.Length > 0 && (!int.TryParse(portText, out var port) || port is < 1 or > 65535))
        {
            problem = $"The LDAP URI '{value}' has port {portText}; a port must be 1–65535.";
            return false;
        }

        var scheme = match.Groups["scheme"].Value.ToLowerInvariant();
        var normalised = $"{scheme}://{match.Groups["host"].Value}{(portText.Length > 0 ? ":" + int.Parse(portText, System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}";
        if (!System.Uri.TryCreate(normalised, UriKind.Absolute, out uri))
        {
            problem = $"The LDAP URI '{value}' is not valid: expected ldap://host[:port] or ldaps://host[:port].";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Parses an https URL for a custom cloud's endpoint.</summary>
    public static bool TryParseHttpsUrl(string value, out Uri? uri) =>
        System.Uri.TryCreate(value, UriKind.Absolute, out uri)
        && uri.Scheme == System.Uri.UriSchemeHttps
        && string.IsNullOrEmpty(uri.Query)
        && string.IsNullOrEmpty(uri.UserInfo);

    [GeneratedRegex(@"^[\p{L}\p{Nd} ._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^(?<scheme>[lL][dD][aA][pP][sS]?)://(?<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(?<port>[0-9]{1,6}))?/?$", RegexOptions.CultureInvariant)]
    private static partial Regex LdapUriPattern();
}
