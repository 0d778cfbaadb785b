using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Emulator;

namespace Entrada.Cli.Tests.Support;

/// <summary>
/// Graph as the emulated tenant answers it, read and set up with the <c>demo</c> app's own token
/// over HTTPS — not through Entrada — so that a test checks the tenant's end state independently of
/// what Entrada reports. A few requests are in flight at a time for the 500-user checks.
/// </summary>
internal sealed class TenantGraph(EmulatorServer server) : IDisposable
{
    private readonly HttpClient _http = new(server.CreateHttpHandler());
    private readonly SemaphoreSlim _inFlight = new(8);
    private string? _token;

    private string Root => server.GraphEndpoint.ToString().TrimEnd('/');

    /// <summary>The <c>@odata.type</c> of each of the user's authentication methods.</summary>
    public async Task<List<string>> MethodTypesAsync(string userId) =>
        [.. (await GetAsync($"/users/{userId}/authentication/methods"))!["value"]!.AsArray().Select(m => m!["@odata.type"]!.GetValue<string>())];

    /// <summary>The IDs of the user's Temporary Access Passes.</summary>
    public async Task<List<string>> TapIdsAsync(string userId) =>
        [.. (await GetAsync($"/users/{userId}/authentication/temporaryAccessPassMethods"))!["value"]!.AsArray().Select(m => m!["id"]!.GetValue<string>())];

    /// <summary>The user's manager's ID, or <see langword="null"/> when Graph answers 404 (no manager).</summary>
    public async Task<string?> ManagerIdAsync(string userId) =>
        (await GetAsync($"/users/{userId}/manager?$select=id", allowNotFound: true))?["id"]?.GetValue<string>();

    /// <summary>The IDs of the user's sign-ins at or after <paramref name="since"/>, every page.</summary>
    public async Task<List<string>> SignInIdsAsync(string userId, DateTimeOffset since)
    {
        var ids = new List<string>();
        string? next = $"/auditLogs/signIns?$filter=userId eq '{userId}' and createdDateTime ge {since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}&$top=1000";
        while (next is not null)
        {
            var page = (await GetAsync(next))!;
            ids.AddRange(page["value"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
            next = page["@odata.nextLink"]?.GetValue<string>()?[Root.Length..];
        }

        return ids;
    }

    /// <summary>Issues the user a Temporary Access Pass (Graph replaces one there is), as an attacker with admin rights might.</summary>
    public async Task<string> AddTapAsync(string userId)
    {
        var made = await SendAsync(HttpMethod.Post, $"/users/{userId}/authentication/temporaryAccessPassMethods", new JsonObject { ["lifetimeInMinutes"] = 480, ["isUsableOnce"] = false });
        return made!["id"]!.GetValue<string>();
    }

    /// <summary>Runs <paramref name="each"/> for every element, a few at a time, and returns the results in order.</summary>
    public static async Task<List<T>> ForEachAsync<TIn, T>(IEnumerable<TIn> items, Func<TIn, Task<T>> each) => [.. await Task.WhenAll(items.Select(each))];

    private Task<JsonNode?> GetAsync(string path, bool allowNotFound = false) => SendAsync(HttpMethod.Get, path, null, allowNotFound);

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body, bool allowNotFound = false)
    {
        await _inFlight.WaitAsync();
        try
        {
            using var request = new HttpRequestMessage(method, Root + path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync());
            if (body is not null)
            {
                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            using var response = await _http.SendAsync(request);
            if (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            var text = await response.Content.ReadAsStringAsync();
            response.IsSuccessStatusCode.ShouldBeTrue($"{method} {path}: {(int)response.StatusCode} {text}");
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task<string> TokenAsync()
    {
        if (_token is { } token)
        {
            return token;
        }

        var demo = server.Apps.Single(a => a.Name == "demo");
        using var answer = await _http.PostAsync(new Uri(server.AuthorityHost, $"{server.TenantId}/oauth2/v2.0/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = demo.ClientId,
            ["client_secret"] = demo.ClientSecret,
            ["grant_type"] = "client_credentials",
            ["scope"] = "https://graph.microsoft.com/.default",
        }));
        answer.EnsureSuccessStatusCode();
        _token = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;
        return _token;
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }
}
