using Entrada.Emulator.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Emulator.Tests.Sdk;

public sealed class ExpandFixture : EmulatorFixture
{
    // 150 users in 5 groups: 30 members a group (more than $expand returns), 150 users (more than a page with $expand holds).
    protected override EmulatorOptions Options => new() { Users = 150, Groups = 5, Throttle = ThrottleMode.Off };
}

/// <summary><c>$expand</c> through Microsoft.Graph's client, with Graph's limits on directory objects.</summary>
public sealed class ExpandTests(ExpandFixture fixture) : IClassFixture<ExpandFixture>
{
    private readonly GraphServiceClient _graph = GraphClients.Create(fixture.Server, fixture.Credential());

    private string GroupId => fixture.Server.State.GetGroupIds()[0];

    [Fact]
    public async Task Groups_ExpandMembersWithSelect_ReturnsTheFirstTwentyWithOnlyThoseProperties()
    {
        var page = await _graph.Groups.GetAsync(c =>
        {
            c.QueryParameters.Select = ["id", "displayName"];
            c.QueryParameters.Expand = ["members($select=id,displayName)"];
        });

        var group = page!.Value!.Single(g => g.Id == GroupId);
        var expected = fixture.Server.State.GetGroupMemberIds(GroupId)!;
        expected.Count.ShouldBeGreaterThan(20);
        group.Members!.Select(m => m.Id).ShouldBe(expected.Take(20));
        group.Members!.OfType<User>().ShouldAllBe(u => u.DisplayName != null && u.UserPrincipalName == null);
        group.Description.ShouldBeNull();
    }

    [Fact]
    public async Task Group_ExpandOwners_ReturnsTheOwners()
    {
        var group = await _graph.Groups[GroupId].GetAsync(c => c.QueryParameters.Expand = ["owners"]);

        group!.Owners!.Select(o => o.Id).ShouldBe([fixture.Server.State.GetUserIds()[0]]);
        group.Owners!.Single().ShouldBeOfType<User>().UserPrincipalName.ShouldNotBeNull();
    }

    [Fact]
    public async Task User_ExpandMemberOf_ReturnsItsGroupsAndRoles()
    {
        var id = fixture.Server.State.GetUserIds()[1];

        var user = await _graph.Users[id].GetAsync(c =>
        {
            c.QueryParameters.Select = ["id", "displayName"];
            c.QueryParameters.Expand = ["memberOf($select=id,displayName)"];
        });

        user!.MemberOf!.OfType<Group>().Select(g => g.Id).ShouldBe(fixture.Server.State.FindUser(id)!.GroupIds, ignoreOrder: true);
        user.MemberOf!.OfType<DirectoryRole>().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task User_ExpandManager_WithAManager_ExpandsIt()
    {
        var ids = fixture.Server.State.GetUserIds();
        var manager = await _graph.Users[ids[2]].Manager.GetAsync();

        var user = await _graph.Users[ids[2]].GetAsync(c => c.QueryParameters.Expand = ["manager($select=id,displayName)"]);

        manager.ShouldNotBeNull();
        user!.Manager.ShouldNotBeNull();
        user.Manager!.Id.ShouldBe(manager.Id);
    }

    [Fact]
    public async Task User_ExpandManager_WithoutAManager_LeavesManagerOut()
    {
        // The generated tenant's first user heads the reporting line: no manager.
        var id = fixture.Server.State.GetUserIds()[0];

        var user = await _graph.Users[id].GetAsync(c => c.QueryParameters.Expand = ["manager($levels=max;$select=id,displayName)"]);
        var raw = await fixture.GraphAsync(HttpMethod.Get, $"/users/{id}?$expand=manager");

        user!.Id.ShouldBe(id);
        user.Manager.ShouldBeNull();
        raw.Status.ShouldBe(200, raw.Text);
        raw.Json!.AsObject().ContainsKey("manager").ShouldBeFalse();
    }

    [Fact]
    public async Task Users_WithExpand_PageAtMostOneHundred_AndPageOnToTheEnd()
    {
        var first = await _graph.Users.GetAsync(c =>
        {
            c.QueryParameters.Top = 999;
            c.QueryParameters.Select = ["id"];
            c.QueryParameters.Expand = ["memberOf($select=id)"];
        });

        first!.Value!.Count.ShouldBe(100);
        first.OdataNextLink.ShouldNotBeNull();
        var seen = new List<string>();
        await PageIterator<User, UserCollectionResponse>.CreatePageIterator(_graph, first, u =>
        {
            u.MemberOf.ShouldNotBeNull();
            seen.Add(u.Id!);
            return true;
        }).IterateAsync();
        seen.ShouldBe(fixture.Server.State.GetUserIds());
    }

    [Theory]
    [InlineData("members,owners", "Only one navigation property can be expanded")]
    [InlineData("members($expand=memberOf)", "Only one level of '$expand'")]
    [InlineData("members($filter=id eq 'x')", "only '$select' is")]
    [InlineData("members($levels=2)", "'$levels' is supported only when expanding 'manager'")]
    [InlineData("photo", "Could not find a property named 'photo'")]
    [InlineData("members($select=nonsense)", "Could not find a property named 'nonsense'")]
    public async Task Expand_BeyondGraphsLimits_Is400(string expand, string message)
    {
        var error = await Should.ThrowAsync<ODataError>(() => _graph.Groups[GroupId].GetAsync(c => c.QueryParameters.Expand = [expand]));

        error.ResponseStatusCode.ShouldBe(400);
        error.Error!.Message!.ShouldContain(message);
    }

    [Fact]
    public async Task Expand_InAnAdvancedQuery_Is400()
    {
        var error = await Should.ThrowAsync<ODataError>(() => _graph.Groups.GetAsync(c =>
        {
            c.QueryParameters.Expand = ["members"];
            c.QueryParameters.Count = true;
            c.Headers.Add("ConsistencyLevel", "eventual");
        }));

        error.ResponseStatusCode.ShouldBe(400);
        error.Error!.Message!.ShouldContain("advanced queries");
    }

    [Fact]
    public async Task Expand_ContextUrl_NamesTheExpansion()
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, "/groups?$select=id&$expand=members($select=id,displayName)");

        result.Json!["@odata.context"]!.GetValue<string>().ShouldEndWith("/$metadata#groups(id,members(id,displayName))");
    }
}
