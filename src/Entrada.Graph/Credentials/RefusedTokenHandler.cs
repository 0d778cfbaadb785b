using System.Net;

namespace Entrada.Graph.Credentials;

/// <summary>
/// In a connection's Graph pipeline: when Graph refuses the bearer token (401), the connection's
/// tokens are forgotten — in memory and the one kept between processes — so the next request asks
/// the identity platform instead of presenting the refused token again.
/// </summary>
internal sealed class RefusedTokenHandler(CachedTokenCredential credential) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && request.Headers.Authorization is not null)
        {
            await credential.ForgetAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return response;
    }
}
