using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace Entrada.Emulator.Tests.Support;

/// <summary>One emulator shared by the tests of a class (throttling off, small deterministic tenant).</summary>
public class EmulatorFixture : IAsyncLifetime
{
    protected virtual EmulatorOptions Options => new() { Users = 30, Groups = 5, Throttle = ThrottleMode.Off };

    public EmulatorServer Server { get; private set; } = null!;

    public EmulatorApp Demo => Server.Apps.Single(a => a.Name == "demo");

    public EmulatorApp NoConsent => Server.Apps.Single(a => a.Name == "no-consent");

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await EmulatorServer.StartAsync(Options);
        Http = new HttpClient(Server.CreateHttpHandler()) { BaseAddress = Server.AuthorityHost };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    public ClientSecretCredential Credential(EmulatorApp? app = null, string? secret = null) =>
        new(Server.TenantId, (app ?? Demo).ClientId, secret ?? (app ?? Demo).ClientSecret, new ClientSecretCredentialOptions
        {
            AuthorityHost = Server.AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(Server.CreateHttpHandler()),
            Retry = { MaxRetries = 0 },
        });

    public async Task<string> AppTokenAsync(EmulatorApp? app = null) =>
        (await Credential(app).GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), default)).Token;

    /// <summary>Sends a Graph request with the demo app's token (or the given one) and returns status and JSON.</summary>
    public async Task<GraphResult> GraphAsync(HttpMethod method, string relative, object? body = null, string? token = null, Dictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, Server.GraphEndpoint + relative);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? await AppTokenAsync());
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body is string s ? s : JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var isJson = response.Content.Headers.ContentType?.MediaType == "application/json";
        return new GraphResult((int)response.StatusCode, isJson && text.Length > 0 ? JsonNode.Parse(text) : null, text, response.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase), response.Content.Headers.ContentType?.MediaType);
    }

    public async Task<GraphResult> TokenAsync(Dictionary<string, string> form, string? tenant = null, AuthenticationHeaderValue? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{tenant ?? Server.TenantId}/oauth2/v2.0/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new GraphResult((int)response.StatusCode, JsonNode.Parse(text), text, [], response.Content.Headers.ContentType?.MediaType);
    }
}

public sealed record GraphResult(int Status, JsonNode? Json, string Text, Dictionary<string, string> Headers, string? MediaType)
{
    public string? ErrorCode => Json?["error"]?["code"]?.GetValue<string>();

    public string? ErrorMessage => Json?["error"]?["message"]?.GetValue<string>();
}
