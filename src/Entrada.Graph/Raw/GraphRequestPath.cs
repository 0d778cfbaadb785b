using Entrada.Core;
using Entrada.Graph.Client;

namespace Entrada.Graph.Raw;

/// <summary>
/// The path of <c>graph.request</c>, kept under the connection's Graph v1.0 endpoint: a path that
/// starts with <c>/</c>, or an absolute URL on the endpoint's own origin (a next-page link pasted
/// back); no <c>.</c> or <c>..</c> segment, plain or percent-encoded (<c>%2e%2e</c>, twice-encoded
/// <c>%252e</c>), and no backslash or encoded slash that could climb out of <c>/v1.0</c>.
/// </summary>
internal static class GraphRequestPath
{
    /// <summary>What is wrong with <paramref name="path"/> on its own, or null when nothing is.</summary>
    public static string? Problem(string? path)
    {
        const string Expected = "'path' must be a path under the Graph endpoint starting with '/', such as /users?$top=5";
        if (string.IsNullOrWhiteSpace(path))
        {
            return $"{Expected}; it is empty.";
        }

        string local;
        if (path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal))
        {
            local = path;
        }
        else if (Uri.TryCreate(path, UriKind.Absolute, out var absolute) && absolute.Scheme == Uri.UriSchemeHttps)
        {
            // Whether it is on the connection's origin is checked when the request is made.
            local = path[(path.IndexOf(absolute.Authority, StringComparison.OrdinalIgnoreCase) + absolute.Authority.Length)..];
        }
        else
        {
            return $"{Expected} (or an https URL on the connection's own Graph endpoint); '{path}' is neither. The token is never sent elsewhere.";
        }

        var pathPart = local.Split('?', '#')[0];
        foreach (var segment in pathPart.Split('/'))
        {
            var decoded = segment;
            for (var i = 0; i < 3; i++)
            {
                decoded = Uri.UnescapeDataString(decoded);
            }

            if (decoded.Contains('\\', StringComparison.Ordinal) || decoded.Contains('/', StringComparison.Ordinal))
            {
                return $"{Expected}; its segment '{segment}' holds a backslash or an encoded slash.";
            }

            if (decoded.Trim() is "." or "..")
            {
                return $"{Expected}; it may not hold a '.' or '..' segment (here '{segment}'), which would leave /v1.0.";
            }
        }

        return null;
    }

    /// <summary>
    /// The URL <paramref name="path"/> names under <paramref name="endpoint"/>; refused (as invalid
    /// input) unless it stays on the endpoint's origin and under its path.
    /// </summary>
    public static Uri Resolve(Uri endpoint, string path)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(path);
        var root = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var rootPath = new Uri(root).AbsolutePath.TrimEnd('/');
        string local;
        if (path.StartsWith('/'))
        {
            local = path.StartsWith(rootPath + "/", StringComparison.OrdinalIgnoreCase) ? path[rootPath.Length..] : path;
        }
        else
        {
            var absolute = new Uri(path, UriKind.Absolute);
            if (!GraphOriginGuard.IsSameOrigin(endpoint, absolute))
            {
                throw new EntradaValidationException("path", $"'path' is a URL on '{absolute.GetLeftPart(UriPartial.Authority)}', not on the connection's Graph endpoint '{endpoint.GetLeftPart(UriPartial.Authority)}': the token is sent only there. Give a path such as /users?$top=5.");
            }

            local = path[(path.IndexOf(absolute.Authority, StringComparison.OrdinalIgnoreCase) + absolute.Authority.Length)..];
            if (!local.StartsWith(rootPath + "/", StringComparison.OrdinalIgnoreCase))
            {
                throw new EntradaValidationException("path", $"'path' must stay under '{rootPath}/' of the Graph endpoint; '{local}' does not.");
            }

            local = local[rootPath.Length..];
        }

        var uri = new Uri(root + local);
        if (!GraphOriginGuard.IsSameOrigin(endpoint, uri) || !uri.AbsolutePath.StartsWith(rootPath + "/", StringComparison.OrdinalIgnoreCase))
        {
            throw new EntradaValidationException("path", $"'path' must stay under '{rootPath}/' of the Graph endpoint; '{path}' does not.");
        }

        return uri;
    }
}
