using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// The built-in <c>restore-user</c>, run with <c>entrada playbooks run</c> in this process for 1
/// user and for 500 contained ones (disabled, confirmed compromised): each ends enabled, its risk
/// dismissed, with exactly one Temporary Access Pass — the one shown in the run's output and
/// nowhere in what is stored — read back from the emulated tenant, not from Entrada's report.
/// </summary>
public sealed class RestoreUserPlaybookTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();
    private readonly TenantGraph _graph = new(tenant.Server);

    public void Dispose()
    {
        _graph.Dispose();
        _entrada.Dispose();
    }

    /// <summary>Members left as contain-user leaves them: the 1-user case from the start of the tenant, the 500-user case from the rest.</summary>
    private List<string> ContainedUsers(int count)
    {
        var state = tenant.Server.State;
        var members = state.GetUserIds().Where(id => state.FindUser(id) is { AccountEnabled: true, UserType: "Member" }).ToList();
        var users = count == 1 ? members.Take(1).ToList() : members.Skip(1).Take(count).ToList();
        foreach (var id in users)
        {
            state.SetAccountEnabled(id, false);
            state.SetUserRisk(id, "high", "confirmedCompromised");
        }

        return users;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    public async Task RestoreUser_EnablesEachUser_DismissesTheRisk_AndIssuesOneUsableOncePass(int n)
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
        add.ExitCode.ShouldBe(0, add.ToString());
        var users = ContainedUsers(n);
        users.Count.ShouldBe(n);
        var input = Path.Combine(_entrada.Home.Path, "input.json");
        await File.WriteAllTextAsync(input, n == 1 ? JsonSerializer.Serialize(new { userId = users[0], tapLifetimeInMinutes = 120 }) : JsonSerializer.Serialize(new { userIds = users }));

        var run = await _entrada.RunAsync("playbooks", "run", "restore-user", "-c", "Tenant", "--input", "@" + input, "-o", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        var record = JsonDocument.Parse(run.Stdout).RootElement;
        record.GetProperty("status").GetString().ShouldBe("succeeded");
        var steps = record.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        steps.Keys.ShouldBe(["enable", "dismiss", "tap"]);
        steps.Values.Select(s => s.GetProperty("status").GetString()).ShouldAllBe(s => s == "succeeded");
        foreach (var id in users)
        {
            var user = tenant.Server.State.FindUser(id)!;
            user.AccountEnabled.ShouldBeTrue(id);
            user.RiskState.ShouldBe("dismissed", id);
            user.RiskLevel.ShouldBe("none", id);
        }

        var issued = steps["tap"].GetProperty("output").EnumerateArray().ToDictionary(e => e.GetProperty("item").GetString()!, e => e.GetProperty("output"));
        issued.Keys.Order().ShouldBe(users.Order());
        var taps = await TenantGraph.ForEachAsync(users, _graph.TapIdsAsync);
        for (var i = 0; i < users.Count; i++)
        {
            var shown = issued[users[i]];
            taps[i].ShouldBe([shown.GetProperty("id").GetString()!], $"{users[i]} has exactly the pass the run issued");
            shown.GetProperty("temporaryAccessPass").GetString()!.Length.ShouldBeGreaterThanOrEqualTo(8);
            shown.GetProperty("isUsableOnce").GetBoolean().ShouldBeTrue();
            shown.GetProperty("lifetimeInMinutes").GetInt32().ShouldBe(n == 1 ? 120 : 60);
        }

        // Shown once, to the caller of the run; what is stored is masked.
        var stored = await _entrada.RunAsync("playbooks", "status", record.GetProperty("id").GetString()!, "-o", "json");
        stored.ExitCode.ShouldBe(0, stored.ToString());
        foreach (var pass in issued.Values.Select(o => o.GetProperty("temporaryAccessPass").GetString()!).Take(20))
        {
            stored.Stdout.ShouldNotContain(pass);
        }
    }
}
