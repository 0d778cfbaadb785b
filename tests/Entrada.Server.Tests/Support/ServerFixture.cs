using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Storage;
using Entrada.Emulator;
using Entrada.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Tests.Support;

/// <summary>
/// One real server on a free port with <c>--demo</c> (the emulated tenant in-process, over HTTPS,
/// and the ready <c>Demo tenant</c> connection), in a temporary ENTRADA_HOME, shared by the tests
/// of a collection. Tests that change state use names of their own.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    /// <summary>
    /// The running server's <c>triggers.lock</c> (held with an exclusive lock, so it cannot be opened
    /// while the server runs): a scan of ENTRADA_HOME passes over it once it is seen to be empty, as
    /// it always is — it holds nothing, only the lock.
    /// </summary>
    public static bool IsHeldTriggerLock(string path)
    {
        if (Path.GetFileName(path) != "triggers.lock")
        {
            return false;
        }

        new FileInfo(path).Length.ShouldBe(0L, "the trigger lock holds nothing");
        return true;
    }

    private readonly string _home = Path.Combine(Path.GetTempPath(), "entrada-server-tests-" + Guid.NewGuid().ToString("N"));

    internal EntradaServer Server { get; private set; } = null!;

    public string ApiKey { get; private set; } = string.Empty;

    /// <summary>The server's ENTRADA_HOME, for a second edge (the CLI's composition) to share.</summary>
    public string HomePath => _home;

    public Uri Url => Server.Url;

    /// <summary>The requests the demo tenant received.</summary>
    public EmulatorRequests Requests { get; } = new();

    public EmulatorServer Emulator => Server.Emulator!;

    public EmulatorApp DemoApp => Emulator.Apps.First(a => a.Name == "demo");

    public EmulatorApp NoConsentApp => Emulator.Apps.First(a => a.Name == "no-consent");

    public async Task InitializeAsync()
    {
        Server = await EntradaServer.StartAsync(
            new ServerSettings
            {
                Home = new EntradaHome(_home),
                Urls = "http://127.0.0.1:0",
                Demo = true,
                DemoOptions = new EmulatorOptions { Port = 0, Throttle = ThrottleMode.Off, LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(Requests).SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Information)) },
                RunWait = TimeSpan.FromSeconds(20),
                SignInFailureLimit = 1000,
            },
            CancellationToken.None);
        ApiKey = Server.CreatedApiKey!.Reveal();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A client that sends the API key.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key ?? ApiKey);
        return client;
    }

    /// <summary>The body of an App Registration connection to the emulated tenant.</summary>
    public JsonObject AppRegistrationBody(string name, EmulatorApp? app = null) => new()
    {
        ["name"] = name,
        ["method"] = "app-registration",
        ["cloud"] = "custom",
        ["tenantId"] = Emulator.TenantId,
        ["clientId"] = (app ?? DemoApp).ClientId,
        ["clientSecret"] = (app ?? DemoApp).ClientSecret,
        ["authorityHost"] = Emulator.AuthorityHost.ToString(),
        ["graphEndpoint"] = Emulator.GraphEndpoint.ToString(),
        ["caCertificate"] = Emulator.CaCertificatePem,
    };

    /// <summary>Runs an action through the API and returns the run's JSON.</summary>
    public async Task<JsonObject> RunAsync(string action, JsonObject input, string connection = "Demo tenant", bool dryRun = false)
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync($"/api/v1/actions/{action}/runs", new JsonObject { ["connection"] = connection, ["input"] = input, ["dryRun"] = dryRun });
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Calls the emulator's control API (faults, state) with its control key.</summary>
    public async Task ControlAsync(HttpMethod method, string path, object? body = null)
    {
        using var http = new HttpClient(Emulator.CreateHttpHandler());
        using var request = new HttpRequestMessage(method, new Uri(Emulator.AuthorityHost, "/_emulator/" + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Emulator.ControlKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Ids of the first users and the first group of the emulated tenant.</summary>
    public async Task<(string GroupId, IReadOnlyList<string> UserIds)> SomeIdsAsync(int users)
    {
        var userRun = await RunAsync("users.list", new JsonObject { ["max"] = users });
        var groupRun = await RunAsync("groups.list", new JsonObject { ["max"] = 1 });
        return (
            groupRun["output"]!.AsArray()[0]!["id"]!.GetValue<string>(),
            [.. userRun["output"]!.AsArray().Select(u => u!["id"]!.GetValue<string>())]);
    }

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
