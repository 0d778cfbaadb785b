using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Identity.Client;

namespace Entrada.Emulator.Tests.Support;

/// <summary>Drives the emulator's sign-in pages with an HttpClient, as a person would with a browser.</summary>
public static partial class SignInDriver
{
    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();

    public static async Task<Dictionary<string, string>> FormOfAsync(HttpClient http, Uri page)
    {
        using var response = await http.GetAsync(page);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        return HiddenInput().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
    }

    /// <summary>Opens an authorize URL, picks the user, consents and returns the redirect (with code or error).</summary>
    public static async Task<Uri> SignInAsync(EmulatorServer server, Uri authorizeUrl, string userId, bool consent = true, string action = "accept")
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => EmulatorTrust.Validate(server.CaCertificate, c, e) } });
        var form = await FormOfAsync(http, authorizeUrl);
        form["user"] = userId;
        form["action"] = action;
        if (consent)
        {
            form["consent"] = "on";
        }

        using var response = await http.PostAsync(authorizeUrl.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(form));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!;
    }

    /// <summary>Enters a device code on the device-login page and approves (or declines) it as a user.</summary>
    public static async Task<string> EnterDeviceCodeAsync(EmulatorServer server, string userCode, string userId, string action = "accept")
    {
        using var http = new HttpClient(server.CreateHttpHandler()) { BaseAddress = server.AuthorityHost };
        using var step1 = await http.PostAsync("devicelogin", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = userCode, ["action"] = "next" }));
        var html = await step1.Content.ReadAsStringAsync();
        step1.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        using var step2 = await http.PostAsync("devicelogin", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = userCode, ["user"] = userId, ["consent"] = "on", ["action"] = action }));
        return await step2.Content.ReadAsStringAsync();
    }

    public static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty));
}

/// <summary>Hands MSAL an HttpClient that trusts exactly the emulator's CA.</summary>
public sealed class EmulatorHttpClientFactory(EmulatorServer server) : IMsalHttpClientFactory
{
    private readonly HttpClient _client = new(server.CreateHttpHandler());

    public HttpClient GetHttpClient() => _client;
}
