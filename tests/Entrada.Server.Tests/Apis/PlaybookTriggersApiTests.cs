using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Storage;
using Entrada.Emulator;
using Entrada.Server.Hosting;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

/// <summary>
/// Schedules and watches survive a restart of the server: each test stops its server and starts a
/// new one over the same ENTRADA_HOME (the emulated tenant keeps running, as a real tenant would),
/// and checks in the tenant's state that the playbook's effect happened, and happened once.
/// </summary>
public sealed class PlaybookTriggersApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _home = Path.Combine(Path.GetTempPath(), "entrada-trigger-tests-" + Guid.NewGuid().ToString("N"));
    private EmulatorServer _emulator = null!;
    private EntradaServer? _server;
    private string _key = string.Empty;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Port = 0, Throttle = ThrottleMode.Off }, CancellationToken.None);
        await StartServerAsync();
        using var client = Client();
        var app = _emulator.Apps.First(a => a.Name == "demo");
        using var created = await client.PostAsJsonAsync("/api/v1/connections", new JsonObject
        {
            ["name"] = "Tenant",
            ["method"] = "app-registration",
            ["cloud"] = "custom",
            ["tenantId"] = _emulator.TenantId,
            ["clientId"] = app.ClientId,
            ["clientSecret"] = app.ClientSecret,
            ["authorityHost"] = _emulator.AuthorityHost.ToString(),
            ["graphEndpoint"] = _emulator.GraphEndpoint.ToString(),
            ["caCertificate"] = _emulator.CaCertificatePem,
        });
        created.IsSuccessStatusCode.ShouldBeTrue(await created.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _emulator.DisposeAsync();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ASchedule_FiresAfterTheServerRestarts_AsScheduleId()
    {
        await WritePlaybookAsync("sched-disable");
        var user = MemberUsers().Skip(3).First();
        using (var client = Client())
        {
            using var created = await client.PostAsJsonAsync("/api/v1/playbooks/sched-disable/schedules", new JsonObject
            {
                ["connection"] = "Tenant",
                ["cron"] = "0/2 * * * * ?",
                ["input"] = new JsonObject { ["userIds"] = new JsonArray(user) },
            });
            var body = await created.Content.ReadAsStringAsync();
            created.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        }

        var scheduleId = JsonNode.Parse(await Client().GetStringAsync("/api/v1/playbooks/sched-disable/schedules"))!.AsArray().Single()!["id"]!.GetValue<string>();
        await StopServerAsync();
        var before = (await RunsAsync("sched-disable", "schedule:" + scheduleId)).Count;
        _emulator.State.SetAccountEnabled(user, true);

        await StartServerAsync();
        var run = await EventuallyAsync(async () => (await RunsAsync("sched-disable", "schedule:" + scheduleId)).Skip(before).FirstOrDefault(r => r["status"]!.GetValue<string>() == "succeeded"));
        run["connection"]!.GetValue<string>().ShouldBe("Tenant");
        _emulator.State.FindUser(user)!.AccountEnabled.ShouldBeFalse("the run the schedule started after the restart disabled the user");

        using (var client = Client())
        {
            using var removed = await client.DeleteAsync($"/api/v1/playbook-schedules/{scheduleId}");
            removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            (await client.GetStringAsync("/api/v1/playbooks/sched-disable/schedules")).ShouldBe("[]");
            var audit = await client.GetStringAsync("/api/v1/audit?limit=500");
            audit.ShouldContain("playbook schedule create");
            audit.ShouldContain("playbook schedule fire");
            audit.ShouldContain("playbook schedule remove");
        }

        (await QuartzRowsAsync(scheduleId)).ShouldBe(0, "removing the schedule removes its Quartz job and trigger");
    }

    [Fact]
    public async Task AFireMissedWhileTheServerWasDown_IsMadeUpOnceWhenItStarts()
    {
        await WritePlaybookAsync("sched-missed");
        var user = MemberUsers().Skip(7).First();
        // Once a minute, at a second 10 s from now: that fire falls while the server is down.
        var fireAt = DateTimeOffset.UtcNow.AddSeconds(10);
        string scheduleId;
        using (var client = Client())
        {
            using var created = await client.PostAsJsonAsync("/api/v1/playbooks/sched-missed/schedules", new JsonObject
            {
                ["connection"] = "Tenant",
                ["cron"] = $"{fireAt.Second} * * * * ?",
                ["input"] = new JsonObject { ["userIds"] = new JsonArray(user) },
            });
            var body = await created.Content.ReadAsStringAsync();
            created.StatusCode.ShouldBe(HttpStatusCode.Created, body);
            scheduleId = JsonNode.Parse(body)!["id"]!.GetValue<string>();
        }

        await StopServerAsync();
        DateTimeOffset.UtcNow.ShouldBeLessThan(fireAt, "the server stopped before the fire (a slow stop would let it fire)");
        // Down past the fire and past Quartz's 30 s misfire threshold: a misfire, not a late fire.
        await Task.Delay(fireAt.AddSeconds(32) - DateTimeOffset.UtcNow);
        (await RunsAsync("sched-missed", "schedule:" + scheduleId)).ShouldBeEmpty("nothing fires while the server is down");
        _emulator.State.FindUser(user)!.AccountEnabled.ShouldBeTrue();

        var restarted = DateTimeOffset.UtcNow;
        await StartServerAsync();
        var run = await EventuallyAsync(async () => (await RunsAsync("sched-missed", "schedule:" + scheduleId)).FirstOrDefault(r => r["status"]!.GetValue<string>() == "succeeded"));
        DateTimeOffset.Parse(run["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(restarted, "made up when the server started");
        _emulator.State.FindUser(user)!.AccountEnabled.ShouldBeFalse("the made-up run disabled the user");
        // The next regular fire is about 25 s away: until then the missed fire is made up once, not once per check.
        await Task.Delay(TimeSpan.FromSeconds(4));
        (await RunsAsync("sched-missed", "schedule:" + scheduleId)).Count.ShouldBe(1);
        using (var client = Client())
        {
            (await client.DeleteAsync($"/api/v1/playbook-schedules/{scheduleId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }
    }

    [Fact]
    public async Task ABadCron_IsRefusedWithA400NamingTheField_AndNothingIsStored()
    {
        await WritePlaybookAsync("cron-refused");
        using var client = Client();
        using var refused = await client.PostAsJsonAsync("/api/v1/playbooks/cron-refused/schedules", new JsonObject
        {
            ["connection"] = "Tenant",
            ["cron"] = "0 25 * * *",
            ["input"] = new JsonObject { ["userIds"] = new JsonArray("x") },
        });
        var body = await refused.Content.ReadAsStringAsync();
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        body.ShouldContain("hour");
        using var unknownInput = await client.PostAsJsonAsync("/api/v1/playbooks/cron-refused/schedules", new JsonObject
        {
            ["connection"] = "Tenant",
            ["cron"] = "*/5 * * * *",
            ["input"] = new JsonObject { ["users"] = new JsonArray("x") },
        });
        unknownInput.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await unknownInput.Content.ReadAsStringAsync());
        (await client.GetStringAsync("/api/v1/playbooks/cron-refused/schedules")).ShouldBe("[]");
        (await QuartzRowsAsync(null)).ShouldBe(0, "a refused schedule leaves no Quartz job");
    }

    [Fact]
    public async Task EveryTrigger_OnAConnectionThatDoesNotExist_IsRefusedWhenMade_AndNothingIsStored()
    {
        await WritePlaybookAsync("no-connection");
        using var client = Client();
        var input = new JsonObject { ["userIds"] = "${{ [body.userId] }}" };
        var made = new (string Path, JsonObject Body)[]
        {
            ("hooks", new JsonObject { ["connection"] = "Not there", ["input"] = input.DeepClone() }),
            ("schedules", new JsonObject { ["connection"] = "Not there", ["cron"] = "*/5 * * * *", ["input"] = new JsonObject { ["userIds"] = new JsonArray("x") } }),
            ("watches", new JsonObject { ["connection"] = "Not there", ["action"] = "risky-users.list", ["everySeconds"] = 60, ["map"] = new JsonObject { ["userIds"] = "${{ [item.id] }}" } }),
        };
        foreach (var (path, body) in made)
        {
            using var refused = await client.PostAsJsonAsync($"/api/v1/playbooks/no-connection/{path}", body);
            var problem = await refused.Content.ReadAsStringAsync();
            refused.StatusCode.ShouldBe(HttpStatusCode.NotFound, path + ": " + problem);
            problem.ShouldContain("Not there", customMessage: path);
            (await client.GetStringAsync($"/api/v1/playbooks/no-connection/{path}")).ShouldBe("[]", path);
        }
    }

    [Fact]
    public async Task AWatch_StartsOneRunPerNewRiskyUser_AcrossARestart_AndNoneForTheUsersAlreadyThere()
    {
        await WritePlaybookAsync("watch-disable");
        var state = _emulator.State;
        var candidates = MemberUsers().Where(id => state.FindUser(id) is { RiskLevel: null or "none" or "low" }).Skip(10).Take(2).ToList();
        var (first, second) = (candidates[0], candidates[1]);
        var highBefore = state.GetUserIds().Where(id => state.FindUser(id)!.RiskLevel == "high").ToList();
        highBefore.ShouldNotBeEmpty("the emulated tenant has high-risk users for the baseline");

        string watchId;
        using (var client = Client())
        {
            using var created = await client.PostAsJsonAsync("/api/v1/playbooks/watch-disable/watches", new JsonObject
            {
                ["connection"] = "Tenant",
                ["action"] = "risky-users.list",
                ["actionInput"] = new JsonObject { ["filter"] = "riskLevel eq 'high'" },
                ["everySeconds"] = 1,
                ["map"] = new JsonObject { ["userIds"] = "${{ [item.id] }}" },
            });
            var body = await created.Content.ReadAsStringAsync();
            created.StatusCode.ShouldBe(HttpStatusCode.Created, body);
            watchId = JsonNode.Parse(body)!["id"]!.GetValue<string>();
        }

        var actor = "watch:" + watchId;
        var baselined = await EventuallyAsync(async () => (await WatchAsync("watch-disable")) is { } w && w["polledAt"] is not null ? w : null);
        using (var client = Client())
        {
            using var listed = await client.PostAsJsonAsync("/api/v1/actions/risky-users.list/runs", new JsonObject { ["connection"] = "Tenant", ["input"] = new JsonObject { ["filter"] = "riskLevel eq 'high'" } });
            var listedBody = await listed.Content.ReadAsStringAsync();
            JsonNode.Parse(listedBody)!["output"]!.AsArray().Count.ShouldBe(highBefore.Count, listedBody);
        }

        baselined["seen"]!.GetValue<int>().ShouldBe(highBefore.Count, baselined.ToJsonString());
        baselined["started"]!.GetValue<int>().ShouldBe(0, "the first poll takes the users already there as the baseline");

        state.SetUserRisk(first, "high", "atRisk");
        await EventuallyAsync(async () => (await RunsAsync("watch-disable", actor)).FirstOrDefault(r => r["status"]!.GetValue<string>() == "succeeded"));
        state.FindUser(first)!.AccountEnabled.ShouldBeFalse();

        await StopServerAsync();
        state.SetUserRisk(second, "high", "atRisk");
        await StartServerAsync();

        await EventuallyAsync(async () => (await RunsAsync("watch-disable", actor)).Count(r => r["status"]!.GetValue<string>() == "succeeded") == 2 ? new JsonObject() : null);
        state.FindUser(second)!.AccountEnabled.ShouldBeFalse("the user who became risky while the server was down was handled after the restart");

        // Two more polls after both runs: still one run per user.
        var polled = DateTimeOffset.Parse((await WatchAsync("watch-disable"))!["polledAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        await EventuallyAsync(async () => DateTimeOffset.Parse((await WatchAsync("watch-disable"))!["polledAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > polled.AddSeconds(2) ? new JsonObject() : null);
        var runs = await RunsAsync("watch-disable", actor);
        runs.Count.ShouldBe(2, string.Join(", ", runs.Select(r => r.ToJsonString())));
        var inputs = runs.Select(r => r["input"]!["userIds"]!.AsArray().Single()!.GetValue<string>()).Order().ToList();
        inputs.ShouldBe(new[] { first, second }.Order().ToList());
        var watch = (await WatchAsync("watch-disable"))!;
        watch["started"]!.GetValue<int>().ShouldBe(2);
        watch["seen"]!.GetValue<int>().ShouldBe(highBefore.Count + 2);

        using (var client = Client())
        {
            using var removed = await client.DeleteAsync($"/api/v1/playbook-watches/{watchId}");
            removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
            (await client.GetStringAsync("/api/v1/playbooks/watch-disable/watches")).ShouldBe("[]");
        }

        (await QuartzRowsAsync(watchId)).ShouldBe(0);
    }

    private async Task StartServerAsync()
    {
        _server = await EntradaServer.StartAsync(
            new ServerSettings { Home = new EntradaHome(_home), Urls = "http://127.0.0.1:0", RunWait = TimeSpan.FromSeconds(20), SignInFailureLimit = 1000 },
            CancellationToken.None);
        if (_server.CreatedApiKey is { } key)
        {
            _key = key.Reveal();
        }
    }

    private async Task StopServerAsync()
    {
        await _server!.DisposeAsync();
        _server = null;
    }

    private HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = _server!.Url, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        return client;
    }

    private IEnumerable<string> MemberUsers() => _emulator.State.GetUserIds().Where(id => _emulator.State.FindUser(id) is { UserType: "Member", AccountEnabled: true });

    private async Task WritePlaybookAsync(string id)
    {
        Directory.CreateDirectory(Path.Combine(_home, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(_home, "playbooks", id + ".yaml"), TestPlaybooks.Disable(id));
    }

    /// <summary>The playbook's runs started by one actor, read from the database (the server may be stopped).</summary>
    private async Task<List<JsonObject>> RunsAsync(string playbook, string actor)
    {
        if (_server is not null)
        {
            using var client = Client();
            var all = JsonNode.Parse(await client.GetStringAsync($"/api/v1/playbook-runs?playbook={playbook}&limit=500"))!.AsArray();
            return [.. all.Select(r => r!["run"]!.AsObject()).Where(r => r["actor"]?.GetValue<string>() == actor).OrderBy(r => r["createdAt"]!.GetValue<string>())];
        }

        await using var db = await new EntradaDatabase(new EntradaHome(_home)).OpenAsync(CancellationToken.None);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT id, status FROM playbook_runs WHERE playbook = $p AND actor = $a ORDER BY created_at;";
        select.Parameters.AddWithValue("$p", playbook);
        select.Parameters.AddWithValue("$a", actor);
        await using var reader = await select.ExecuteReaderAsync();
        var runs = new List<JsonObject>();
        while (await reader.ReadAsync())
        {
            runs.Add(new JsonObject { ["id"] = reader.GetString(0), ["status"] = reader.GetString(1) });
        }

        return runs;
    }

    private async Task<JsonObject?> WatchAsync(string playbook)
    {
        using var client = Client();
        return JsonNode.Parse(await client.GetStringAsync($"/api/v1/playbooks/{playbook}/watches"))!.AsArray().SingleOrDefault()?.AsObject();
    }

    /// <summary>The Quartz job rows of one trigger id (or of all), read from the store.</summary>
    private async Task<long> QuartzRowsAsync(string? id)
    {
        await using var db = await new EntradaDatabase(new EntradaHome(_home)).OpenAsync(CancellationToken.None);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT (SELECT COUNT(*) FROM QRTZ_JOB_DETAILS WHERE $id IS NULL OR JOB_NAME = $id) + (SELECT COUNT(*) FROM QRTZ_TRIGGERS WHERE $id IS NULL OR TRIGGER_NAME = $id);";
        select.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        return (long)(await select.ExecuteScalarAsync())!;
    }

    /// <summary>Waits, generously, for a state to be reached; the value it gave.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            timeout.Token.ThrowIfCancellationRequested();
            await Task.Delay(200, CancellationToken.None);
        }
    }
}
