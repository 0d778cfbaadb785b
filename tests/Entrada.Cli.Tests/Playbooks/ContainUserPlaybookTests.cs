using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// The built-in <c>contain-user</c>, run with <c>entrada playbooks run</c> in this process for 1 user
/// and for 500: every step's effect is read back from the emulated tenant (its state and Graph with
/// the app's own token), not from Entrada's report — confirmed compromised, sessions revoked, sign-in
/// blocked, every Temporary Access Pass and MFA method gone — and the evidence in the run's output is
/// exactly the sign-ins Graph lists for each user in the 24 hours before the run. The evidence step
/// keeps to the sign-in logs' limit (5 requests per 10 s) and asks for 15 users a request: 500 users'
/// evidence is 34 requests, about a minute.
/// </summary>
public sealed class ContainUserPlaybookTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private const string PasswordMethod = "#microsoft.graph.passwordAuthenticationMethod";

    private readonly InProcessEntrada _entrada = new();
    private readonly TenantGraph _graph = new(tenant.Server);

    public void Dispose()
    {
        _graph.Dispose();
        _entrada.Dispose();
    }

    /// <summary>
    /// Enabled members, each with sign-ins in the last day (the emulator seeds sign-ins for its first
    /// users); the 1-user case takes from the start of the tenant, the 500-user case from the rest.
    /// </summary>
    private List<string> Users(int count)
    {
        var state = tenant.Server.State;
        var members = state.GetUserIds().Where(id => state.FindUser(id) is { AccountEnabled: true, UserType: "Member" }).ToList();
        return count == 1 ? members.Take(10).ToList() : members.Skip(10).Take(count).ToList();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    public async Task ContainUser_LeavesEachUserContained_AndKeepsTheirSignInsAsEvidence(int n)
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
        add.ExitCode.ShouldBe(0, add.ToString());
        var candidates = Users(n);
        if (n == 1)
        {
            // One with sign-ins in the last day, so that the evidence has something to show.
            var withSignIns = await TenantGraph.ForEachAsync(candidates, async u => (u, (await _graph.SignInIdsAsync(u, DateTimeOffset.UtcNow.AddHours(-23))).Count));
            candidates = [withSignIns.First(c => c.Count > 0).u];
        }

        var users = candidates;
        users.Count.ShouldBe(n);
        // Each has a pass an attacker could sign in with, and MFA methods beside the password.
        await TenantGraph.ForEachAsync(users, _graph.AddTapAsync);
        var tapsBefore = (await TenantGraph.ForEachAsync(users, _graph.TapIdsAsync)).Sum(t => t.Count);
        tapsBefore.ShouldBeGreaterThanOrEqualTo(n);
        (await TenantGraph.ForEachAsync(users, _graph.MethodTypesAsync)).ShouldAllBe(m => m.Any(t => t != PasswordMethod));
        var started = DateTimeOffset.UtcNow;
        var input = Path.Combine(_entrada.Home.Path, "input.json");
        await File.WriteAllTextAsync(input, n == 1 ? JsonSerializer.Serialize(new { userId = users[0] }) : JsonSerializer.Serialize(new { userIds = users }));

        var run = await _entrada.RunAsync("playbooks", "run", "contain-user", "-c", "Tenant", "--input", "@" + input, "-o", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        var record = JsonDocument.Parse(run.Stdout).RootElement;
        record.GetProperty("status").GetString().ShouldBe("succeeded");
        var steps = record.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        steps.Keys.ShouldBe(["confirm", "revoke", "disable", "listTaps", "deleteTaps", "resetMfa", "resetPassword", "evidence"]);
        steps.Values.Select(s => s.GetProperty("status").GetString()).ShouldBe(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "skipped", "succeeded"]);
        steps["deleteTaps"].GetProperty("done").GetInt32().ShouldBe(tapsBefore, "every pass listed was deleted");

        foreach (var id in users)
        {
            var user = tenant.Server.State.FindUser(id)!;
            user.AccountEnabled.ShouldBeFalse(id);
            user.RiskLevel.ShouldBe("high", id);
            user.RiskState.ShouldBe("confirmedCompromised", id);
            user.SignInSessionsValidFrom.ShouldNotBeNull(id);
            user.SignInSessionsValidFrom.Value.ShouldBeGreaterThan(started.AddSeconds(-1), id);
        }

        (await TenantGraph.ForEachAsync(users, _graph.TapIdsAsync)).ShouldAllBe(t => t.Count == 0, "no Temporary Access Pass is left");
        (await TenantGraph.ForEachAsync(users, _graph.MethodTypesAsync)).ShouldAllBe(m => m.SequenceEqual(new[] { PasswordMethod }), "only the password is left");

        // The evidence is each user's sign-ins of the 24 hours before the run, as Graph lists them
        // (give or take a minute at the window's edge, where the two clocks may differ).
        var since = record.GetProperty("createdAt").GetDateTimeOffset().AddHours(-24);
        var kept = steps["evidence"].GetProperty("output").EnumerateArray().ToList();
        kept.Select(e => e.GetProperty("id").GetString()).Distinct().Count().ShouldBe(kept.Count, "each sign-in once");
        var evidence = kept.GroupBy(e => e.GetProperty("userId").GetString()!).ToDictionary(g => g.Key, g => g.Select(e => e.GetProperty("id").GetString()!).ToList());
        evidence.Keys.ShouldBeSubsetOf(users, "only the users' own sign-ins");
        var wide = await TenantGraph.ForEachAsync(users, u => _graph.SignInIdsAsync(u, since.AddMinutes(-1)));
        var narrow = await TenantGraph.ForEachAsync(users, u => _graph.SignInIdsAsync(u, since.AddMinutes(1)));
        for (var i = 0; i < users.Count; i++)
        {
            var theirs = evidence.GetValueOrDefault(users[i], []);
            theirs.ShouldBeSubsetOf(wide[i], users[i]);
            narrow[i].ShouldBeSubsetOf(theirs, users[i]);
        }

        evidence.Values.Sum(e => e.Count).ShouldBeGreaterThan(0, "the seeded users have sign-ins in the last day");
    }
}
