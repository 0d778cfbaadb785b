using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Entrada.Server.Hosting;

/// <summary>
/// The headers every response carries: the Content-Security-Policy (scripts only from this server
/// or with the request's nonce, never inline ones without it), <c>Cache-Control: no-store</c>
/// (pages and API answers show connections, runs, jobs and audit records, which no cache may
/// keep), HSTS over HTTPS, and the usual framing and sniffing guards.
/// </summary>
internal static class ContentSecurity
{
    private const string NonceItem = "entrada:csp-nonce";

    /// <summary>What HSTS asks of browsers: HTTPS only, for a year.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>
    /// The policy of a request: everything from this server only, and inline scripts only with the
    /// request's nonce. A page whose form redirects to the identity platform (OAuth sign-in) names
    /// that origin in <c>form-action</c>, since browsers apply <c>form-action</c> to the redirects
    /// that follow a form's submission.
    /// </summary>
    public static string Policy(HttpContext http, Uri? formTarget = null) =>
        $"default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'nonce-{NonceOf(http)}'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        + $"form-action 'self'{(formTarget is null ? string.Empty : " " + formTarget.GetLeftPart(UriPartial.Authority))}; frame-ancestors 'none'";

    /// <summary>The request's script nonce, for <c>&lt;script nonce="…"&gt;</c> in the pages: new and random for each request.</summary>
    public static string NonceOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items.TryGetValue(NonceItem, out var value) && value is string nonce)
        {
            return nonce;
        }

        nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Items[NonceItem] = nonce;
        return nonce;
    }

    /// <summary>Sets the headers on a response before it starts; an endpoint may still change them.</summary>
    public static void Apply(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = Policy(http);
        headers.CacheControl = "no-store";
        if (http.Request.IsHttps)
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }
    }
}
