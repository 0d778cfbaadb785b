using System.Text.Json.Nodes;
using Entrada.Emulator.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using UsersDelta = Microsoft.Graph.Users.Delta.DeltaGetResponse;
using GroupsDelta = Microsoft.Graph.Groups.Delta.DeltaGetResponse;

namespace Entrada.Emulator.Tests.Sdk;

public sealed class DeltaFixture : EmulatorFixture
{
    // More users than a delta page holds (100), so the first round pages.
    protected override EmulatorOptions Options => new() { Users = 250, Groups = 5, Throttle = ThrottleMode.Off };
}

/// <summary>Delta queries on users and groups through Microsoft.Graph's client, as a sync client runs them.</summary>
public sealed class DeltaTests(DeltaFixture fixture) : IClassFixture<DeltaFixture>
{
    private readonly GraphServiceClient _graph = GraphClients.Create(fixture.Server, fixture.Credential());

    private IReadOnlyList<string> UserIds => fixture.Server.State.GetUserIds();

    /// <summary>Runs a round to its end through the SDK's page iterator: the objects seen and the delta link.</summary>
    private async Task<(List<User> Seen, string DeltaLink)> UsersRoundAsync(UsersDelta first)
    {
        var seen = new List<User>();
        var iterator = PageIterator<User, UsersDelta>.CreatePageIterator(_graph, first, u =>
        {
            seen.Add(u);
            return true;
        });
        await iterator.IterateAsync();
        return (seen, iterator.Deltalink);
    }

    private Task<UsersDelta?> UsersDeltaLinkAsync(string link) => _graph.Users.Delta.WithUrl(link).GetAsDeltaGetResponseAsync();

    private static string? RemovedReason(JsonNode item) => item["@removed"]?["reason"]?.GetValue<string>();

    private async Task<JsonArray> RawRoundAsync(string link, Dictionary<string, string>? headers = null)
    {
        var all = new JsonArray();
        string? next = link;
        while (next is not null)
        {
            var page = await fixture.GraphAsync(HttpMethod.Get, next[fixture.Server.GraphEndpoint.ToString().Length..], headers: headers);
            page.Status.ShouldBe(200, page.Text);
            foreach (var item in page.Json!["value"]!.AsArray())
            {
                all.Add(item!.DeepClone());
            }

            next = page.Json["@odata.nextLink"]?.GetValue<string>();
        }

        return all;
    }

    private async Task<string> RawDeltaLinkAsync(string relative)
    {
        string? next = fixture.Server.GraphEndpoint + relative;
        while (true)
        {
            var page = await fixture.GraphAsync(HttpMethod.Get, next[fixture.Server.GraphEndpoint.ToString().Length..]);
            page.Status.ShouldBe(200, page.Text);
            if (page.Json!["@odata.deltaLink"]?.GetValue<string>() is { } delta)
            {
                return delta;
            }

            next = page.Json["@odata.nextLink"]!.GetValue<string>();
        }
    }

    private async Task<string> NewUserAsync(string name) =>
        (await _graph.Users.PostAsync(new User
        {
            AccountEnabled = true,
            DisplayName = name,
            MailNickname = name,
            UserPrincipalName = $"{name}@{fixture.Server.TenantDomain}",
            PasswordProfile = new PasswordProfile { Password = "Delta-Pa55-word!" },
        }))!.Id!;

    [Fact]
    public async Task UsersDelta_FirstRoundPagesEveryUser_ThenTheLinkReturnsOnlyWhatChanged()
    {
        var first = await _graph.Users.Delta.GetAsDeltaGetResponseAsync(c => c.QueryParameters.Select = ["displayName", "jobTitle"]);
        first!.OdataNextLink.ShouldStartWith(fixture.Server.GraphEndpoint + "/users/delta?$skiptoken=");
        var (seen, deltaLink) = await UsersRoundAsync(first);
        seen.Select(u => u.Id).ShouldBe(UserIds);
        seen.ShouldAllBe(u => u.DisplayName != null && u.UserPrincipalName == null);
        deltaLink.ShouldStartWith(fixture.Server.GraphEndpoint + "/users/delta?$deltatoken=");

        var created = await NewUserAsync("delta" + Guid.NewGuid().ToString("N")[..8]);
        var retitled = UserIds[10];
        var moved = UserIds[11];
        var deleted = UserIds[12];
        await _graph.Users[retitled].PatchAsync(new User { JobTitle = "Delta Tester" });
        await _graph.Users[moved].PatchAsync(new User { Department = "Not tracked" });
        await _graph.Users[deleted].DeleteAsync();

        var changes = await UsersDeltaLinkAsync(deltaLink);

        changes!.Value!.Select(u => u.Id).ShouldBe([retitled, deleted, created], ignoreOrder: true);
        changes.Value!.Single(u => u.Id == retitled).JobTitle.ShouldBe("Delta Tester");
        changes.Value!.Single(u => u.Id == retitled).DisplayName.ShouldNotBeNull();
        changes.Value!.Single(u => u.Id == deleted).AdditionalData.ShouldContainKey("@removed");
        changes.OdataDeltaLink.ShouldNotBeNull();
        (await UsersDeltaLinkAsync(changes.OdataDeltaLink!))!.Value!.ShouldBeEmpty();
    }

    [Fact]
    public async Task UsersDelta_PreferMinimal_ReturnsOnlyTheChangedProperties()
    {
        var link = await RawDeltaLinkAsync("/users/delta?$select=displayName,jobTitle,mobilePhone");
        var id = UserIds[20];
        await _graph.Users[id].PatchAsync(new User { JobTitle = "Minimal" });

        var full = await RawRoundAsync(link);
        var minimal = await RawRoundAsync(link, new() { ["Prefer"] = "return=minimal" });

        var whole = full.Single(u => u!["id"]!.GetValue<string>() == id)!.AsObject();
        whole.Select(p => p.Key).ShouldBe(["id", "displayName", "jobTitle", "mobilePhone"], ignoreOrder: true);
        var changed = minimal.Single(u => u!["id"]!.GetValue<string>() == id)!.AsObject();
        changed.Select(p => p.Key).ShouldBe(["id", "jobTitle"], ignoreOrder: true);
        changed["jobTitle"]!.GetValue<string>().ShouldBe("Minimal");
    }

    [Fact]
    public async Task UsersDelta_RemovedIsChangedWhileRestorable_DeletedWhenGone_AndARestoreComesBackWhole()
    {
        var soft = UserIds[30];
        var hard = UserIds[31];
        var link = await RawDeltaLinkAsync($"/users/delta?$filter=id eq '{soft}' or id eq '{hard}'");
        await _graph.Users[soft].DeleteAsync();
        await _graph.Users[hard].DeleteAsync();
        await _graph.Directory.DeletedItems[hard].DeleteAsync();

        var removed = await RawRoundAsync(link);
        var next = await RawDeltaLinkAsync(link[fixture.Server.GraphEndpoint.ToString().Length..]);
        await _graph.Directory.DeletedItems[soft].Restore.PostAsync();
        var restored = await RawRoundAsync(next);

        removed.Select(r => (r!["id"]!.GetValue<string>(), RemovedReason(r))).ShouldBe([(soft, "changed"), (hard, "deleted")], ignoreOrder: true);
        restored.Count.ShouldBe(1);
        restored[0]!["id"]!.GetValue<string>().ShouldBe(soft);
        restored[0]!["userPrincipalName"]!.GetValue<string>().ShouldBe(fixture.Server.State.FindUser(soft)!.UserPrincipalName);
        RemovedReason(restored[0]!).ShouldBeNull();
    }

    [Fact]
    public async Task GroupsDelta_TracksMembership_AsMembersDelta()
    {
        var groupId = fixture.Server.State.GetGroupIds()[2];
        var first = await _graph.Groups.Delta.GetAsDeltaGetResponseAsync(c => c.QueryParameters.Select = ["displayName", "members"]);
        var seen = new List<Group>();
        var iterator = PageIterator<Group, GroupsDelta>.CreatePageIterator(_graph, first!, g =>
        {
            seen.Add(g);
            return true;
        });
        await iterator.IterateAsync();
        seen.Select(g => g.Id).ShouldBe(fixture.Server.State.GetGroupIds());
        seen.Single(g => g.Id == groupId).AdditionalData.ShouldContainKey("members@delta");

        var members = fixture.Server.State.GetGroupMemberIds(groupId)!;
        var added = fixture.Server.State.GetGroupMemberIds(fixture.Server.State.GetGroupIds()[3])![0];
        await _graph.Groups[groupId].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"{fixture.Server.GraphEndpoint}/directoryObjects/{added}" });
        await _graph.Groups[groupId].Members[members[0]].Ref.DeleteAsync();
        await _graph.Groups[fixture.Server.State.GetGroupIds()[4]].PatchAsync(new Group { Description = "not tracked: only displayName and members are" });

        var changes = await RawRoundAsync(iterator.Deltalink);

        var group = changes.Single()!;
        group["id"]!.GetValue<string>().ShouldBe(groupId);
        var delta = group["members@delta"]!.AsArray();
        delta.Select(m => (m!["id"]!.GetValue<string>(), RemovedReason(m))).ShouldBe([(added, null), (members[0], "deleted")], ignoreOrder: true);
        delta.ShouldAllBe(m => m!["@odata.type"]!.GetValue<string>() == "#microsoft.graph.user");
    }

    [Fact]
    public async Task GroupsDelta_WithoutSelect_ReturnsDefaultPropertiesAndMembers()
    {
        var page = await fixture.GraphAsync(HttpMethod.Get, "/groups/delta");

        var group = page.Json!["value"]!.AsArray().First(g => g!["id"]!.GetValue<string>() == fixture.Server.State.GetGroupIds()[0])!;
        group["displayName"].ShouldNotBeNull();
        group["groupTypes"].ShouldNotBeNull();
        group["members@delta"]!.AsArray().Count.ShouldBe(fixture.Server.State.GetGroupMemberIds(fixture.Server.State.GetGroupIds()[0])!.Count);
        page.Json["@odata.deltaLink"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Delta_LatestToken_StartsFromNow()
    {
        var latest = await fixture.GraphAsync(HttpMethod.Get, "/users/delta?$deltatoken=latest");
        var id = UserIds[40];
        await _graph.Users[id].PatchAsync(new User { DisplayName = "Changed after latest" });

        var changes = await RawRoundAsync(latest.Json!["@odata.deltaLink"]!.GetValue<string>());

        latest.Json["value"]!.AsArray().ShouldBeEmpty();
        changes.Select(c => c!["id"]!.GetValue<string>()).ShouldBe([id]);
    }

    [Theory]
    [InlineData("/users/delta?$expand=manager", 400)]
    [InlineData("/users/delta?$orderby=displayName", 400)]
    [InlineData("/users/delta?$filter=startswith(displayName,'A')", 400)]
    [InlineData("/users/delta?$deltatoken=bm90IGEgdG9rZW4", 400)]
    [InlineData("/users/delta?$select=nonsense", 400)]
    [InlineData("/users/delta?$top=5", 200)]
    public async Task Delta_OptionsGraphRefuses_Are400_AndTopIsIgnored(string path, int status)
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, path);

        result.Status.ShouldBe(status, result.Text);
        if (status == 200)
        {
            result.Json!["value"]!.AsArray().Count.ShouldBe(100);
        }
    }

    [Fact]
    public async Task Delta_TokenOfTheOtherCollection_Is400()
    {
        var groupsLink = await RawDeltaLinkAsync("/groups/delta");
        var token = groupsLink[(groupsLink.IndexOf("$deltatoken=", StringComparison.Ordinal) + 12)..];

        var error = await Should.ThrowAsync<ODataError>(() => UsersDeltaLinkAsync($"{fixture.Server.GraphEndpoint}/users/delta?$deltatoken={token}"));

        error.ResponseStatusCode.ShouldBe(400);
    }
}
