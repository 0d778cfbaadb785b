using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// <c>entrada playbooks run</c> in this process against an emulated tenant, with a playbook of
/// today's actions (confirm compromised, revoke sessions, disable, leave every group, optionally
/// reset the password): the tenant ends in exactly the intended state, for 1 user and for 500; a
/// dry run sends no change; an approval holds the run until approved, and a rejection ends it.
/// </summary>
public sealed class PlaybookRunTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    internal const string ContainLite = """
        id: contain-lite
        description: Contains accounts with the actions of today's catalogue.
        inputs:
          userIds:
            type: array
            items: string
            required: true
          resetPassword:
            type: boolean
            default: false
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
            APPROVAL
            input:
              userIds: ${{ inputs.userIds }}
          - id: groups
            action: users.list-groups
            foreach: ${{ inputs.userIds }}
            input:
              id: ${{ item }}
          - id: leaveGroups
            action: groups.members.remove
            foreach: "${{ map(&(let $u = item in output[?type == 'group'].{groupId: id, userId: $u}), steps.groups.output)[] }}"
            input:
              groupId: ${{ item.groupId }}
              memberIds:
                - ${{ item.userId }}
          - id: resetPassword
            action: users.reset-password
            when: ${{ inputs.resetPassword }}
            foreach: ${{ inputs.userIds }}
            input:
              id: ${{ item }}
        """;

    private readonly InProcessEntrada _entrada = new();
    private static int _taken;

    public void Dispose() => _entrada.Dispose();

    private async Task SetUpAsync(bool approval = false)
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
        add.ExitCode.ShouldBe(0, add.ToString());
        Directory.CreateDirectory(Path.Combine(_entrada.Home.Path, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(_entrada.Home.Path, "playbooks", "contain-lite.yaml"), ContainLite.Replace("APPROVAL", approval ? "approval: required" : string.Empty, StringComparison.Ordinal));
    }

    /// <summary>Enabled members that no other test of this class uses, each in at least one group.</summary>
    private List<string> FreshUsers(int count)
    {
        var state = tenant.Server.State;
        var ids = state.GetUserIds().Where(id => state.FindUser(id) is { AccountEnabled: true, UserType: "Member" } u && u.GroupIds.Count > 0).ToList();
        var start = Interlocked.Add(ref _taken, count) - count;
        ids.Count.ShouldBeGreaterThanOrEqualTo(start + count, "the tenant has enough users in groups");
        return ids.Skip(start).Take(count).ToList();
    }

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout).RootElement;

    private void ShouldBeContained(IEnumerable<string> ids, DateTimeOffset since)
    {
        foreach (var id in ids)
        {
            var user = tenant.Server.State.FindUser(id)!;
            user.AccountEnabled.ShouldBeFalse(id);
            user.RiskLevel.ShouldBe("high", id);
            user.RiskState.ShouldBe("confirmedCompromised", id);
            user.SignInSessionsValidFrom.ShouldNotBeNull(id);
            user.SignInSessionsValidFrom.Value.ShouldBeGreaterThan(since.AddSeconds(-1), id);
            user.GroupIds.ShouldBeEmpty(id);
        }
    }

    [Fact]
    public async Task OneUser_EndsContained_WithOneAuditRecordForTheRunAndOneForEachStep()
    {
        await SetUpAsync();
        var user = FreshUsers(1).Single();
        var groups = tenant.Server.State.FindUser(user)!.GroupIds;
        var started = DateTimeOffset.UtcNow;

        var run = await _entrada.RunAsync("playbooks", "run", "contain-lite", "-c", "Tenant", "--set", $"userIds={user}", "-o", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        var record = Json(run);
        record.GetProperty("status").GetString().ShouldBe("succeeded");
        ShouldBeContained([user], started);
        var steps = record.GetProperty("steps").EnumerateArray().ToList();
        steps.Select(s => s.GetProperty("status").GetString()).ShouldBe(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "skipped"]);
        steps[4].GetProperty("done").GetInt32().ShouldBe(groups.Count);

        var audit = JsonDocument.Parse((await _entrada.RunAsync("audit", "list", "-o", "json", "-n", "200")).Stdout).RootElement.EnumerateArray().ToList();
        var runId = record.GetProperty("id").GetString();
        var parent = audit.Single(a => a.GetProperty("operation").GetString() == "playbook run contain-lite");
        parent.GetProperty("details").GetProperty("playbookRun").GetString().ShouldBe(runId);
        var childIds = parent.GetProperty("details").GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("auditId").GetInt64()).ToList();
        childIds.Count.ShouldBe(6);
        foreach (var childId in childIds)
        {
            var child = audit.Single(a => a.GetProperty("id").GetInt64() == childId);
            child.GetProperty("operation").GetString().ShouldStartWith("playbook step contain-lite/");
            child.GetProperty("details").GetProperty("playbookRun").GetString().ShouldBe(runId);
        }
    }

    [Fact]
    public async Task FiveHundredUsers_EndContained_EachBulkStepOneJob_AndEveryGroupOneBulkRemoval()
    {
        await SetUpAsync();
        var users = FreshUsers(500);
        var groupsTouched = users.SelectMany(u => tenant.Server.State.FindUser(u)!.GroupIds).Distinct().Count();
        var started = DateTimeOffset.UtcNow;
        var input = Path.Combine(_entrada.Home.Path, "input.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new { userIds = users }));

        var run = await _entrada.RunAsync("playbooks", "run", "contain-lite", "-c", "Tenant", "--input", "@" + input, "-o", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        Json(run).GetProperty("status").GetString().ShouldBe("succeeded");
        ShouldBeContained(users, started);
        var jobs = JsonDocument.Parse((await _entrada.RunAsync("jobs", "list", "-o", "json", "-n", "1000")).Stdout).RootElement.EnumerateArray().ToList();
        jobs.Count(j => j.GetProperty("action").GetString() == "users.disable").ShouldBe(1, "500 users, one bulk run");
        jobs.Single(j => j.GetProperty("action").GetString() == "users.disable").GetProperty("total").GetInt32().ShouldBe(500);
        jobs.Count(j => j.GetProperty("action").GetString() == "groups.members.remove").ShouldBe(groupsTouched, "one bulk removal per group, not one per user");
        var enabled = await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "filter=accountEnabled eq false", "--set", "select=id", "-o", "ndjson");
        var disabledByGraph = enabled.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToHashSet();
        users.ShouldAllBe(u => disabledByGraph.Contains(u), "Graph lists every one of them as disabled");
    }

    [Fact]
    public async Task ADryRun_RunsTheReads_PlansEveryWrite_AndSendsNoChange()
    {
        await SetUpAsync();
        var users = FreshUsers(3);
        string Snapshot(string id) => tenant.Server.State.FindUser(id) is { } u ? $"{u.AccountEnabled}|{u.RiskLevel}|{u.RiskState}|{u.SignInSessionsValidFrom}|{string.Join(',', u.GroupIds)}" : "gone";
        var before = users.Select(Snapshot).ToList();
        bool IsWrite(string line) => line.Contains("/v1.0/", StringComparison.Ordinal) && (line.Contains(" POST ", StringComparison.Ordinal) || line.Contains(" PATCH ", StringComparison.Ordinal) || line.Contains(" DELETE ", StringComparison.Ordinal));
        var writes = tenant.RequestsWhere(IsWrite);
        var reads = tenant.RequestsWhere(l => l.Contains(" GET ", StringComparison.Ordinal) && l.Contains("/memberOf", StringComparison.Ordinal));

        var run = await _entrada.RunAsync("playbooks", "run", "contain-lite", "-c", "Tenant", "--set", $"userIds={string.Join(',', users)}", "--set", "resetPassword=true", "--dry-run");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldContain("(dry run: nothing was changed): succeeded");
        run.Stdout.ShouldContain("disable would send");
        run.Stdout.ShouldContain("\"method\":\"PATCH\",\"url\":\"/users/");
        run.Stdout.ShouldContain("resetPassword");
        tenant.RequestsWhere(IsWrite).ShouldBe(writes, "a dry run sends no write");
        tenant.RequestsWhere(l => l.Contains(" GET ", StringComparison.Ordinal) && l.Contains("/memberOf", StringComparison.Ordinal)).ShouldBe(reads + 3, "the reads ran, one per user");
        users.Select(Snapshot).ToList().ShouldBe(before, "nothing changed in the tenant");
    }

    [Fact]
    public async Task AnApprovalStep_HoldsTheRun_UntilApproved_AndTheAuditNamesWhoApproved()
    {
        await SetUpAsync(approval: true);
        var user = FreshUsers(1).Single();

        var held = await _entrada.RunAsync("playbooks", "run", "contain-lite", "-c", "Tenant", "--set", $"userIds={user}");

        held.ExitCode.ShouldBe(0, held.ToString());
        held.Stdout.ShouldContain("awaiting-approval");
        var runId = System.Text.RegularExpressions.Regex.Match(held.Stdout, "pbr_[0-9a-f]{16}").Value;
        held.Stdout.ShouldContain($"entrada playbooks approve {runId}");
        tenant.Server.State.FindUser(user)!.AccountEnabled.ShouldBeTrue("held before the disable step");
        tenant.Server.State.FindUser(user)!.RiskState.ShouldBe("confirmedCompromised", "the steps before it ran");
        Json(await _entrada.RunAsync("playbooks", "status", runId, "-o", "json")).GetProperty("status").GetString().ShouldBe("awaiting-approval");
        (await _entrada.RunAsync("playbooks", "resume", runId)).ExitCode.ShouldBe(2, "a held run waits for a decision, not a resume");

        var approved = await _entrada.RunAsync("playbooks", "approve", runId, "-o", "json");

        approved.ExitCode.ShouldBe(0, approved.ToString());
        var record = Json(approved);
        record.GetProperty("status").GetString().ShouldBe("succeeded");
        var disable = record.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "disable");
        disable.GetProperty("decision").GetString().ShouldBe("approved");
        disable.GetProperty("decidedBy").GetString().ShouldBe($"cli:{Environment.UserName}");
        tenant.Server.State.FindUser(user)!.AccountEnabled.ShouldBeFalse();
        tenant.Server.State.FindUser(user)!.GroupIds.ShouldBeEmpty();
        var audit = JsonDocument.Parse((await _entrada.RunAsync("audit", "list", "-o", "json")).Stdout).RootElement.EnumerateArray().ToList();
        var approval = audit.Single(a => a.GetProperty("operation").GetString() == "playbook approve");
        approval.GetProperty("actor").GetString().ShouldBe(Environment.UserName);
        approval.GetProperty("details").GetProperty("step").GetString().ShouldBe("disable");
        approval.GetProperty("details").GetProperty("playbookRun").GetString().ShouldBe(runId);
    }

    [Fact]
    public async Task ARejection_EndsTheRunCleanly_AndNoLaterStepRuns()
    {
        await SetUpAsync(approval: true);
        var user = FreshUsers(1).Single();
        var groups = tenant.Server.State.FindUser(user)!.GroupIds;
        var held = await _entrada.RunAsync("playbooks", "run", "contain-lite", "-c", "Tenant", "--set", $"userIds={user}", "-o", "json");
        var runId = Json(held).GetProperty("id").GetString()!;

        var rejected = await _entrada.RunAsync("playbooks", "reject", runId, "--reason", "false positive", "-o", "json");

        rejected.ExitCode.ShouldBe(0, rejected.ToString());
        var record = Json(rejected);
        record.GetProperty("status").GetString().ShouldBe("rejected");
        record.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()).ShouldBe(["succeeded", "succeeded", "rejected", "pending", "pending", "pending"]);
        tenant.Server.State.FindUser(user)!.AccountEnabled.ShouldBeTrue();
        tenant.Server.State.FindUser(user)!.GroupIds.ShouldBe(groups);
        var again = await _entrada.RunAsync("playbooks", "resume", runId);
        again.ExitCode.ShouldBe(2);
        again.Stderr.ShouldContain("has already rejected");
        (await _entrada.RunAsync("playbooks", "approve", runId)).ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task AGeneratedPassword_IsShownOnceInTheRunsOutput_AndKeptNowhere()
    {
        await SetUpAsync();
        var user = FreshUsers(1).Single();

        var run = await _entrada.RunAsync("playbooks", "run", "contain-lite", "-c", "Tenant", "--set", $"userIds={user}", "--set", "resetPassword=true", "-o", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        var record = Json(run);
        var password = record.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "resetPassword")
            .GetProperty("output")[0].GetProperty("output").GetProperty("temporaryPassword").GetString()!;
        password.Length.ShouldBeGreaterThan(8);
        var stored = await _entrada.RunAsync("playbooks", "status", record.GetProperty("id").GetString()!, "-o", "json");
        stored.Stdout.ShouldNotContain(password);
        stored.Stdout.ShouldContain("***");
        (await _entrada.RunAsync("audit", "list", "-o", "json", "-n", "500")).Stdout.ShouldNotContain(password);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(_entrada.Home.Path, "*", SearchOption.AllDirectories))
        {
            (await File.ReadAllTextAsync(file)).ShouldNotContain(password, customMessage: file);
        }
    }

    [Fact]
    public async Task BadInput_IsOneLineAndExitCode2_AndNothingIsRecorded()
    {
        await SetUpAsync();

        var unknown = await _entrada.RunAsync("playbooks", "run", "contain-lite", "-c", "Tenant", "--set", "colour=red");
        var missing = await _entrada.RunAsync("playbooks", "run", "contain-lite", "-c", "Tenant");
        var noPlaybook = await _entrada.RunAsync("playbooks", "run", "contain-lit", "-c", "Tenant");
        var noConnection = await _entrada.RunAsync("playbooks", "run", "contain-lite", "-c", "Nope", "--set", "userIds=a");

        unknown.ExitCode.ShouldBe(2);
        unknown.Stderr.Trim().ShouldBe("error: 'colour' is not an input of 'contain-lite'; its inputs are: userIds, resetPassword.");
        missing.ExitCode.ShouldBe(2);
        missing.Stderr.ShouldContain("'userIds' is required.");
        noPlaybook.ExitCode.ShouldBe(2);
        noPlaybook.Stderr.ShouldContain("There is no playbook 'contain-lit'. Did you mean 'contain-lite'?");
        noConnection.ExitCode.ShouldBe(2);
        (await _entrada.RunAsync("playbooks", "runs")).Stdout.ShouldContain("No playbook runs yet");
    }
}
