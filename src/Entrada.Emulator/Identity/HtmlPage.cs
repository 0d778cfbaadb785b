using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace Entrada.Emulator.Identity;

/// <summary>The sign-in pages' HTML: one page shell, and the redirect back to the client in its response mode.</summary>
internal static class HtmlPage
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <summary>HTML-encodes text for an element or attribute.</summary>
    public static string Encode(string value) => Html.Encode(value);

    /// <summary>Redirects to the client with <paramref name="parameters"/> (null values left out) by query, fragment or <c>form_post</c>.</summary>
    public static async Task RedirectAsync(HttpContext http, string redirectUri, string responseMode, Dictionary<string, string?> parameters, CancellationToken cancellationToken)
    {
        var pairs = parameters.Where(p => p.Value is not null).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value!));
        if (responseMode == "form_post")
        {
            var inputs = string.Concat(parameters.Where(p => p.Value is not null).Select(p => $"<input type=\"hidden\" name=\"{Html.Encode(p.Key)}\" value=\"{Html.Encode(p.Value!)}\">"));
            await WriteAsync(http, 200, "Working…", $"<form method=\"post\" id=\"form_post\" action=\"{Html.Encode(redirectUri)}\">{inputs}</form><script>document.getElementById('form_post').submit();</script>", cancellationToken);
            return;
        }

        var separator = responseMode == "fragment" ? "#" : redirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        http.Response.StatusCode = 302;
        http.Response.Headers.Location = redirectUri + separator + string.Join('&', pairs);
    }

    /// <summary>Writes a page: <paramref name="body"/> is HTML, the title is encoded here.</summary>
    public static async Task WriteAsync(HttpContext http, int status, string title, string body, CancellationToken cancellationToken)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        const string Style = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}select,input{font-size:1rem;margin:.3rem 0}button{font-size:1rem;margin:.5rem .3rem 0 0}";
        await http.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{Html.Encode(title)} · Entrada Emulator</title>
            <style>{Style}</style></head>
            <body><h1>{Html.Encode(title)}</h1><p><small>Entrada Emulator — an emulated Microsoft Entra tenant</small></p>{body}</body></html>
            """, cancellationToken);
    }
}
