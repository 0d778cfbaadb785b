using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// The built-in <c>offboard-user</c>, run with <c>entrada playbooks run</c> in this process for 1
/// user and for 500, each holding a directory role and most a manager and licences: every step's
/// effect is read back from the emulated tenant (its state and Graph with the app's own token) —
/// sign-in blocked, sessions revoked, no group membership, no role assignment, no licence, no
/// manager — and each group is one bulk removal, not one per user.
/// </summary>
public sealed class OffboardUserPlaybookTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    /// <summary>Helpdesk Administrator, a built-in role the generated tenant assigns to no one.</summary>
    private const string HelpdeskAdministrator = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

    private readonly InProcessEntrada _entrada = new();
    private readonly TenantGraph _graph = new(tenant.Server);

    public void Dispose()
    {
        _graph.Dispose();
        _entrada.Dispose();
    }

    /// <summary>
    /// Enabled members in at least one group: for the 1-user case one near the start of the tenant with
    /// a licence (and, as most members, a manager), for the 500-user case the rest.
    /// </summary>
    private List<string> Users(int count)
    {
        var state = tenant.Server.State;
        var members = state.GetUserIds().Where(id => state.FindUser(id) is { AccountEnabled: true, UserType: "Member" } u && u.GroupIds.Count > 0).ToList();
        return count == 1 ? members.Take(20).Where(id => state.FindUser(id)!.SkuIds.Count > 0).Skip(1).Take(1).ToList() : members.Skip(20).Take(count).ToList();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    public async Task OffboardUser_LeavesEachUserWithoutAccessGroupsRolesLicencesOrManager(int n)
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
        add.ExitCode.ShouldBe(0, add.ToString());
        var users = Users(n);
        users.Count.ShouldBe(n, "the tenant has enough members in groups");
        var state = tenant.Server.State;
        var assignments = users.Select(u => state.AddRoleAssignment(HelpdeskAdministrator, u)).ToList();
        var offboarded = users.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var held = state.GetRoleAssignments().Count(a => offboarded.Contains(a.PrincipalId));
        var groupsTouched = users.SelectMany(u => state.FindUser(u)!.GroupIds).Distinct().Count();
        var licensed = users.Where(u => state.FindUser(u)!.SkuIds.Count > 0).ToList();
        var managed = (await TenantGraph.ForEachAsync(users, async u => (u, await _graph.ManagerIdAsync(u)))).Where(m => m.Item2 is not null).Select(m => m.u).ToList();
        if (n == 1)
        {
            licensed.ShouldBe(users, "the one user has a licence to remove");
            managed.ShouldBe(users, "and a manager to clear");
        }
        else
        {
            licensed.Count.ShouldBeGreaterThan(100);
            managed.Count.ShouldBeGreaterThan(400);
        }

        var started = DateTimeOffset.UtcNow;
        var input = Path.Combine(_entrada.Home.Path, "input.json");
        await File.WriteAllTextAsync(input, n == 1 ? JsonSerializer.Serialize(new { userId = users[0] }) : JsonSerializer.Serialize(new { userIds = users }));

        var run = await _entrada.RunAsync("playbooks", "run", "offboard-user", "-c", "Tenant", "--input", "@" + input, "-o", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        var record = JsonDocument.Parse(run.Stdout).RootElement;
        record.GetProperty("status").GetString().ShouldBe("succeeded");
        var steps = record.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!);
        steps.Keys.ShouldBe(["disable", "revoke", "groups", "leaveGroups", "roles", "removeRoles", "licenses", "removeLicenses", "clearManager", "findAd", "disableAd"]);
        steps.Values.Select(s => s.GetProperty("status").GetString()).ShouldBe(["succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "skipped", "skipped"]);
        steps["removeRoles"].GetProperty("done").GetInt32().ShouldBe(held, "every assignment they held, the one added and any the tenant gave them");

        foreach (var id in users)
        {
            var user = state.FindUser(id)!;
            user.AccountEnabled.ShouldBeFalse(id);
            user.SignInSessionsValidFrom.ShouldNotBeNull(id);
            user.SignInSessionsValidFrom.Value.ShouldBeGreaterThan(started.AddSeconds(-1), id);
            user.GroupIds.ShouldBeEmpty(id);
            user.SkuIds.ShouldBeEmpty(id);
        }

        state.GetRoleAssignments().Where(a => offboarded.Contains(a.PrincipalId)).ShouldBeEmpty("no role assignment is left");
        state.GetRoleAssignments().Select(a => a.Id).Intersect(assignments).ShouldBeEmpty();
        (await TenantGraph.ForEachAsync(users, _graph.ManagerIdAsync)).ShouldAllBe(m => m == null, "no manager is left");
        var jobs = JsonDocument.Parse((await _entrada.RunAsync("jobs", "list", "-o", "json", "-n", "1000")).Stdout).RootElement.EnumerateArray().ToList();
        jobs.Count(j => j.GetProperty("action").GetString() == "groups.members.remove").ShouldBe(groupsTouched, "one bulk removal per group, not one per user");
        jobs.Count(j => j.GetProperty("action").GetString() == "users.disable").ShouldBe(1);
    }
}
