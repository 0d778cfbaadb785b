using System.Text.Json.Nodes;
using Entrada.Emulator.Tests.Support;

namespace Entrada.Emulator.Tests.Graph;

/// <summary>Graph's wire rules over raw HTTPS: authentication, authorisation, error shape, OData and batching.</summary>
public sealed class GraphHttpTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly Dictionary<string, string> Eventual = new() { ["ConsistencyLevel"] = "eventual" };

    [Fact]
    public async Task Request_WithoutToken_Returns401InvalidAuthenticationToken()
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, "/users", token: string.Empty);

        result.Status.ShouldBe(401);
        result.ErrorCode.ShouldBe("InvalidAuthenticationToken");
        var inner = result.Json!["error"]!["innerError"]!;
        inner["request-id"].ShouldNotBeNull();
        inner["client-request-id"].ShouldNotBeNull();
        inner["date"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Request_WithTamperedToken_Returns401()
    {
        var token = await fixture.AppTokenAsync();
        var parts = token.Split('.');
        var tampered = parts[0] + "." + parts[1] + "." + new string([.. parts[2].Reverse()]);

        var result = await fixture.GraphAsync(HttpMethod.Get, "/users", token: tampered);

        result.Status.ShouldBe(401);
        result.ErrorCode.ShouldBe("InvalidAuthenticationToken");
    }

    [Fact]
    public async Task Request_WithoutPermission_Returns403AuthorizationRequestDenied()
    {
        var token = await fixture.AppTokenAsync(fixture.NoConsent);

        var result = await fixture.GraphAsync(HttpMethod.Get, "/users", token: token);

        result.Status.ShouldBe(403);
        result.ErrorCode.ShouldBe("Authorization_RequestDenied");
        result.ErrorMessage.ShouldBe("Insufficient privileges to complete the operation.");
    }

    [Fact]
    public async Task Response_EchoesClientRequestIdAndCarriesRequestId()
    {
        var clientRequestId = Guid.NewGuid().ToString();

        var result = await fixture.GraphAsync(HttpMethod.Get, "/users/" + Guid.NewGuid(), headers: new() { ["client-request-id"] = clientRequestId });

        result.Status.ShouldBe(404);
        result.ErrorCode.ShouldBe("Request_ResourceNotFound");
        result.Headers["client-request-id"].ShouldBe(clientRequestId);
        result.Json!["error"]!["innerError"]!["client-request-id"]!.GetValue<string>().ShouldBe(clientRequestId);
        result.Headers["request-id"].ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Filter_WithEqAndStartsWithAndIn_FiltersUsers()
    {
        var eq = await fixture.GraphAsync(HttpMethod.Get, "/users?$filter=userType eq 'Guest'&$select=userType");
        var starts = await fixture.GraphAsync(HttpMethod.Get, "/users?$filter=startswith(displayName,'Adele')&$select=displayName");
        var inList = await fixture.GraphAsync(HttpMethod.Get, "/users?$filter=department in ('Finance','IT')&$select=department");

        eq.Json!["value"]!.AsArray().ShouldAllBe(u => u!["userType"]!.GetValue<string>() == "Guest");
        eq.Json["value"]!.AsArray().Count.ShouldBe(3);
        starts.Json!["value"]!.AsArray().ShouldAllBe(u => u!["displayName"]!.GetValue<string>().StartsWith("Adele"));
        starts.Json["value"]!.AsArray().ShouldNotBeEmpty();
        inList.Json!["value"]!.AsArray().Select(u => u!["department"]!.GetValue<string>()).Distinct().Order().ShouldBe(["Finance", "IT"]);
    }

    [Fact]
    public async Task Filter_WithAnyOnCollections_MatchesInsideThem()
    {
        var unified = await fixture.GraphAsync(HttpMethod.Get, "/groups?$filter=groupTypes/any(c:c eq 'Unified')");
        var licensed = await fixture.GraphAsync(HttpMethod.Get, "/users?$filter=assignedLicenses/any(x:x/skuId eq c7df2760-2c81-4ef7-b578-5b5392b571df)&$select=id");
        var identity = await fixture.GraphAsync(HttpMethod.Get, $"/users?$filter=identities/any(c:c/issuer eq '{fixture.Server.TenantDomain}')&$select=id&$top=999");

        unified.Json!["value"]!.AsArray().ShouldAllBe(g => g!["groupTypes"]!.AsArray().Any(t => t!.GetValue<string>() == "Unified"));
        unified.Json["value"]!.AsArray().Count.ShouldBe(3);
        licensed.Json!["value"]!.AsArray().ShouldNotBeEmpty();
        identity.Json!["value"]!.AsArray().Count.ShouldBe(27);
    }

    [Fact]
    public async Task Filter_WithEndsWithWithoutAdvancedQuery_Returns400AndWithItWorks()
    {
        var plain = await fixture.GraphAsync(HttpMethod.Get, "/users?$filter=endswith(mail,'@fabrikam.com')");
        var advanced = await fixture.GraphAsync(HttpMethod.Get, "/users?$filter=endswith(mail,'@fabrikam.com')&$count=true", headers: Eventual);

        plain.Status.ShouldBe(400);
        plain.ErrorCode.ShouldBe("Request_UnsupportedQuery");
        plain.ErrorMessage!.ShouldStartWith("Operator 'endsWith' is not supported because the required parameters might be missing.");
        advanced.Status.ShouldBe(200);
        advanced.Json!["@odata.count"]!.GetValue<int>().ShouldBe(3);
    }

    [Fact]
    public async Task Filter_WithNeOrNot_NeedsAdvancedQuery()
    {
        var ne = await fixture.GraphAsync(HttpMethod.Get, "/users?$filter=userType ne 'Guest'");
        var not = await fixture.GraphAsync(HttpMethod.Get, "/users?$filter=not(userType eq 'Guest')&$count=true", headers: Eventual);

        ne.Status.ShouldBe(400);
        not.Status.ShouldBe(200);
        not.Json!["@odata.count"]!.GetValue<int>().ShouldBe(27);
    }

    [Fact]
    public async Task Filter_OnUnknownProperty_Returns400()
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, "/users?$filter=shoeSize eq 42");

        result.Status.ShouldBe(400);
        result.ErrorMessage!.ShouldContain("shoeSize");
    }

    [Fact]
    public async Task Search_NeedsConsistencyLevelAndThenMatchesTokens()
    {
        var without = await fixture.GraphAsync(HttpMethod.Get, "/users?$search=\"displayName:vance\"");
        var with = await fixture.GraphAsync(HttpMethod.Get, "/users?$search=\"displayName:vance\"&$select=displayName", headers: Eventual);

        without.Status.ShouldBe(400);
        without.ErrorMessage.ShouldBe("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'");
        with.Json!["value"]!.AsArray().ShouldAllBe(u => u!["displayName"]!.GetValue<string>().Contains("Vance"));
        with.Json["value"]!.AsArray().ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Count_WithoutConsistencyLevelIsSilentlyOmitted_AndSegmentNeedsIt()
    {
        var param = await fixture.GraphAsync(HttpMethod.Get, "/users?$count=true&$top=1");
        var segment = await fixture.GraphAsync(HttpMethod.Get, "/users/$count");
        var segmentEventual = await fixture.GraphAsync(HttpMethod.Get, "/users/$count", headers: Eventual);

        param.Status.ShouldBe(200);
        param.Json!["@odata.count"].ShouldBeNull();
        segment.Status.ShouldBe(400);
        segment.ErrorMessage.ShouldBe("$count is not currently supported.");
        segmentEventual.MediaType.ShouldBe("text/plain");
        segmentEventual.Text.ShouldBe("30");
    }

    [Fact]
    public async Task OrderBy_DisplayNameDescending_Sorts()
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, "/users?$orderby=displayName desc&$select=displayName&$top=999");

        var names = result.Json!["value"]!.AsArray().Select(u => u!["displayName"]!.GetValue<string>()).ToList();
        names.ShouldBe([.. names.OrderDescending(StringComparer.OrdinalIgnoreCase)]);
    }

    [Fact]
    public async Task OrderBy_WithFilter_NeedsAdvancedQuery()
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, "/users?$orderby=displayName&$filter=userType eq 'Member'");

        result.Status.ShouldBe(400);
        result.ErrorMessage.ShouldBe("Sorting not supported for current query.");
    }

    [Fact]
    public async Task Top_Over999_Returns400_AndPagingVisitsEveryUserOnce()
    {
        var tooBig = await fixture.GraphAsync(HttpMethod.Get, "/users?$top=1000");
        var seen = new List<string>();
        var url = "/users?$top=7&$select=id";
        while (url is not null)
        {
            var page = await fixture.GraphAsync(HttpMethod.Get, url);
            seen.AddRange(page.Json!["value"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
            var next = page.Json["@odata.nextLink"]?.GetValue<string>();
            next?.ShouldContain("$skiptoken=");
            url = next?[fixture.Server.GraphEndpoint.ToString().Length..];
        }

        tooBig.Status.ShouldBe(400);
        seen.ShouldBe(fixture.Server.State.GetUserIds());
    }

    [Fact]
    public async Task SubscribedSkus_RefuseTop()
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, "/subscribedSkus?$top=1");

        result.Status.ShouldBe(400);
        result.ErrorMessage.ShouldBe("This resource does not support custom page sizes. Please retry without a page size argument.");
    }

    [Fact]
    public async Task Select_OnEntity_ReturnsOnlyThoseProperties()
    {
        var id = fixture.Server.State.GetUserIds()[0];

        var result = await fixture.GraphAsync(HttpMethod.Get, $"/users/{id}?$select=displayName,accountEnabled");

        result.Json!.AsObject().Select(p => p.Key).ShouldBe(["@odata.context", "id", "displayName", "accountEnabled"]);
        result.Json["@odata.context"]!.GetValue<string>().ShouldEndWith("$metadata#users(displayName,accountEnabled)/$entity");
    }

    [Fact]
    public async Task Me_WithAppToken_Returns400()
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, "/me");

        result.Status.ShouldBe(400);
        result.ErrorMessage.ShouldBe("/me request is only valid with delegated authentication flow.");
    }

    [Fact]
    public async Task Batch_WithMoreThanTwentyRequests_Returns400()
    {
        var requests = Enumerable.Range(1, 21).Select(i => new { id = i.ToString(), method = "GET", url = "/users?$top=1" });

        var result = await fixture.GraphAsync(HttpMethod.Post, "/$batch", new { requests });

        result.Status.ShouldBe(400);
    }

    [Fact]
    public async Task Batch_WithFailedDependency_Answers424AndInnerHeaders()
    {
        var requests = new object[]
        {
            new { id = "1", method = "GET", url = "/users/" + Guid.NewGuid() },
            new { id = "2", method = "GET", url = "/users?$top=1", dependsOn = new[] { "1" } },
            new { id = "3", method = "GET", url = "/organization" },
        };

        var result = await fixture.GraphAsync(HttpMethod.Post, "/$batch", new { requests });

        result.Status.ShouldBe(200);
        var responses = result.Json!["responses"]!.AsArray().ToDictionary(r => r!["id"]!.GetValue<string>(), r => r!);
        responses["1"]["status"]!.GetValue<int>().ShouldBe(404);
        responses["2"]["status"]!.GetValue<int>().ShouldBe(424);
        responses["3"]["status"]!.GetValue<int>().ShouldBe(200);
        responses["3"]["headers"]!["Content-Type"]!.GetValue<string>().ShouldStartWith("application/json");
        responses["3"]["body"]!["value"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Batch_WithDuplicateIds_Returns400()
    {
        var requests = new[] { new { id = "1", method = "GET", url = "/users" }, new { id = "1", method = "GET", url = "/groups" } };

        var result = await fixture.GraphAsync(HttpMethod.Post, "/$batch", new { requests });

        result.Status.ShouldBe(400);
    }

    [Fact]
    public async Task MembersRef_ForMissingObject_Returns404()
    {
        var groupId = fixture.Server.State.GetGroupIds()[3];

        var result = await fixture.GraphAsync(HttpMethod.Post, $"/groups/{groupId}/members/$ref", new JsonObject { ["@odata.id"] = $"https://graph.microsoft.com/v1.0/directoryObjects/{Guid.NewGuid()}" });

        result.Status.ShouldBe(404);
        result.ErrorCode.ShouldBe("Request_ResourceNotFound");
    }

    [Fact]
    public async Task PatchUser_WithUnknownProperty_Returns400AndChangesNothing()
    {
        var id = fixture.Server.State.GetUserIds()[8];

        var result = await fixture.GraphAsync(HttpMethod.Patch, $"/users/{id}", new JsonObject { ["jobTitle"] = "Changed", ["shoeSize"] = 42 });

        result.Status.ShouldBe(400);
        (await fixture.GraphAsync(HttpMethod.Get, $"/users/{id}?$select=jobTitle")).Json!["jobTitle"]!.GetValue<string>().ShouldNotBe("Changed");
    }

    [Fact]
    public async Task PatchUser_AccountEnabledOnly_IsAllowedByEnableDisablePermission()
    {
        fixture.Server.State.AddAppSecret(fixture.NoConsent.ClientId, "x", DateTimeOffset.UtcNow.AddDays(1));
        var id = fixture.Server.State.GetUserIds()[9];
        var appId = fixture.NoConsent.ClientId;
        fixture.Server.State.SetAppPermission(appId, "User.EnableDisableAccount.All", true);
        try
        {
            var token = await fixture.AppTokenAsync(fixture.NoConsent);
            var disable = await fixture.GraphAsync(HttpMethod.Patch, $"/users/{id}", new JsonObject { ["accountEnabled"] = false }, token);
            var rename = await fixture.GraphAsync(HttpMethod.Patch, $"/users/{id}", new JsonObject { ["displayName"] = "x" }, token);

            disable.Status.ShouldBe(204);
            rename.Status.ShouldBe(403);
            fixture.Server.State.FindUser(id)!.AccountEnabled.ShouldBeFalse();
        }
        finally
        {
            fixture.Server.State.SetAppPermission(appId, "User.EnableDisableAccount.All", false);
        }
    }
}
