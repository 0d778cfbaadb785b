using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

[Collection(ServerCollection.Name)]
public sealed class JobsApiTests(ServerFixture server)
{
    [Fact]
    public async Task ABulkRun_IsAJobWhoseProgressAndItemsTheApiShows()
    {
        var (groupId, userIds) = await server.SomeIdsAsync(4);
        await server.RunAsync("groups.members.remove", new JsonObject { ["groupId"] = groupId, ["memberIds"] = new JsonArray([.. userIds.Select(id => (JsonNode?)id)]) });
        await server.RunAsync("groups.members.add", new JsonObject { ["groupId"] = groupId, ["memberIds"] = new JsonArray([.. userIds.Select(id => (JsonNode?)id)]) });

        using var client = server.Client();
        var jobs = await client.GetFromJsonAsync<JsonArray>("/api/v1/jobs");
        var job = jobs!.First(j => j!["action"]!.GetValue<string>() == "groups.members.add")!;
        job["status"]!.GetValue<string>().ShouldBe("completed");
        job["total"]!.GetValue<int>().ShouldBe(4);
        job["pending"]!.GetValue<int>().ShouldBe(0);
        (job["done"]!.GetValue<int>() + job["unchanged"]!.GetValue<int>()).ShouldBe(4);
        job["input"].ShouldBeNull("the stored input is kept for resuming, not shown");

        var detail = await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{job["id"]}");
        detail!["items"]!.AsArray().Select(i => i!["item"]!.GetValue<string>()).ShouldBe(userIds);

        using var cancel = await client.PostAsync($"/api/v1/jobs/{job["id"]}/cancel", null);
        cancel.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await cancel.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().ShouldContain("has already completed");
    }

    [Fact]
    public async Task AnUnknownJob_IsANotFoundProblem()
    {
        using var client = server.Client();
        using var response = await client.GetAsync("/api/v1/jobs/nope");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }
}
