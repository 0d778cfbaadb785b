using System.Net;
using System.Text.RegularExpressions;

namespace Entrada.Server.Tests.Support;

/// <summary>An HttpClient with a cookie jar, signed in to the pages with an API key through the sign-in form.</summary>
public static partial class SignedInClient
{
    public static async Task<HttpClient> CreateAsync(Uri url, string key)
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true };
        var client = new HttpClient(handler) { BaseAddress = url };
        var form = await client.GetStringAsync("/sign-in");
        var token = TokenPattern().Match(form).Groups[1].Value;
        using var response = await client.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ApiKey"] = key,
            ["__RequestVerificationToken"] = token,
        }));
        response.EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>The antiforgery token of the first form of a page.</summary>
    public static string TokenOf(string html) => TokenPattern().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
