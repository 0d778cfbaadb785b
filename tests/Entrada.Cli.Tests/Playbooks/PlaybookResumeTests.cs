using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// A playbook run for 500 users killed with SIGKILL in the middle of a step, then resumed with
/// <c>entrada playbooks resume</c>: the steps that had finished are not run again, the step that was
/// cut continues its own durable job, and every user ends contained — for a playbook of three bulk
/// steps, and for the built-in <c>contain-user</c> against the emulated tenant in this process,
/// whose state and request log show that nothing was sent twice and nothing was skipped.
/// </summary>
public sealed class PlaybookResumeTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private const string Playbook = """
        id: lock-down
        description: Confirms compromised, revokes sessions and blocks sign-in.
        inputs:
          userIds:
            type: array
            items: string
            required: true
        steps:
          - id: confirm
            action: risky-users.confirm-compromised
            input:
              userIds: ${{ inputs.userIds }}
          - id: revoke
            action: users.revoke-sessions
            input:
              userIds: ${{ inputs.userIds }}
          - id: disable
            action: users.disable
            input:
              userIds: ${{ inputs.userIds }}
        """;

    // contain-user's evidence step keeps to the sign-in logs' 5 requests per 10 s, 15 users a request:
    // 500 users' evidence is 34 requests, about a minute.
    private readonly EntradaProcess _entrada = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly string _inputPath = Path.Combine(Path.GetTempPath(), $"entrada-input-{Guid.NewGuid():N}.json");

    public void Dispose()
    {
        File.Delete(_inputPath);
        _entrada.Dispose();
    }

    [Fact]
    public async Task APlaybookRunKilledMidStep_ResumesExactlyWhereItStopped()
    {
        await using var emulator = await KillableRun.StartEmulatorAsync(_entrada, "--users", "600", "--latency-ms", "1000", "--throttle", "off");
        Directory.CreateDirectory(Path.Combine(_entrada.Home, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(_entrada.Home, "playbooks", "lock-down.yaml"), Playbook);

        var list = await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "filter=accountEnabled eq true", "--set", "select=id", "-o", "ndjson");
        list.ExitCode.ShouldBe(0, list.ToString());
        var ids = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).Take(500).ToList();
        ids.Count.ShouldBe(500);
        await File.WriteAllTextAsync(_inputPath, JsonSerializer.Serialize(new { userIds = ids }));

        await using var run = RunningEntrada.Start(_entrada, "playbooks", "run", "lock-down", "-c", "Tenant", "--input", "@" + _inputPath, "-o", "json");
        // Hold the run right after the disable step's first checkpoint, then kill it: no chance to clean up.
        var jobId = await emulator.HoldAfterFirstCheckpointAsync(_entrada.Home, "users.disable", TimeSpan.FromMinutes(3));
        await run.DisposeAsync();
        var runs = JsonDocument.Parse((await _entrada.RunAsync("playbooks", "runs", "-o", "json")).Stdout).RootElement.EnumerateArray().ToList();
        runs.Count.ShouldBe(1);
        var runId = runs[0].GetProperty("id").GetString()!;
        runs[0].GetProperty("status").GetString().ShouldBe("interrupted");
        var cut = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement.GetProperty("job");
        cut.GetProperty("pending").GetInt32().ShouldBeGreaterThan(0, "the kill came before the step's end");

        await emulator.ReleaseAsync();
        var resume = await _entrada.RunAsync("playbooks", "resume", runId, "-o", "json");

        resume.ExitCode.ShouldBe(0, resume.ToString());
        var record = JsonDocument.Parse(resume.Stdout).RootElement;
        record.GetProperty("status").GetString().ShouldBe("succeeded");
        record.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()).ShouldBe(["succeeded", "succeeded", "succeeded"]);
        var jobs = JsonDocument.Parse((await _entrada.RunAsync("jobs", "list", "-o", "json")).Stdout).RootElement.EnumerateArray().ToList();
        jobs.Select(j => j.GetProperty("action").GetString()).Order().ToList().ShouldBe(new List<string?> { "risky-users.confirm-compromised", "users.disable", "users.revoke-sessions" }, "one job per step: nothing before the cut ran again");
        var shown = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement;
        shown.GetProperty("job").GetProperty("status").GetString().ShouldBe("completed");
        var items = shown.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("index").GetInt32()).ShouldBe(Enumerable.Range(0, 500), "every user reported exactly once");
        items.Select(i => i.GetProperty("item").GetString()).ShouldBe(ids);
        items.ShouldAllBe(i => i.GetProperty("state").GetString() == "done" || i.GetProperty("state").GetString() == "unchanged");

        var enabled = await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "filter=accountEnabled eq true", "--set", "select=id", "-o", "ndjson");
        var stillEnabled = enabled.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToHashSet();
        ids.ShouldAllBe(id => !stillEnabled.Contains(id), "Graph lists every one of them as disabled");
        var again = await _entrada.RunAsync("playbooks", "resume", runId);
        again.ExitCode.ShouldBe(2);
        again.Stderr.ShouldContain("has already succeeded");
    }

    [Fact]
    public async Task ContainUserForFiveHundredUsers_KilledMidStep_ResumesWithNothingSentTwiceAndNothingSkipped()
    {
        await using var emulator = await KillableRun.ConnectAsync(_entrada, tenant);
        using var graph = new TenantGraph(tenant.Server);
        var state = tenant.Server.State;
        var users = state.GetUserIds().Where(id => state.FindUser(id) is { AccountEnabled: true, UserType: "Member" }).Take(500).ToList();
        users.Count.ShouldBe(500);
        await TenantGraph.ForEachAsync(users, graph.AddTapAsync);
        await File.WriteAllTextAsync(_inputPath, JsonSerializer.Serialize(new { userIds = users }));
        static bool Is(string line, string method, string path) => line.Contains($" {method} ", StringComparison.Ordinal) && line.Contains(path, StringComparison.OrdinalIgnoreCase);
        int Requests(string method, string path) => tenant.RequestsWhere(l => Is(l, method, path));
        var tapLists = Requests("GET", "/authentication/temporaryAccessPassMethods");
        var started = DateTimeOffset.UtcNow;

        // The first step sends its own requests; the second, in $batches, is slowed once it starts
        // and held right after its first checkpoint: the kill lands in it.
        await using var run = RunningEntrada.Start(_entrada, "playbooks", "run", "contain-user", "-c", "Tenant", "--input", "@" + _inputPath, "-o", "json");
        var jobId = await emulator.HoldAfterFirstCheckpointAsync(_entrada.Home, "users.revoke-sessions", TimeSpan.FromMinutes(3));
        await run.DisposeAsync(); // SIGKILL: no chance to clean up
        var runs = JsonDocument.Parse((await _entrada.RunAsync("playbooks", "runs", "-o", "json")).Stdout).RootElement.EnumerateArray().ToList();
        var runId = runs.Single().GetProperty("id").GetString()!;
        runs[0].GetProperty("status").GetString().ShouldBe("interrupted");
        var cut = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement.GetProperty("job");
        cut.GetProperty("pending").GetInt32().ShouldBeGreaterThan(0, "the kill came before the step's end");
        var confirms = Requests("POST", "/riskyUsers/confirmCompromised");
        confirms.ShouldBe(9, "the first step had finished: 500 users, 60 a request");
        users.ShouldAllBe(u => state.FindUser(u)!.AccountEnabled, "nothing after the cut ran");

        await emulator.ReleaseAsync();
        var resume = await _entrada.RunAsync("playbooks", "resume", runId, "-o", "json");

        resume.ExitCode.ShouldBe(0, resume.ToString());
        var record = JsonDocument.Parse(resume.Stdout).RootElement;
        record.GetProperty("status").GetString().ShouldBe("succeeded");
        var steps = record.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        steps.Values.Select(s => s.GetProperty("status").GetString()).ShouldBe(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "skipped", "succeeded"]);

        // Nothing sent twice: the finished step not again, each bulk step one job, each user once in
        // the cut job, and each per-user step one request a user.
        Requests("POST", "/riskyUsers/confirmCompromised").ShouldBe(confirms, "the finished step was not run again");
        var jobs = JsonDocument.Parse((await _entrada.RunAsync("jobs", "list", "-o", "json", "-n", "1000")).Stdout).RootElement.EnumerateArray().Select(j => j.GetProperty("action").GetString()).ToList();
        jobs.Order().ToList().ShouldBe(new List<string?> { "risky-users.confirm-compromised", "users.auth-methods.reset", "users.disable", "users.revoke-sessions" }, "one job per bulk step");
        var shown = JsonDocument.Parse((await _entrada.RunAsync("jobs", "show", jobId, "-o", "json")).Stdout).RootElement;
        shown.GetProperty("job").GetProperty("status").GetString().ShouldBe("completed");
        var items = shown.GetProperty("items").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("index").GetInt32()).ShouldBe(Enumerable.Range(0, 500), "every user reported exactly once");
        items.Select(i => i.GetProperty("item").GetString()).ShouldBe(users);
        items.ShouldAllBe(i => i.GetProperty("state").GetString() == "done" || i.GetProperty("state").GetString() == "unchanged");
        Requests("GET", "/authentication/temporaryAccessPassMethods").ShouldBe(tapLists + 500, "each user's passes listed once");
        Requests("GET", "/auditLogs/signIns").ShouldBe(34, "the users' sign-ins read once, 15 users a request");

        // Nothing skipped: every user contained, through every step.
        foreach (var id in users)
        {
            var user = state.FindUser(id)!;
            user.AccountEnabled.ShouldBeFalse(id);
            user.RiskState.ShouldBe("confirmedCompromised", id);
            user.SignInSessionsValidFrom.ShouldNotBeNull(id);
            user.SignInSessionsValidFrom.Value.ShouldBeGreaterThan(started.AddSeconds(-1), id);
        }

        (await TenantGraph.ForEachAsync(users, graph.TapIdsAsync)).ShouldAllBe(t => t.Count == 0, "no Temporary Access Pass is left");
        (await TenantGraph.ForEachAsync(users, graph.MethodTypesAsync)).ShouldAllBe(m => m.SequenceEqual(new[] { "#microsoft.graph.passwordAuthenticationMethod" }), "only the password is left");
        var evidence = steps["evidence"].GetProperty("output").EnumerateArray().Select(e => e.GetProperty("userId").GetString()!).ToHashSet();
        var recent = (await TenantGraph.ForEachAsync(users, async u => (u, (await graph.SignInIdsAsync(u, started.AddHours(-23))).Count))).Where(c => c.Count > 0).Select(c => c.u).ToList();
        recent.ShouldNotBeEmpty("the seeded users have sign-ins in the last day");
        evidence.ShouldBeSubsetOf(users, "only the users' own sign-ins");
        recent.ShouldBeSubsetOf(evidence, "the evidence of every user who signed in");
        var again = await _entrada.RunAsync("playbooks", "resume", runId);
        again.ExitCode.ShouldBe(2);
        again.Stderr.ShouldContain("has already succeeded");
    }
}
