using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Entrada.Core;
using Microsoft.Graph.Models;

namespace Entrada.Graph.ConditionalAccess;

/// <summary>CIDR ranges of IP named locations: checked before anything is sent, compared by the range they name.</summary>
internal static class CidrRanges
{
    /// <summary>The problems with a list of CIDR strings (IPv4 <c>203.0.113.0/24</c> or IPv6 <c>2001:db8::/48</c>).</summary>
    public static IEnumerable<ValidationError> Validate(string field, IReadOnlyList<string>? ranges, bool required)
    {
        if (ranges is null || ranges.Count == 0)
        {
            if (required)
            {
                yield return new ValidationError(field, $"'{field}' needs at least one CIDR range, such as 203.0.113.0/24 or 2001:db8::/48.");
            }

            yield break;
        }

        for (var i = 0; i < ranges.Count; i++)
        {
            if (!TryParse(ranges[i], out _, out _))
            {
                yield return new ValidationError($"{field}[{i}]", $"'{field}[{i}]' ('{ranges[i]}') is not a CIDR range: write an IPv4 or IPv6 address, '/', and a prefix length (1-32 for IPv4, 1-128 for IPv6), such as 203.0.113.0/24.");
            }
        }

        var duplicates = ranges.Where(r => TryParse(r, out _, out _)).GroupBy(Canonical, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.First()).ToList();
        if (duplicates.Count > 0)
        {
            yield return new ValidationError(field, $"'{field}' names {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once.");
        }
    }

    /// <summary>An address and a prefix that fits its family; a /0 (every address) is refused.</summary>
    public static bool TryParse(string? text, out IPAddress address, out int prefix)
    {
        address = IPAddress.None;
        prefix = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || text.AsSpan(0, slash).Contains('%') || !IPAddress.TryParse(text.AsSpan(0, slash), out var parsed)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix))
        {
            return false;
        }

        address = parsed;
        var max = parsed.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        return prefix >= 1 && prefix <= max && (parsed.AddressFamily == AddressFamily.InterNetwork || text.Contains(':', StringComparison.Ordinal));
    }

    /// <summary>One spelling per range (<c>2001:0:9d38::/63</c> and <c>2001:0:9d38:0:0:0:0:0/63</c> are the same).</summary>
    public static string Canonical(string text) => TryParse(text, out var address, out var prefix) ? address + "/" + prefix.ToString(CultureInfo.InvariantCulture) : text.Trim();

    /// <summary>Graph's range object for a CIDR string.</summary>
    public static IpRange ToGraph(string cidr) =>
        TryParse(cidr, out var address, out _) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPv6CidrRange { CidrAddress = cidr }
            : new IPv4CidrRange { CidrAddress = cidr };

    /// <summary>The CIDR string of one of Graph's ranges.</summary>
    public static string? Of(IpRange range) => range switch
    {
        IPv4CidrRange v4 => v4.CidrAddress,
        IPv6CidrRange v6 => v6.CidrAddress,
        _ => range.AdditionalData.TryGetValue("cidrAddress", out var c) ? c?.ToString() : null,
    };
}
