using Entrada.Emulator.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Emulator.Tests.Sdk;

public sealed class DeletedItemsFixture : EmulatorFixture
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override EmulatorOptions Options => new() { Users = 40, Groups = 6, Throttle = ThrottleMode.Off, TimeProvider = Time };
}

/// <summary>Deleting, listing, restoring and purging users and groups through Microsoft.Graph's client, as Graph keeps them.</summary>
public sealed class DeletedItemsTests(DeletedItemsFixture fixture) : IClassFixture<DeletedItemsFixture>
{
    private const string E5 = "c7df2760-2c81-4ef7-b578-5b5392b571df";

    /// <summary>A client with a fresh credential: the fixture's clock moves, and tokens expire with it.</summary>
    private GraphServiceClient Graph() => GraphClients.Create(fixture.Server, fixture.Credential());

    private IReadOnlyList<string> GroupIds => fixture.Server.State.GetGroupIds();

    private async Task<int?> ConsumedE5Async(GraphServiceClient graph) =>
        (await graph.SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == Guid.Parse(E5)).ConsumedUnits;

    [Fact]
    public async Task DeletedUser_LeavesListsAndGroups_IsListedInDeletedItems_AndRestoresWithItsMembershipsAndLicence()
    {
        var graph = Graph();
        var ids = fixture.Server.State.GetUserIds();
        // User 6 is in group 0 (i % 6), holds an E5 licence (i % 3 == 0) and no role.
        var id = ids[6];
        var before = fixture.Server.State.FindUser(id)!;
        var unified = GroupIds[0];
        before.GroupIds.ShouldBe([unified]);
        before.SkuIds.ShouldBe([E5]);
        var owned = await graph.Groups.PostAsync(new Group { DisplayName = "Owned", MailEnabled = false, MailNickname = "owned", SecurityEnabled = true });
        await graph.Groups[owned!.Id].Owners.Ref.PostAsync(new ReferenceCreate { OdataId = $"{fixture.Server.GraphEndpoint}/directoryObjects/{id}" });
        var consumed = await ConsumedE5Async(graph);

        await graph.Users[id].DeleteAsync();

        (await Should.ThrowAsync<ODataError>(() => graph.Users[id].GetAsync())).ResponseStatusCode.ShouldBe(404);
        fixture.Server.State.GetUserIds().ShouldNotContain(id);
        fixture.Server.State.GetGroupMemberIds(unified)!.ShouldNotContain(id);
        (await graph.Groups[owned.Id].Owners.GetAsync())!.Value!.ShouldBeEmpty();
        (await ConsumedE5Async(graph)).ShouldBe(consumed - 1);
        var deleted = await graph.Directory.DeletedItems.GraphUser.GetAsync(c => c.QueryParameters.Select = ["id", "userPrincipalName", "deletedDateTime"]);
        var item = deleted!.Value!.Single(u => u.Id == id);
        item.DeletedDateTime.ShouldNotBeNull();
        item.UserPrincipalName.ShouldBe(Guid.Parse(id).ToString("N") + before.UserPrincipalName);
        (await graph.Directory.DeletedItems[id].GetAsync()).ShouldBeOfType<User>().Id.ShouldBe(id);

        var restored = await graph.Directory.DeletedItems[id].Restore.PostAsync();

        restored.ShouldBeOfType<User>().UserPrincipalName.ShouldBe(before.UserPrincipalName);
        var back = await graph.Users[id].GetAsync(c => c.QueryParameters.Select = ["id", "userPrincipalName", "deletedDateTime"]);
        back!.UserPrincipalName.ShouldBe(before.UserPrincipalName);
        back.DeletedDateTime.ShouldBeNull();
        fixture.Server.State.FindUser(id)!.GroupIds.ShouldBe([unified]);
        fixture.Server.State.GetUserIds().ShouldBe(ids);
        (await graph.Groups[owned.Id].Owners.GetAsync())!.Value!.Select(o => o.Id).ShouldBe([id]);
        (await ConsumedE5Async(graph)).ShouldBe(consumed);
        (await graph.Directory.DeletedItems.GraphUser.GetAsync())!.Value!.ShouldNotContain(u => u.Id == id);
    }

    [Fact]
    public async Task DeletedMicrosoft365Group_IsRestorable_WithMembersAndOwners_ButASecurityGroupIsGoneForGood()
    {
        var graph = Graph();
        var unified = GroupIds[2];
        var security = GroupIds[3];
        var members = fixture.Server.State.GetGroupMemberIds(unified)!;
        members.ShouldNotBeEmpty();

        await graph.Groups[unified].DeleteAsync();
        await graph.Groups[security].DeleteAsync();

        var deleted = await graph.Directory.DeletedItems.GraphGroup.GetAsync();
        deleted!.Value!.Select(g => g.Id).ShouldContain(unified);
        deleted.Value!.Select(g => g.Id).ShouldNotContain(security);
        fixture.Server.State.FindUser(members[0])!.GroupIds.ShouldNotContain(unified);
        (await Should.ThrowAsync<ODataError>(() => graph.Directory.DeletedItems[security].Restore.PostAsync())).ResponseStatusCode.ShouldBe(404);

        var restored = await graph.Directory.DeletedItems[unified].Restore.PostAsync();

        restored.ShouldBeOfType<Group>().Id.ShouldBe(unified);
        fixture.Server.State.GetGroupMemberIds(unified)!.ShouldBe(members);
        (await graph.Groups[unified].Owners.GetAsync())!.Value!.Select(o => o.Id).ShouldBe([fixture.Server.State.GetUserIds()[0]]);
        fixture.Server.State.FindUser(members[0])!.GroupIds.ShouldContain(unified);
    }

    [Fact]
    public async Task DeletedItem_DeletedForGood_CannotBeRestored()
    {
        var graph = Graph();
        var id = fixture.Server.State.GetUserIds()[9];
        await graph.Users[id].DeleteAsync();

        await graph.Directory.DeletedItems[id].DeleteAsync();

        (await Should.ThrowAsync<ODataError>(() => graph.Directory.DeletedItems[id].GetAsync())).ResponseStatusCode.ShouldBe(404);
        (await Should.ThrowAsync<ODataError>(() => graph.Directory.DeletedItems[id].Restore.PostAsync())).ResponseStatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task DeletedUser_FreesItsName_AndARestoreOntoATakenNameIs400()
    {
        var graph = Graph();
        var id = fixture.Server.State.GetUserIds()[10];
        var upn = fixture.Server.State.FindUser(id)!.UserPrincipalName;
        await graph.Users[id].DeleteAsync();

        var reuse = await graph.Users.PostAsync(new User
        {
            AccountEnabled = true,
            DisplayName = "Reuse",
            MailNickname = "reuse",
            UserPrincipalName = upn,
            PasswordProfile = new PasswordProfile { Password = "Reuse-Pa55-word!" },
        });
        var error = await Should.ThrowAsync<ODataError>(() => graph.Directory.DeletedItems[id].Restore.PostAsync());

        reuse!.Id.ShouldNotBe(id);
        error.ResponseStatusCode.ShouldBe(400);
        error.Error!.Message.ShouldBe("Another object with the same value for property userPrincipalName already exists.");
    }

    [Fact]
    public async Task DeletedItems_StayRestorableForThirtyDaysOfEmulatorTime()
    {
        var ids = fixture.Server.State.GetUserIds();
        var kept = ids[12];
        var expired = ids[13];
        await Graph().Users[expired].DeleteAsync();
        fixture.Time.Advance(TimeSpan.FromDays(2));
        await Graph().Users[kept].DeleteAsync();

        fixture.Time.Advance(TimeSpan.FromDays(28));
        var graph = Graph();
        var deleted = await graph.Directory.DeletedItems.GraphUser.GetAsync();

        deleted!.Value!.Select(u => u.Id).ShouldContain(kept);
        deleted.Value!.Select(u => u.Id).ShouldNotContain(expired);
        (await Should.ThrowAsync<ODataError>(() => graph.Directory.DeletedItems[expired].Restore.PostAsync())).ResponseStatusCode.ShouldBe(404);
        (await graph.Directory.DeletedItems[kept].Restore.PostAsync()).ShouldBeOfType<User>().Id.ShouldBe(kept);
    }

    [Fact]
    public async Task DeletedItems_WithoutATypeCast_Is400()
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, "/directory/deletedItems");

        result.Status.ShouldBe(400);
        result.ErrorMessage!.ShouldContain("type cast is required");
    }
}
