using Entrada.Core;

namespace Entrada.Graph.Client;

/// <summary>
/// The one place that decides where a connection's bearer token may go: every request of the
/// connection's Graph client — the first, each <c>@odata.nextLink</c> and <c>@odata.deltaLink</c>,
/// each redirect the redirect middleware follows, each retry, each <c>$batch</c>, each
/// <c>graph.request</c> — passes through it last, just before the socket, and is refused unless it
/// has the Graph endpoint's scheme (HTTPS), host and port. A refused request is never sent.
/// </summary>
/// <remarks>
/// The token is put on the request before Graph's middleware runs (the authentication provider
/// works on the request information), so the check has to sit innermost: after the redirect
/// middleware, so that a redirected request is checked too, and before the handler that sends.
/// </remarks>
internal sealed class GraphOriginGuard(Uri graphEndpoint) : DelegatingHandler
{
    private readonly Uri _endpoint = graphEndpoint ?? throw new ArgumentNullException(nameof(graphEndpoint));

    /// <summary>Whether <paramref name="uri"/> is on the Graph endpoint's origin (HTTPS, same host and port).</summary>
    public static bool IsSameOrigin(Uri endpoint, Uri? uri)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return uri is { IsAbsoluteUri: true }
            && endpoint.Scheme == Uri.UriSchemeHttps
            && string.Equals(uri.Scheme, endpoint.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(uri.IdnHost, endpoint.IdnHost, StringComparison.OrdinalIgnoreCase)
            && uri.Port == endpoint.Port
            && string.IsNullOrEmpty(uri.UserInfo);
    }

    /// <summary>The error for a request to <paramref name="uri"/>, which is not on the Graph endpoint's origin.</summary>
    public static RemoteOperationException Refusal(Uri endpoint, Uri? uri)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var target = uri is { IsAbsoluteUri: true } ? uri.GetLeftPart(UriPartial.Authority) : "(no address)";
        return new RemoteOperationException(
            $"Refused to send a request to '{target}': the connection's token goes only to its Graph endpoint '{endpoint.GetLeftPart(UriPartial.Authority)}' over HTTPS. "
            + "Graph (or something between Entrada and Graph) pointed to another address in a next-page link or a redirect; nothing was sent there. Check the connection's Graph endpoint and any proxy in between.");
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsSameOrigin(_endpoint, request.RequestUri))
        {
            request.Headers.Authorization = null;
            throw Refusal(_endpoint, request.RequestUri);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
