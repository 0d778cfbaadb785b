using System.Collections.Frozen;
using System.Text;

namespace Entrada.Emulator.Graph;

/// <summary>
/// Graph's URL rules for path segments, applied once to every request before it is routed: names are
/// matched case-insensitively (<c>/groups/{id}/Members</c> is <c>/groups/{id}/members</c>), OData key
/// syntax becomes a segment (<c>users('id')</c> is <c>users/id</c>, <c>users(userPrincipalName='…')</c>
/// an alternate key), a function's empty parentheses and the <c>microsoft.graph.</c> / <c>graph.</c>
/// namespace of a bound function are dropped (<c>delta()</c>, <c>microsoft.graph.delta</c> are
/// <c>delta</c>), and type casts take Graph's full namespace (<c>graph.user</c> is
/// <c>microsoft.graph.user</c>). Routes therefore compare segments with plain literals
/// (<c>case "members":</c>) and are case-insensitive for free.
/// </summary>
internal static class GraphSegments
{
    /// <summary>
    /// Every literal segment a route matches, in the spelling routes compare with. A route that matches a
    /// new literal adds it here (a test reads the routes and checks that each literal is listed).
    /// </summary>
    internal static readonly string[] Names =
    [
        // Directory: users, groups, objects, roles, organisation, licences.
        "me", "users", "groups", "directoryObjects", "directoryRoles", "organization", "subscribedSkus",
        "members", "transitiveMembers", "owners", "memberOf", "transitiveMemberOf", "licenseDetails",
        "revokeSignInSessions", "assignLicense", "checkMemberGroups", "getMemberGroups", "checkMemberObjects",
        "getMemberObjects", "getByIds", "validateProperties", "changePassword", "scopedMembers",
        "manager", "directReports", "ownedObjects", "ownedDevices", "registeredDevices", "registeredOwners", "registeredUsers",
        "delta", "directory", "deletedItems", "restore",
        // Identity Protection and security.
        "identityProtection", "riskyUsers", "history", "confirmCompromised", "dismiss", "riskDetections",
        "security", "alerts_v2", "comments",
        // Authentication methods.
        "authentication", "methods", "phoneMethods", "microsoftAuthenticatorMethods", "fido2Methods",
        "softwareOathMethods", "emailMethods", "windowsHelloForBusinessMethods", "temporaryAccessPassMethods",
        "passwordMethods", "resetPassword",
        // Audit logs, role management, Conditional Access.
        "auditLogs", "signIns", "directoryAudits", "roleManagement", "roleDefinitions", "roleAssignments",
        "identity", "conditionalAccess", "policies", "namedLocations",
        // Applications, service principals, devices, invitations.
        "applications", "servicePrincipals", "addPassword", "removePassword", "addKey", "removeKey",
        "invitations", "devices",
        // OData segments.
        "$count", "$ref", "$value", "$batch", "$metadata",
    ];

    /// <summary>The types a segment may cast to, named as Graph does after <c>microsoft.graph.</c>.</summary>
    internal static readonly string[] Types =
    [
        "user", "group", "directoryRole", "servicePrincipal", "application", "device", "orgContact", "administrativeUnit",
    ];

    private const string Namespace = "microsoft.graph.";
    private const string Alias = "graph.";

    private static readonly FrozenDictionary<string, string> ByName = Names.ToFrozenDictionary(n => n, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string> ByType = Types.ToFrozenDictionary(t => t, t => Namespace + t, StringComparer.OrdinalIgnoreCase);

    /// <summary>The canonical spelling of one segment: a listed name, a cast, a qualified function, or the segment unchanged (an id).</summary>
    public static string Canonical(string segment)
    {
        if (ByName.TryGetValue(segment, out var name))
        {
            return name;
        }

        var unqualified = segment.StartsWith(Namespace, StringComparison.OrdinalIgnoreCase) ? segment[Namespace.Length..]
            : segment.StartsWith(Alias, StringComparison.OrdinalIgnoreCase) ? segment[Alias.Length..]
            : null;
        if (unqualified is null)
        {
            return segment;
        }

        return ByType.TryGetValue(unqualified, out var type) ? type
            : ByName.TryGetValue(unqualified, out var function) ? function
            : Namespace + unqualified;
    }

    /// <summary>
    /// Splits raw path segments into canonical route segments: key syntax becomes its own segment, with
    /// alternate keys (<c>(appId='…')</c>) noted by segment index and canonical-case property name.
    /// </summary>
    public static string[] Parse(IEnumerable<string> rawSegments, out Dictionary<int, string>? alternateKeys)
    {
        alternateKeys = null;
        var result = new List<string>();
        foreach (var raw in rawSegments)
        {
            var open = raw.IndexOf('(', StringComparison.Ordinal);
            if (open > 0 && raw.EndsWith(')') && IsName(raw.AsSpan(0, open)))
            {
                var name = Canonical(raw[..open]);
                var inner = raw[(open + 1)..^1];
                result.Add(name);
                if (inner.Length == 0)
                {
                    // A function called with empty parentheses: delta().
                    continue;
                }

                var (property, value) = ParseKey(inner);
                if (property is not null && !property.Equals("id", StringComparison.OrdinalIgnoreCase))
                {
                    (alternateKeys ??= [])[result.Count] = property;
                }

                result.Add(value);
                continue;
            }

            result.Add(Canonical(raw));
        }

        return [.. result];
    }

    /// <summary>Reads <c>'value'</c>, <c>value</c> or <c>property='value'</c> (with <c>''</c> for a quote inside).</summary>
    private static (string? Property, string Value) ParseKey(string inner)
    {
        string? property = null;
        var eq = inner.IndexOf('=', StringComparison.Ordinal);
        var quote = inner.IndexOf('\'', StringComparison.Ordinal);
        if (eq > 0 && (quote < 0 || eq < quote) && IsName(inner.AsSpan(0, eq)))
        {
            property = inner[..eq].Trim();
            inner = inner[(eq + 1)..];
        }

        inner = inner.Trim();
        if (inner.Length >= 2 && inner[0] == '\'' && inner[^1] == '\'')
        {
            inner = inner[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        return (property, inner);
    }

    private static bool IsName(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '$'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The segments as a path (each escaped), for links that repeat the request.</summary>
    public static string Path(IEnumerable<string> segments)
    {
        var sb = new StringBuilder();
        foreach (var s in segments)
        {
            sb.Append('/').Append(Uri.EscapeDataString(s));
        }

        return sb.ToString();
    }
}
