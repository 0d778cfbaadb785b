using Entrada.Core;
using Entrada.Emulator;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;

namespace Entrada.Graph.Tests.Roles;

/// <summary>Role definitions and assignments against the emulated tenant; end states read from the tenant.</summary>
public sealed class RoleActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "roles";
    private const string GlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10";
    private const string HelpdeskAdministrator = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private IReadOnlyList<string> Users => fixture.Server.State.GetUserIds();

    private IReadOnlyList<EmulatedRoleAssignment> Assignments => fixture.Server.State.GetRoleAssignments();

    [Fact]
    public async Task DefinitionsList_ShowsTheBuiltInRolesByTemplateId_AndFiltersTheCustomOnes()
    {
        var all = await fixture.RunAsync("roles.definitions.list", Conn);
        var global = all.Items.Single(d => d!["id"]!.GetValue<string>() == GlobalAdministrator)!;
        global["displayName"]!.GetValue<string>().ShouldBe("Global Administrator");
        global["isBuiltIn"]!.GetValue<bool>().ShouldBeTrue();
        global["allowedResourceActions"]!.AsArray().Count.ShouldBeGreaterThan(0);

        var custom = await fixture.RunAsync("roles.definitions.list", Conn, new { filter = "isBuiltIn eq false" });
        custom.Items.Select(d => d!["id"]!.GetValue<string>()).ShouldBe(fixture.Server.State.GetRoleDefinitionIds(builtIn: false), ignoreOrder: true);
    }

    [Fact]
    public async Task AssignmentsList_ForGlobalAdministrator_NamesEachHolderAndTheRole()
    {
        var run = await fixture.RunAsync("roles.assignments.list", Conn, new { roleDefinitionId = GlobalAdministrator });

        var holders = Assignments.Where(a => a.RoleDefinitionId == GlobalAdministrator).Select(a => a.PrincipalId).ToList();
        holders.Count.ShouldBeGreaterThanOrEqualTo(3);
        run.Items.Select(i => i!["principalId"]!.GetValue<string>()).ShouldBe(holders, ignoreOrder: true);
        foreach (var item in run.Items)
        {
            item!["roleName"]!.GetValue<string>().ShouldBe("Global Administrator");
            item["principalType"]!.GetValue<string>().ShouldBe("user");
            item["principalName"]!.GetValue<string>().ShouldBe(fixture.Server.State.FindUser(item["principalId"]!.GetValue<string>())!.DisplayName);
            item["principalUserPrincipalName"]!.GetValue<string>().ShouldContain("@");
            item["directoryScopeId"]!.GetValue<string>().ShouldBe("/");
        }
    }

    [Fact]
    public async Task Add_ThenAddAgain_ThenListByPrincipal_ThenRemoveTwice_EachShowsInTheTenant()
    {
        var principalId = Users[10];
        var added = await fixture.RunAsync("roles.assignments.add", Conn, new { roleDefinitionId = HelpdeskAdministrator, principalId });
        var id = added.Value!["id"]!.GetValue<string>();
        Assignments.ShouldContain(a => a.Id == id && a.PrincipalId == principalId && a.RoleDefinitionId == HelpdeskAdministrator && a.DirectoryScopeId == "/");

        var again = await Should.ThrowAsync<EntradaException>(() => fixture.RunAsync("roles.assignments.add", Conn, new { roleDefinitionId = HelpdeskAdministrator, principalId }));
        again.Kind.ShouldBe(ErrorKind.RemoteConflict);
        again.Message.ShouldContain($"'{principalId}' already holds role '{HelpdeskAdministrator}'");

        var listed = await fixture.RunAsync("roles.assignments.list", Conn, new { principalId });
        listed.Items.ShouldContain(i => i!["id"]!.GetValue<string>() == id && i["roleName"]!.GetValue<string>() == "Helpdesk Administrator");

        var removed = await fixture.RunAsync("roles.assignments.remove", Conn, new { ids = new[] { id } });
        removed.Value!["items"]![0]!["outcome"]!.GetValue<string>().ShouldBe("done");
        Assignments.ShouldNotContain(a => a.Id == id);

        var twice = await fixture.RunAsync("roles.assignments.remove", Conn, new { ids = new[] { id } });
        twice.Value!["items"]![0]!["outcome"]!.GetValue<string>().ShouldBe("unchanged");
        twice.Value!["items"]![0]!["message"]!.GetValue<string>().ShouldContain("No such role assignment");
    }

    [Fact]
    public async Task Add_DryRun_PlansThePost_AndAssignsNothing()
    {
        var principalId = Users[11];
        var run = await fixture.RunAsync("roles.assignments.add", Conn, new { roleDefinitionId = HelpdeskAdministrator, principalId }, dryRun: true);

        run.Value!["dryRun"]!.GetValue<bool>().ShouldBeTrue();
        var post = run.Result.PlannedRequests.Single();
        post.Method.ShouldBe("POST");
        post.Target.ShouldEndWith("/roleManagement/directory/roleAssignments");
        post.Body!["principalId"]!.GetValue<string>().ShouldBe(principalId);
        post.Body["directoryScopeId"]!.GetValue<string>().ShouldBe("/");
        Assignments.ShouldNotContain(a => a.PrincipalId == principalId && a.RoleDefinitionId == HelpdeskAdministrator);
    }

    [Fact]
    public async Task Add_ForAnUnknownPrincipal_SaysWhatWasNotFound()
    {
        var principalId = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("roles.assignments.add", Conn, new { roleDefinitionId = HelpdeskAdministrator, principalId }));
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
        failure.Message.ShouldContain($"principal '{principalId}'");
    }

    [Fact]
    public async Task Remove_200Assignments_GoesThroughBatchesOf20_AndRevokesEveryOne()
    {
        var state = fixture.Server.State;
        var existing = Assignments.Select(a => (a.RoleDefinitionId, a.PrincipalId)).ToHashSet();
        var ids = new List<string>();
        foreach (var definition in state.GetRoleDefinitionIds(builtIn: true).Where(d => d != GlobalAdministrator))
        {
            foreach (var user in Users.Skip(5).Where((_, i) => i is not (3 or 5 or 6)))
            {
                if (ids.Count < 200 && !existing.Contains((definition, user)))
                {
                    ids.Add(state.AddRoleAssignment(definition, user));
                }
            }
        }

        ids.Count.ShouldBe(200);
        var batchesBefore = fixture.Requests.Count("/$batch");

        var run = await fixture.RunAsync("roles.assignments.remove", Conn, new { ids });

        run.Value!["done"]!.GetValue<int>().ShouldBe(200);
        (fixture.Requests.Count("/$batch") - batchesBefore).ShouldBeGreaterThanOrEqualTo(10);
        var left = Assignments.Select(a => a.Id).ToHashSet();
        ids.Where(left.Contains).ShouldBeEmpty();
    }

    [Fact]
    public async Task Remove_DryRun_PlansTheDeletes_AndRevokesNothing()
    {
        var id = fixture.Server.State.AddRoleAssignment(HelpdeskAdministrator, Users[8]);

        var run = await fixture.RunAsync("roles.assignments.remove", Conn, new { ids = new[] { id } }, dryRun: true);

        run.Value!["items"]![0]!["outcome"]!.GetValue<string>().ShouldBe("planned");
        var step = run.Result.PlannedRequests.Single().Body!["requests"]!.AsArray().Single()!;
        step["method"]!.GetValue<string>().ShouldBe("DELETE");
        step["url"]!.GetValue<string>().ShouldEndWith($"/roleManagement/directory/roleAssignments/{id}");
        Assignments.ShouldContain(a => a.Id == id);
    }

    [Fact]
    public async Task AssignmentsList_ThrottledOnce_WaitsAsGraphAsks_AndSucceeds()
    {
        await fixture.InjectAsync(429, 1, "/roleAssignments", retryAfterSeconds: 1);
        var waits = new List<string>();

        var run = await fixture.RunAsync("roles.assignments.list", Conn, new { roleDefinitionId = GlobalAdministrator }, progress: new SynchronousProgress(p => { if (p.Message is { } m) { waits.Add(m); } }));

        waits.ShouldContain(m => m.Contains("429", StringComparison.Ordinal) || m.Contains("throttl", StringComparison.Ordinal));
        run.Items.Count.ShouldBe(Assignments.Count(a => a.RoleDefinitionId == GlobalAdministrator));
    }

    [Theory]
    [InlineData("roles.assignments.remove", "{\"ids\":[\"not an id\"]}", "ids[0]")]
    [InlineData("roles.assignments.remove", "{\"ids\":[]}", "ids")]
    [InlineData("roles.assignments.add", "{\"roleDefinitionId\":\"Global Administrator\",\"principalId\":\"00000000-0000-0000-0000-000000000001\"}", "roleDefinitionId")]
    [InlineData("roles.assignments.add", "{\"roleDefinitionId\":\"62e90394-69f5-4237-9190-012177145e10\",\"principalId\":\"00000000-0000-0000-0000-000000000001\",\"directoryScopeId\":\"tenant\"}", "directoryScopeId")]
    [InlineData("roles.assignments.list", "{\"principalId\":\"x' or 1 eq 1\"}", "principalId")]
    public async Task BadInput_IsRefusedBeforeAnyCall_NamingTheField(string action, string input, string field)
    {
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync(action, Conn, System.Text.Json.Nodes.JsonNode.Parse(input)));
        failure.Errors.ShouldContain(e => e.Field == field);
    }
}
