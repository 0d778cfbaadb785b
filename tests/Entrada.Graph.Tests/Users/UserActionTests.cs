using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;

namespace Entrada.Graph.Tests.Users;

public sealed class UserActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "users";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private string Domain => fixture.Server.TenantDomain;

    private string SomeUserId(int index) => fixture.Server.State.GetUserIds()[index];

    [Fact]
    public async Task List_StreamsEveryUser_AndMaxStopsEarly()
    {
        (await fixture.RunAsync("users.list", Conn)).Items.Count.ShouldBe(fixture.Server.State.UserCount);
        (await fixture.RunAsync("users.list", Conn, new { max = 7 })).Items.Count.ShouldBe(7);
    }

    [Fact]
    public async Task List_WithSearch_AddsTheAdvancedQueryHeaderAndFinds()
    {
        var someone = fixture.Server.State.FindUser(SomeUserId(3))!;
        var run = await fixture.RunAsync("users.list", Conn, new { search = $"displayName:{someone.DisplayName!.Split(' ')[0]}" });
        run.Items.ShouldContain(u => u!["id"]!.GetValue<string>() == someone.Id);
    }

    [Fact]
    public async Task List_WithEndsWithFilter_Works()
    {
        var run = await fixture.RunAsync("users.list", Conn, new { filter = $"endsWith(userPrincipalName,'@{Domain}')", max = 5 });
        run.Items.Count.ShouldBe(5);
    }

    [Fact]
    public async Task Get_ByUpn_AndById_ReturnsTheUser()
    {
        var user = fixture.Server.State.FindUser(SomeUserId(1))!;
        var byUpn = await fixture.RunAsync("users.get", Conn, new { id = user.UserPrincipalName });
        byUpn.Value!["id"]!.GetValue<string>().ShouldBe(user.Id);
        var byId = await fixture.RunAsync("users.get", Conn, new { id = user.Id });
        byId.Value!["userPrincipalName"]!.GetValue<string>().ShouldBe(user.UserPrincipalName);
    }

    [Fact]
    public async Task Get_OfAnUnknownUser_SaysWhichUserWasNotFound()
    {
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("users.get", Conn, new { id = $"nobody@{Domain}" }));
        failure.Status.ShouldBe(404);
        failure.Message.ShouldContain($"user 'nobody@{Domain}'");
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
    }

    [Fact]
    public async Task Create_AGuestLikeUpnWithExtAndApostrophe_CanBeReadBackByUpn()
    {
        var upn = $"o'brien_example.com#EXT#@{Domain}";
        var created = await fixture.RunAsync("users.create", Conn, new { displayName = "Pat O'Brien", userPrincipalName = upn, mailNickname = "obrien" });
        created.Value!["temporaryPassword"]!.GetValue<string>().Length.ShouldBe(16);
        var read = await fixture.RunAsync("users.get", Conn, new { id = upn });
        read.Value!["displayName"]!.GetValue<string>().ShouldBe("Pat O'Brien");
    }

    [Fact]
    public async Task Create_Update_ResetPassword_Identities_Delete_EachShowsInTheNextRead()
    {
        var upn = $"lifecycle@{Domain}";
        var created = await fixture.RunAsync("users.create", Conn, new { displayName = "Life Cycle", userPrincipalName = upn, password = "Given-Passw0rd!" });
        created.Value!["temporaryPassword"].ShouldBeNull();
        var id = created.Value!["user"]!["id"]!.GetValue<string>();

        await fixture.RunAsync("users.update", Conn, new { id, jobTitle = "Analyst", department = "SOC" });
        var read = await fixture.RunAsync("users.get", Conn, new { id });
        read.Value!["jobTitle"]!.GetValue<string>().ShouldBe("Analyst");
        read.Value!["displayName"]!.GetValue<string>().ShouldBe("Life Cycle");

        var reset = await fixture.RunAsync("users.reset-password", Conn, new { id });
        reset.Value!["temporaryPassword"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();

        await fixture.RunAsync("users.update-identities", Conn, new { id, identities = new[] { new { signInType = "userPrincipalName", issuer = Domain, issuerAssignedId = upn } } });

        await fixture.RunAsync("users.delete", Conn, new { id });
        await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("users.get", Conn, new { id }));
    }

    [Fact]
    public async Task Disable_ThenDisableAgain_ReportsDoneThenUnchanged_AndEnableRestores()
    {
        var ids = new[] { SomeUserId(5), SomeUserId(6) };
        fixture.Server.State.SetAccountEnabled(ids[0], true);
        fixture.Server.State.SetAccountEnabled(ids[1], true);

        var first = await fixture.RunAsync("users.disable", Conn, new { userIds = ids });
        first.Value!["done"]!.GetValue<int>().ShouldBe(2);
        fixture.Server.State.FindUser(ids[0])!.AccountEnabled.ShouldBeFalse();
        (await fixture.RunAsync("users.get", Conn, new { id = ids[1] })).Value!["accountEnabled"]!.GetValue<bool>().ShouldBeFalse();

        var second = await fixture.RunAsync("users.disable", Conn, new { userIds = ids });
        second.Value!["unchanged"]!.GetValue<int>().ShouldBe(2);

        var enabled = await fixture.RunAsync("users.enable", Conn, new { userIds = ids });
        enabled.Value!["done"]!.GetValue<int>().ShouldBe(2);
        fixture.Server.State.FindUser(ids[1])!.AccountEnabled.ShouldBeTrue();
    }

    [Fact]
    public async Task Disable_WithAnUnknownUser_ReportsThatOneFailed_AndTheOthersDone()
    {
        var known = SomeUserId(7);
        fixture.Server.State.SetAccountEnabled(known, true);
        var unknown = Guid.NewGuid().ToString();
        var run = await fixture.RunAsync("users.disable", Conn, new { userIds = new[] { known, unknown } });
        var items = run.Value!["items"]!.AsArray();
        items[0]!["outcome"]!.GetValue<string>().ShouldBe("done");
        items[1]!["outcome"]!.GetValue<string>().ShouldBe("failed");
        items[1]!["message"]!.GetValue<string>().ShouldContain(unknown);
        fixture.Server.State.SetAccountEnabled(known, true);
    }

    [Fact]
    public async Task Disable_DryRun_PlansTheExactBatch_AndChangesNothing()
    {
        var id = SomeUserId(8);
        fixture.Server.State.SetAccountEnabled(id, true);
        var run = await fixture.RunAsync("users.disable", Conn, new { userIds = new[] { id } }, dryRun: true);

        run.Result.PlannedRequests.Count.ShouldBe(1);
        var batch = run.Result.PlannedRequests.Single();
        batch.Method.ShouldBe("POST");
        batch.Target.ShouldEndWith("/v1.0/$batch");
        var step = batch.Body!["requests"]![0]!;
        step["method"]!.GetValue<string>().ShouldBe("PATCH");
        step["url"]!.GetValue<string>().ShouldBe($"/users/{id}");
        step["body"]!["accountEnabled"]!.GetValue<bool>().ShouldBeFalse();
        step["headers"]!["Content-Type"]!.GetValue<string>().ShouldBe("application/json");
        fixture.Server.State.FindUser(id)!.AccountEnabled.ShouldBeTrue();
    }

    [Theory]
    [InlineData("users.create")]
    [InlineData("users.reset-password")]
    public async Task ADryRunWithAPassword_ShowsTheRequest_ButNeverThePassword(string action)
    {
        const string password = "Dry-Run-Pa55!recognisable";
        object input = action == "users.create"
            ? new { displayName = "Dry Run", userPrincipalName = "dry.run@entradaemulator.onmicrosoft.com", password }
            : new { id = SomeUserId(9), password };
        var run = await fixture.RunAsync(action, Conn, input, dryRun: true);

        var planned = run.Result.PlannedRequests.ShouldHaveSingleItem();
        planned.Body!["passwordProfile"]!.GetValue<string>().ShouldBe("***");
        planned.Body.ToJsonString().ShouldNotContain(password);
        (run.Value?.ToJsonString() ?? string.Empty).ShouldNotContain(password);
    }

    [Fact]
    public async Task RevokeSessions_ReportsEachUserDone()
    {
        var run = await fixture.RunAsync("users.revoke-sessions", Conn, new { userIds = new[] { SomeUserId(2), SomeUserId(3) } });
        run.Value!["done"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task ListGroups_AndListLicenses_Answer()
    {
        var groupId = fixture.Server.State.GetGroupIds()[0];
        var member = fixture.Server.State.GetGroupMemberIds(groupId)!.First();
        var groups = await fixture.RunAsync("users.list-groups", Conn, new { id = member, transitive = true });
        groups.Items.ShouldContain(g => g!["id"]!.GetValue<string>() == groupId);
        var direct = await fixture.RunAsync("users.list-groups", Conn, new { id = member });
        direct.Items.Count.ShouldBeGreaterThan(0);
        await fixture.RunAsync("users.list-licenses", Conn, new { id = member });
    }

    [Fact]
    public async Task List_ThrottledOnce_WaitsAsGraphAsks_ThenSucceeds_AndSaysSo()
    {
        await fixture.InjectAsync(429, 1, "/users", retryAfterSeconds: 1);
        var messages = new List<string>();
        var progress = new SynchronousProgress(p => { if (p.Message is { } m) { messages.Add(m); } });
        var run = await fixture.RunAsync("users.list", Conn, new { max = 3 }, progress: progress);
        run.Items.Count.ShouldBe(3);
        messages.ShouldContain(m => m.Contains("throttling", StringComparison.Ordinal) && m.Contains("1 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Input_WithAnUnknownField_IsRefusedNamingIt_BeforeAnyCall()
    {
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("users.disable", Conn, new JsonObject { ["userIds"] = new JsonArray("x@y"), ["ids"] = 1 }));
        failure.Message.ShouldContain("ids");
        var bad = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("users.disable", Conn, new { userIds = Array.Empty<string>() }));
        bad.Errors.ShouldContain(e => e.Field == "userIds");
    }
}
