using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Entrada.Emulator.Tests.Support;

namespace Entrada.Emulator.Tests.Graph;

/// <summary>Graph's general URL rules over raw HTTPS: case, key syntax, alternate keys, <c>$count</c> segments, metadata levels and links.</summary>
public sealed class UrlRulesTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly Dictionary<string, string> Eventual = new() { ["ConsistencyLevel"] = "eventual" };

    private string GroupId => fixture.Server.State.GetGroupIds()[0];

    private string UserId => fixture.Server.State.GetUserIds()[0];

    private static List<string> Ids(GraphResult result) => [.. result.Json!["value"]!.AsArray().Select(v => v!["id"]!.GetValue<string>())];

    [Theory]
    [InlineData("/groups/{group}/Members")]
    [InlineData("/GROUPS/{group}/members")]
    [InlineData("/Groups/{group}/MEMBERS/Microsoft.Graph.User")]
    [InlineData("/groups/{group}/members/graph.user")]
    public async Task PathSegments_MatchWhateverTheirCase(string path)
    {
        var expected = fixture.Server.State.GetGroupMemberIds(GroupId)!.Where(id => fixture.Server.State.FindUser(id) is not null).ToList();

        var result = await fixture.GraphAsync(HttpMethod.Get, path.Replace("{group}", GroupId, StringComparison.Ordinal));

        result.Status.ShouldBe(200, result.Text);
        Ids(result).Where(id => fixture.Server.State.FindUser(id) is not null).ShouldBe(expected);
    }

    [Fact]
    public async Task OwnersAndMemberOf_RouteInAnyCase()
    {
        var owners = await fixture.GraphAsync(HttpMethod.Get, $"/Groups/{GroupId}/Owners");
        var memberOf = await fixture.GraphAsync(HttpMethod.Get, $"/users/{UserId}/MemberOf");

        owners.Status.ShouldBe(200, owners.Text);
        Ids(owners).ShouldBe([UserId]);
        memberOf.Status.ShouldBe(200, memberOf.Text);
        fixture.Server.State.FindUser(UserId)!.GroupIds.ShouldBeSubsetOf(Ids(memberOf));
    }

    [Fact]
    public async Task QueryOptionNames_AreCaseInsensitive_WithOrWithoutTheDollar()
    {
        var upper = await fixture.GraphAsync(HttpMethod.Get, "/users?$Filter=userType eq 'Guest'&$TOP=2&$SELECT=id,userType");
        var bare = await fixture.GraphAsync(HttpMethod.Get, "/users?filter=userType eq 'Guest'&Top=2&select=id,userType");

        foreach (var result in new[] { upper, bare })
        {
            result.Status.ShouldBe(200, result.Text);
            var users = result.Json!["value"]!.AsArray();
            users.Count.ShouldBe(2);
            users.ShouldAllBe(u => u!["userType"]!.GetValue<string>() == "Guest" && u["displayName"] == null);
            result.Json["@odata.nextLink"]!.GetValue<string>().ShouldContain("$skiptoken=");
        }
    }

    [Fact]
    public async Task KeySyntax_AddressesUsersAndGroupsById()
    {
        var user = await fixture.GraphAsync(HttpMethod.Get, $"/users('{UserId}')?$select=id");
        var group = await fixture.GraphAsync(HttpMethod.Get, $"/groups('{GroupId}')/members/$count", headers: Eventual);
        var bare = await fixture.GraphAsync(HttpMethod.Get, $"/groups({GroupId})?$select=id");

        user.Status.ShouldBe(200, user.Text);
        user.Json!["id"]!.GetValue<string>().ShouldBe(UserId);
        group.Text.ShouldBe(fixture.Server.State.GetGroupMemberIds(GroupId)!.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        bare.Json!["id"]!.GetValue<string>().ShouldBe(GroupId);
    }

    [Fact]
    public async Task KeySyntax_TakesAUpnStartingWithADollar_AsGraphDocumentsIt()
    {
        var upn = "$dollar" + Guid.NewGuid().ToString("N")[..6] + "@" + fixture.Server.TenantDomain;
        var created = await fixture.GraphAsync(HttpMethod.Post, "/users", NewUser(upn));
        created.Status.ShouldBe(201, created.Text);

        var byKey = await fixture.GraphAsync(HttpMethod.Get, $"/users('{Uri.EscapeDataString(upn)}')?$select=userPrincipalName");

        byKey.Status.ShouldBe(200, byKey.Text);
        byKey.Json!["userPrincipalName"]!.GetValue<string>().ShouldBe(upn);
    }

    [Fact]
    public async Task AlternateKey_UserPrincipalName_AddressesTheUser()
    {
        var upn = fixture.Server.State.FindUser(UserId)!.UserPrincipalName;

        var user = await fixture.GraphAsync(HttpMethod.Get, $"/users(userPrincipalName='{upn}')?$select=id");
        var memberOf = await fixture.GraphAsync(HttpMethod.Get, $"/users(userPrincipalName='{upn}')/memberOf");
        var missing = await fixture.GraphAsync(HttpMethod.Get, $"/users(userPrincipalName='nobody@{fixture.Server.TenantDomain}')");
        var undeclared = await fixture.GraphAsync(HttpMethod.Get, $"/users(mail='{upn}')");

        user.Json!["id"]!.GetValue<string>().ShouldBe(UserId);
        fixture.Server.State.FindUser(UserId)!.GroupIds.ShouldBeSubsetOf(Ids(memberOf));
        memberOf.Json!["value"]!.AsArray().Count.ShouldBeGreaterThan(0);
        missing.Status.ShouldBe(404);
        undeclared.Status.ShouldBe(400);
        undeclared.ErrorMessage!.ShouldContain("'mail' is not a key of 'users'");
    }

    [Fact]
    public async Task AlternateKey_UniqueName_AddressesTheGroup()
    {
        var name = "unique-" + Guid.NewGuid().ToString("N")[..8];
        var created = await fixture.GraphAsync(HttpMethod.Post, "/groups", new JsonObject
        {
            ["displayName"] = name,
            ["mailEnabled"] = false,
            ["mailNickname"] = name,
            ["securityEnabled"] = true,
            ["uniqueName"] = name,
        }.ToJsonString());
        created.Status.ShouldBe(201, created.Text);

        var group = await fixture.GraphAsync(HttpMethod.Get, $"/groups(uniqueName='{name}')?$select=id,uniqueName");

        group.Status.ShouldBe(200, group.Text);
        group.Json!["id"]!.GetValue<string>().ShouldBe(created.Json!["id"]!.GetValue<string>());
        group.Json["uniqueName"]!.GetValue<string>().ShouldBe(name);
    }

    [Theory]
    [InlineData("/users/$count", "")]
    [InlineData("/groups/$count", "")]
    [InlineData("/groups/{group}/members/$count", "")]
    [InlineData("/groups/{group}/transitiveMembers/$count", "")]
    [InlineData("/groups/{group}/owners/$count", "")]
    [InlineData("/users/{user}/memberOf/$count", "")]
    [InlineData("/users/{user}/transitiveMemberOf/microsoft.graph.group/$count", "")]
    [InlineData("/users/{user}/licenseDetails/$count", "")]
    [InlineData("/directoryRoles/$count", "")]
    [InlineData("/subscribedSkus/$count", "")]
    [InlineData("/organization/$count", "")]
    [InlineData("/identityProtection/riskyUsers/$count", "?$top=500")]
    [InlineData("/security/alerts_v2/$count", "")]
    [InlineData("/directory/deletedItems/microsoft.graph.user/$count", "")]
    public async Task CountSegment_CountsEveryCollection_AsItsListHasItems(string path, string listQuery)
    {
        var target = path.Replace("{group}", GroupId, StringComparison.Ordinal).Replace("{user}", UserId, StringComparison.Ordinal);
        var list = await fixture.GraphAsync(HttpMethod.Get, target[..^"/$count".Length] + listQuery, headers: Eventual);

        var count = await fixture.GraphAsync(HttpMethod.Get, target, headers: Eventual);

        list.Status.ShouldBe(200, list.Text);
        list.Json!["@odata.nextLink"].ShouldBeNull("the list must fit one page for the comparison");
        count.Status.ShouldBe(200, count.Text);
        count.MediaType.ShouldBe("text/plain");
        count.Text.ShouldBe(list.Json["value"]!.AsArray().Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task CountSegment_OnAnEntityOrWithAWrite_IsRefused()
    {
        var entity = await fixture.GraphAsync(HttpMethod.Get, $"/users/{UserId}/$count", headers: Eventual);
        var post = await fixture.GraphAsync(HttpMethod.Post, "/users/$count", NewUser($"count{Guid.NewGuid():N}@{fixture.Server.TenantDomain}"), headers: Eventual);
        var before = fixture.Server.State.UserCount;

        entity.Status.ShouldBe(400);
        entity.ErrorMessage.ShouldBe("Resource not found for the segment '$count'.");
        post.Status.ShouldBe(405);
        fixture.Server.State.UserCount.ShouldBe(before);
    }

    [Fact]
    public async Task MetadataNone_LeavesOutContextAndTypes_ButKeepsNextLink()
    {
        var none = new Dictionary<string, string> { ["Accept"] = "application/json;odata.metadata=none" };

        var members = await fixture.GraphAsync(HttpMethod.Get, $"/groups/{GroupId}/members?$top=2", headers: none);
        var user = await fixture.GraphAsync(HttpMethod.Get, $"/users/{UserId}", headers: none);
        var minimal = await fixture.GraphAsync(HttpMethod.Get, $"/groups/{GroupId}/members?$top=2", headers: new() { ["Accept"] = "application/json;odata.metadata=minimal" });

        members.Status.ShouldBe(200, members.Text);
        members.Text.ShouldNotContain("@odata.context");
        members.Text.ShouldNotContain("@odata.type");
        members.Json!["@odata.nextLink"].ShouldNotBeNull();
        members.Json["value"]!.AsArray().Count.ShouldBe(2);
        user.Json!.AsObject().ContainsKey("@odata.context").ShouldBeFalse();
        user.Json["id"]!.GetValue<string>().ShouldBe(UserId);
        minimal.Json!["@odata.context"].ShouldNotBeNull();
        minimal.Json["value"]!.AsArray().ShouldAllBe(m => m!["@odata.type"] != null);
    }

    /// <summary>A client that reaches the emulator under another name (through a proxy): the chain is checked, not the name.</summary>
    private HttpClient ClientUnderAnotherName() => new(new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, c, _, e) => EmulatorTrust.Validate(fixture.Server.CaCertificate, c, e & ~System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) },
    });

    [Fact]
    public async Task Links_FollowTheHostTheClientCalled()
    {
        using var http = ClientUnderAnotherName();
        var token = await fixture.AppTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Server.GraphEndpoint + "/users?$top=2");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Host = "graph.proxy.example:8443";

        using var response = await http.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        json["@odata.context"]!.GetValue<string>().ShouldBe("https://graph.proxy.example:8443/v1.0/$metadata#users");
        json["@odata.nextLink"]!.GetValue<string>().ShouldStartWith("https://graph.proxy.example:8443/v1.0/users?");
    }

    [Fact]
    public async Task Links_InABatch_FollowTheHostOfTheBatch()
    {
        using var http = ClientUnderAnotherName();
        var token = await fixture.AppTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, fixture.Server.GraphEndpoint + "/$batch")
        {
            Content = new StringContent("""{"requests":[{"id":"1","method":"GET","url":"/users?$top=1"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Host = "other.name.example";

        using var response = await http.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        json["responses"]![0]!["body"]!["@odata.nextLink"]!.GetValue<string>().ShouldStartWith("https://other.name.example/v1.0/users?");
    }

    private string NewUser(string upn) => new JsonObject
    {
        ["accountEnabled"] = true,
        ["displayName"] = upn,
        ["mailNickname"] = "n" + Guid.NewGuid().ToString("N")[..8],
        ["userPrincipalName"] = upn,
        ["passwordProfile"] = new JsonObject { ["password"] = "Url-Rules-Pa55!" },
    }.ToJsonString();
}
