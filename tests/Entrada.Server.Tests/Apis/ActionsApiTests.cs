using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

[Collection(ServerCollection.Name)]
public sealed class ActionsApiTests(ServerFixture server)
{
    [Fact]
    public async Task ListActions_PublishesEachInputSchema_AndWithAConnectionItsReadiness()
    {
        using var client = server.Client();
        var all = await client.GetFromJsonAsync<JsonArray>("/api/v1/actions");
        var usersList = all!.Single(a => a!["id"]!.GetValue<string>() == "users.list")!;
        usersList["inputSchema"]!["properties"]!["max"].ShouldNotBeNull();
        usersList["ready"].ShouldBeNull();
        all!.Select(a => a!["id"]!.GetValue<string>()).ShouldContain("ldap.search");

        var onDemo = await client.GetFromJsonAsync<JsonArray>("/api/v1/actions?connection=Demo%20tenant");
        onDemo!.Single(a => a!["id"]!.GetValue<string>() == "users.list")!["ready"]!.GetValue<bool>().ShouldBeTrue();
        onDemo!.Select(a => a!["id"]!.GetValue<string>()).ShouldNotContain("ldap.search");
    }

    [Fact]
    public async Task RunningAQuickAction_ReturnsItsResultAtOnce()
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/users.list/runs", new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["max"] = 3 } });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var run = await response.Content.ReadFromJsonAsync<JsonObject>();
        run!["status"]!.GetValue<string>().ShouldBe("succeeded");
        run["output"]!.AsArray().Count.ShouldBe(3);
        run["itemCount"]!.GetValue<int>().ShouldBe(3);
        run["interface"]!.GetValue<string>().ShouldBe("api");
        run["actor"]!.GetValue<string>().ShouldStartWith("key:");
    }

    [Fact]
    public async Task RunningAsynchronously_Returns202AndARunToPoll_UntilItSucceeds()
    {
        var (groupId, userIds) = await server.SomeIdsAsync(3);
        using var client = server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/actions/groups.members.add/runs")
        {
            Content = JsonContent.Create(new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["groupId"] = groupId, ["memberIds"] = new JsonArray([.. userIds.Select(u => (JsonNode)u)]) } }),
        };
        request.Headers.Add("Prefer", "respond-async");
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!.ToString();
        location.ShouldStartWith("/api/v1/runs/run_");

        JsonObject? run = null;
        for (var i = 0; i < 100; i++)
        {
            run = await client.GetFromJsonAsync<JsonObject>(location);
            if (run!["status"]!.GetValue<string>() != "running")
            {
                break;
            }

            await Task.Delay(100);
        }

        run!["status"]!.GetValue<string>().ShouldBe("succeeded", run.ToJsonString());
        (run["output"]!["done"]!.GetValue<int>() + run["output"]!["unchanged"]!.GetValue<int>()).ShouldBe(3);
        var history = await client.GetFromJsonAsync<JsonArray>("/api/v1/runs?action=groups.members.add");
        history!.Select(r => r!["id"]!.GetValue<string>()).ShouldContain(run["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task RunningWithInvalidInput_ReturnsAValidationProblemKeyedByTheField()
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/users.list/runs", new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["max"] = -1 } });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        problem!["errors"]!["max"]![0]!.GetValue<string>().ShouldContain("'max' must be a positive number");
        problem["runId"]!.GetValue<string>().ShouldStartWith("run_");
        (await client.GetFromJsonAsync<JsonObject>($"/api/v1/runs/{problem["runId"]}"))!["status"]!.GetValue<string>().ShouldBe("failed");
    }

    [Fact]
    public async Task RunningAnUnknownAction_Returns404WithTheCloseMatches()
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/users.lst/runs", new JsonObject { ["connection"] = "Demo tenant" });
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        problem!["closeMatches"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldContain("users.list");
    }

    [Fact]
    public async Task RunningOnAnUnknownConnection_Returns404()
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/users.list/runs", new JsonObject { ["connection"] = "Nowhere" });
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task RunningWithoutThePermission_Returns403NamingIt()
    {
        using var client = server.Client();
        (await client.PostAsJsonAsync("/api/v1/connections", server.AppRegistrationBody("Lacks permissions", server.NoConsentApp))).EnsureSuccessStatusCode();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/users.list/runs", new JsonObject { ["connection"] = "Lacks permissions" });
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().ShouldContain("User.Read.All");
    }

    [Fact]
    public async Task ADryRun_ReturnsThePlannedRequests_AndADryRunOfAReadIsRefused()
    {
        var (groupId, userIds) = await server.SomeIdsAsync(1);
        var run = await server.RunAsync("groups.members.add", new JsonObject { ["groupId"] = groupId, ["memberIds"] = new JsonArray(userIds[0]) }, dryRun: true);
        run["dryRun"]!.GetValue<bool>().ShouldBeTrue();
        run["output"]!["requests"]!.AsArray().Count.ShouldBeGreaterThan(0);

        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/users.list/runs", new JsonObject { ["connection"] = "Demo tenant", ["dryRun"] = true });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task GetRun_OfAnUnknownId_Returns404Problem()
    {
        using var client = server.Client();
        using var response = await client.GetAsync("/api/v1/runs/run_0000");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task TheAuditLog_RecordsApiCallsWithTheKeyAsActor()
    {
        await server.RunAsync("users.list", new JsonObject { ["max"] = 1 });
        using var client = server.Client();
        var audit = await client.GetFromJsonAsync<JsonArray>("/api/v1/audit?limit=50");
        var record = audit!.First(a => a!["operation"]!.GetValue<string>() == "run users.list" && a["interface"]!.GetValue<string>() == "api")!;
        record["actor"]!.GetValue<string>().ShouldStartWith("key:");
        record["outcome"]!.GetValue<string>().ShouldBe("succeeded");
    }
}
