using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Entrada.Core.Storage;
using Entrada.Emulator;
using Entrada.Server.Hosting;
using Entrada.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Tests.Apis;

/// <summary>
/// The identity actions through the API, on a server of their own whose every log line (Trace and up)
/// is captured: a Temporary Access Pass and invitations' redeem URLs are in the run's immediate answer
/// and nowhere afterwards — not in the runs, the job, the audit log, the logs or any file under
/// ENTRADA_HOME.
/// </summary>
public sealed partial class IdentitySecretsApiTests : IAsyncLifetime
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "entrada-server-identity-" + Guid.NewGuid().ToString("N"));
    private readonly ListLoggerProvider _logs = new();
    private EntradaServer _server = null!;
    private string _key = string.Empty;

    public async Task InitializeAsync()
    {
        _server = await EntradaServer.StartAsync(
            new ServerSettings
            {
                Home = new EntradaHome(_home),
                Urls = "http://127.0.0.1:0",
                Demo = true,
                DemoOptions = new EmulatorOptions { Port = 0, Throttle = ThrottleMode.Off },
                RunWait = TimeSpan.FromSeconds(20),
                ConfigureLogging = logging =>
                {
                    logging.AddProvider(_logs);
                    logging.SetMinimumLevel(LogLevel.Trace);
                },
            },
            CancellationToken.None);
        _key = _server.CreatedApiKey!.Reveal();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = _server.Url, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        return client;
    }

    private async Task<JsonObject> RunAsync(HttpClient client, string action, JsonObject input)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/actions/{action}/runs", new JsonObject { ["connection"] = "Demo tenant", ["input"] = input });
        var body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(body);
        return JsonNode.Parse(body)!.AsObject();
    }

    [Fact]
    public async Task APassAndRedeemUrls_AreInTheImmediateAnswerOnly()
    {
        using var client = Client();
        var user = _server.Emulator!.State.GetUserIds()[12];
        var tap = await RunAsync(client, "users.tap.create", new JsonObject { ["userId"] = user, ["lifetimeInMinutes"] = 60 });
        tap["status"]!.GetValue<string>().ShouldBe("succeeded");
        var pass = tap["output"]!["temporaryAccessPass"]!.GetValue<string>();
        pass.Length.ShouldBe(8);

        // The same credential through the raw request: masked by name once kept.
        var raw = await RunAsync(client, "graph.request", new JsonObject { ["method"] = "POST", ["path"] = $"/users/{_server.Emulator.State.GetUserIds()[13]}/authentication/temporaryAccessPassMethods", ["body"] = new JsonObject() });
        var rawPass = raw["output"]!.ToJsonString().Contains("temporaryAccessPass", StringComparison.Ordinal)
            ? PassIn(raw["output"]!) : null;
        rawPass.ShouldNotBeNull(raw.ToJsonString());

        var invite = await RunAsync(client, "guests.invite", new JsonObject { ["emails"] = new JsonArray("api.one@partner.example", "api.two@partner.example") });
        var urls = invite["output"]!["items"]!.AsArray().Select(i => i!["inviteRedeemUrl"]!.GetValue<string>()).ToList();
        urls.Count.ShouldBe(2);
        var jobId = invite["jobId"]!.GetValue<string>();

        var secrets = new List<string> { pass, rawPass! };
        secrets.AddRange(urls.Select(u => Ticket().Match(Uri.UnescapeDataString(u)).Groups[1].Value));
        secrets.ShouldAllBe(s => s.Length >= 8);

        var later = new StringBuilder();
        foreach (var path in (string[])[$"/api/v1/runs/{tap["id"]}", $"/api/v1/runs/{raw["id"]}", $"/api/v1/runs/{invite["id"]}", "/api/v1/runs", $"/api/v1/jobs/{jobId}", "/api/v1/jobs", "/api/v1/audit?limit=1000"])
        {
            using var response = await client.GetAsync(path);
            response.IsSuccessStatusCode.ShouldBeTrue(path);
            later.Append(await response.Content.ReadAsStringAsync());
        }

        (await client.GetFromJsonAsync<JsonObject>($"/api/v1/runs/{tap["id"]}"))!["output"]!["temporaryAccessPass"]!.GetValue<string>().ShouldBe("***");
        foreach (var secret in secrets)
        {
            later.ToString().ShouldNotContain(secret);
            _logs.Lines.ShouldNotContain(l => l.Contains(secret, StringComparison.Ordinal), $"'{secret}' was logged");
            FilesContaining(_home, secret).ShouldBeEmpty($"'{secret}' was written to disk");
        }

        _logs.Lines.Count.ShouldBeGreaterThan(0);
    }

    private static string? PassIn(JsonNode output) => output switch
    {
        JsonObject o when o.TryGetPropertyValue("temporaryAccessPass", out var v) && v is JsonValue value && value.TryGetValue<string>(out var s) => s,
        JsonObject o => o.Select(p => p.Value is null ? null : PassIn(p.Value)).FirstOrDefault(p => p is not null),
        _ => null,
    };

    private static List<string> FilesContaining(string folder, string secret)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var forms = new[] { secret, JsonSerializer.Serialize(secret)[1..^1], JsonSerializer.Serialize(secret, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })[1..^1] }
            .Distinct().Select(Encoding.UTF8.GetBytes).ToList();
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(f => !ServerFixture.IsHeldTriggerLock(f)))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            if (forms.Any(f => memory.ToArray().AsSpan().IndexOf(f) >= 0))
            {
                found.Add(file);
            }
        }

        return found;
    }

    [GeneratedRegex("ticket=([0-9a-f]+)")]
    private static partial Regex Ticket();
}
