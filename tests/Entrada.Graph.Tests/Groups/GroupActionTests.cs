using Entrada.Core;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;

namespace Entrada.Graph.Tests.Groups;

public sealed class GroupActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "groups";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private IReadOnlyList<string> Users => fixture.Server.State.GetUserIds();

    [Fact]
    public async Task List_AndGet_ReturnTheGroups()
    {
        var all = await fixture.RunAsync("groups.list", Conn);
        all.Items.Count.ShouldBe(fixture.Server.State.GroupCount);
        var id = all.Items[0]!["id"]!.GetValue<string>();
        (await fixture.RunAsync("groups.get", Conn, new { id })).Value!["id"]!.GetValue<string>().ShouldBe(id);
    }

    [Fact]
    public async Task Get_OfAnUnknownGroup_SaysWhichGroupWasNotFound()
    {
        var id = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("groups.get", Conn, new { id }));
        failure.Message.ShouldContain($"group '{id}'");
    }

    [Fact]
    public async Task Create_AddMembers_List_Check_Remove_Update_Delete_EachShowsInTheNextRead()
    {
        var created = await fixture.RunAsync("groups.create", Conn, new { displayName = "Responders O'Neil", description = "On call" });
        var groupId = created.Value!["id"]!.GetValue<string>();
        created.Value!["securityEnabled"]!.GetValue<bool>().ShouldBeTrue();
        (await fixture.RunAsync("groups.list", Conn, new { filter = "displayName eq 'Responders O''Neil'" })).Items.Count.ShouldBe(1);

        // 25 members: two members@odata.bind PATCHes (20 + 5) in one $batch.
        var members = Users.Take(25).ToArray();
        var added = await fixture.RunAsync("groups.members.add", Conn, new { groupId, memberIds = members });
        added.Value!["done"]!.GetValue<int>().ShouldBe(25);
        fixture.Server.State.GetGroupMemberIds(groupId)!.Count.ShouldBe(25);
        (await fixture.RunAsync("groups.members.list", Conn, new { groupId })).Items.Count.ShouldBe(25);

        // One already a member, one new, one that does not exist.
        var missing = Guid.NewGuid().ToString();
        var again = await fixture.RunAsync("groups.members.add", Conn, new { groupId, memberIds = new[] { members[0], Users[26], missing } });
        var items = again.Value!["items"]!.AsArray();
        items[0]!["outcome"]!.GetValue<string>().ShouldBe("unchanged");
        items[1]!["outcome"]!.GetValue<string>().ShouldBe("done");
        items[2]!["outcome"]!.GetValue<string>().ShouldBe("failed");
        items[2]!["message"]!.GetValue<string>().ShouldContain(missing);

        (await fixture.RunAsync("groups.members.check", Conn, new { groupId, memberId = members[3] })).Value!["isMember"]!.GetValue<bool>().ShouldBeTrue();
        (await fixture.RunAsync("groups.members.check", Conn, new { groupId, memberId = members[3], transitive = false })).Value!["isMember"]!.GetValue<bool>().ShouldBeTrue();
        (await fixture.RunAsync("groups.members.check", Conn, new { groupId, memberId = Users[28] })).Value!["isMember"]!.GetValue<bool>().ShouldBeFalse();

        var removed = await fixture.RunAsync("groups.members.remove", Conn, new { groupId, memberIds = new[] { members[0], Users[28] } });
        removed.Value!["items"]![0]!["outcome"]!.GetValue<string>().ShouldBe("done");
        removed.Value!["items"]![1]!["outcome"]!.GetValue<string>().ShouldBe("unchanged");
        fixture.Server.State.GetGroupMemberIds(groupId)!.ShouldNotContain(members[0]);

        await fixture.RunAsync("groups.update", Conn, new { id = groupId, description = "Tier 2" });
        (await fixture.RunAsync("groups.get", Conn, new { id = groupId })).Value!["description"]!.GetValue<string>().ShouldBe("Tier 2");

        await fixture.RunAsync("groups.delete", Conn, new { id = groupId });
        await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("groups.get", Conn, new { id = groupId }));
    }

    [Fact]
    public async Task AddMembers_ToAnUnknownGroup_FailsNamingTheGroup()
    {
        var groupId = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("groups.members.add", Conn, new { groupId, memberIds = new[] { Users[0] } }));
        failure.Message.ShouldContain($"group '{groupId}'");
    }

    [Fact]
    public async Task AddMembers_DryRun_PlansMembersOdataBindInChunksOf20_AndSendsNothing()
    {
        var groupId = fixture.Server.State.GetGroupIds()[1];
        var before = fixture.Server.State.GetGroupMemberIds(groupId)!.Count;
        var run = await fixture.RunAsync("groups.members.add", Conn, new { groupId, memberIds = Users.Take(21).ToArray() }, dryRun: true);
        var batch = run.Result.PlannedRequests.Single();
        var steps = batch.Body!["requests"]!.AsArray();
        steps.Count.ShouldBe(2);
        steps[0]!["method"]!.GetValue<string>().ShouldBe("PATCH");
        steps[0]!["body"]!["members@odata.bind"]!.AsArray().Count.ShouldBe(20);
        steps[1]!["body"]!["members@odata.bind"]!.AsArray().Count.ShouldBe(1);
        steps[0]!["body"]!["members@odata.bind"]![0]!.GetValue<string>().ShouldBe($"{fixture.Server.GraphEndpoint.ToString().TrimEnd('/')}/directoryObjects/{Users[0]}");
        fixture.Server.State.GetGroupMemberIds(groupId)!.Count.ShouldBe(before);
    }

    [Fact]
    public async Task Create_DryRun_PlansThePost()
    {
        var run = await fixture.RunAsync("groups.create", Conn, new { displayName = "Never made", groupTypes = new[] { "Unified" } }, dryRun: true);
        var post = run.Result.PlannedRequests.Single();
        post.Method.ShouldBe("POST");
        post.Target.ShouldEndWith("/v1.0/groups");
        post.Body!["mailEnabled"]!.GetValue<bool>().ShouldBeTrue();
        fixture.Server.State.FindGroupId("Never made").ShouldBeNull();
    }

    [Fact]
    public async Task MembersAdd_ThrottledBatch_IsRetried_AndSucceeds()
    {
        var groupId = fixture.Server.State.GetGroupIds()[2];
        await fixture.InjectAsync(503, 1, "$batch", retryAfterSeconds: 1);
        var run = await fixture.RunAsync("groups.members.add", Conn, new { groupId, memberIds = new[] { Users[29] } });
        run.Value!["failed"]!.GetValue<int>().ShouldBe(0);
        fixture.Server.State.GetGroupMemberIds(groupId)!.ShouldContain(Users[29]);
    }

    [Fact]
    public async Task CreateGroup_WithMailEnabledSecurityGroup_IsRefusedBeforeAnyCall()
    {
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("groups.create", Conn, new { displayName = "x", mailEnabled = true }));
        failure.Errors.ShouldContain(e => e.Field == "mailEnabled");
    }
}
