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
    public async Task ABulkRun_NamesItsJobWhileItRuns_AndTheJobLinksBackToTheRun()
    {
        var (groupId, userIds) = await server.SomeIdsAsync(3);
        using var client = server.Client();
        // Graph refuses the first batches with 429 and Retry-After: the run is still going when polled.
        await server.ControlAsync(HttpMethod.Post, "faults", new { fault = "429", count = 2, retryAfterSeconds = 3, pathContains = "$batch" });
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/actions/groups.members.add/runs")
            {
                Content = JsonContent.Create(new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["groupId"] = groupId, ["memberIds"] = new JsonArray([.. userIds.Select(u => (JsonNode)u)]) } }),
            };
            request.Headers.Add("Prefer", "respond-async");
            using var response = await client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
            var location = response.Headers.Location!.ToString();

            JsonObject running = null!;
            for (var i = 0; i < 200; i++)
            {
                running = (await client.GetFromJsonAsync<JsonObject>(location))!;
                if (running["jobId"] is not null || running["status"]!.GetValue<string>() != "running")
                {
                    break;
                }

                await Task.Delay(25);
            }

            running["status"]!.GetValue<string>().ShouldBe("running", "the job's id should show while the run still waits on Graph");
            var jobId = running["jobId"].ShouldNotBeNull().GetValue<string>();
            running["jobHref"]!.GetValue<string>().ShouldBe($"/api/v1/jobs/{jobId}");

            var job = (await client.GetFromJsonAsync<JsonObject>(running["jobHref"]!.GetValue<string>()))!;
            job["job"]!["id"]!.GetValue<string>().ShouldBe(jobId);
            job["job"]!["action"]!.GetValue<string>().ShouldBe("groups.members.add");
            job["runId"]!.GetValue<string>().ShouldBe(running["id"]!.GetValue<string>());
            job["runHref"]!.GetValue<string>().ShouldBe(location);

            JsonObject finished = running;
            for (var i = 0; i < 600 && finished["status"]!.GetValue<string>() == "running"; i++)
            {
                await Task.Delay(100);
                finished = (await client.GetFromJsonAsync<JsonObject>(location))!;
            }

            finished["status"]!.GetValue<string>().ShouldBe("succeeded", finished.ToJsonString());
            finished["jobId"]!.GetValue<string>().ShouldBe(jobId);
            var listed = (await client.GetFromJsonAsync<JsonArray>("/api/v1/runs?action=groups.members.add"))!.Single(r => r!["id"]!.GetValue<string>() == running["id"]!.GetValue<string>())!;
            listed["jobHref"]!.GetValue<string>().ShouldBe($"/api/v1/jobs/{jobId}");
            var done = (await client.GetFromJsonAsync<JsonObject>($"/api/v1/jobs/{jobId}"))!;
            done["job"]!["status"]!.GetValue<string>().ShouldBe("completed");
            done["runId"]!.GetValue<string>().ShouldBe(running["id"]!.GetValue<string>());

            // The run's page names the job too, for 'entrada jobs show|resume'.
            using var browser = await SignedInClient.CreateAsync(server.Url, server.ApiKey);
            (await browser.GetStringAsync($"/runs/{running["id"]}")).ShouldContain($"<code id=\"run-job\">{jobId}</code>");
        }
        finally
        {
            await server.ControlAsync(HttpMethod.Delete, "faults");
        }
    }

    [Fact]
    public async Task ARunWithoutAJob_HasNoJobLink()
    {
        var run = await server.RunAsync("users.list", new JsonObject { ["max"] = 1 });
        run["jobId"].ShouldBeNull();
        run["jobHref"].ShouldBeNull();
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
