using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Entrada.Server.Tests.Runners;

/// <summary>A runner holds a lease on what it runs; when it dies, a bulk job goes to another runner of its group.</summary>
public sealed class RunnerLeaseTests
{
    [Fact]
    public async Task ARunnerKilledMidJob_AnotherRunnerOfTheGroupFinishesIt_FromTheCheckpoints()
    {
        await using var server = await RunnerServer.StartAsync(IPAddress.Loopback, users: 2400, latencyMs: 120);
        var ids = (await server.PostAsync("/api/v1/actions/users.list/runs", new { connection = "Demo tenant", input = new { max = 2400, select = new[] { "id" } } }))["output"]!
            .AsArray().Select(u => u!["id"]!.GetValue<string>()).ToList();
        ids.Count.ShouldBe(2400);
        await server.PostAsync("/api/v1/connections", server.GraphConnectionBody("Lease tenant", "lease"), HttpStatusCode.Created);
        var first = await server.StartRunnerAsync("lease", "lease-a");

        using var client = server.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/actions/users.disable/runs")
        {
            Content = JsonContent.Create(new JsonObject { ["connection"] = "Lease tenant", ["input"] = new JsonObject { ["userIds"] = new JsonArray([.. ids.Select(i => (JsonNode?)i)]) } }),
        };
        request.Headers.Add("Prefer", "respond-async");
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var location = response.Headers.Location!.ToString();

        // Killed once the job has checkpoints but is not done.
        string jobId = null!;
        JsonObject job = null!;
        for (var i = 0; i < 600; i++)
        {
            var run = (await server.GetAsync(location)).AsObject();
            run["finishedAt"].ShouldBeNull($"the job finished before the runner could be killed: {run.ToJsonString()}");
            if (run["jobId"]?.GetValue<string>() is { } id)
            {
                jobId = id;
                job = (await server.GetAsync($"/api/v1/jobs/{jobId}")).AsObject();
                if (job["job"]!["pending"]!.GetValue<int>() < 2400)
                {
                    break;
                }
            }

            await Task.Delay(50);
        }

        first.Kill();
        await first.DisposeAsync();
        var finishedBefore = job["items"]!.AsArray().Where(i => i!["state"]!.GetValue<string>() != "pending").ToDictionary(i => i!["item"]!.GetValue<string>(), i => i!["state"]!.GetValue<string>());
        finishedBefore.Count.ShouldBeGreaterThan(0);
        finishedBefore.Count.ShouldBeLessThan(2400);

        await using var second = await server.StartRunnerAsync("lease", "lease-b");
        JsonObject finished = null!;
        for (var i = 0; i < 1200; i++)
        {
            finished = (await server.GetAsync(location)).AsObject();
            if (finished["finishedAt"] is not null)
            {
                break;
            }

            await Task.Delay(100);
        }

        finished["status"]!.GetValue<string>().ShouldBe("succeeded", finished.ToJsonString());
        var after = (await server.GetAsync($"/api/v1/jobs/{jobId}")).AsObject();
        after["job"]!["status"]!.GetValue<string>().ShouldBe("completed");
        after["job"]!["pending"]!.GetValue<int>().ShouldBe(0);
        after["job"]!["failed"]!.GetValue<int>().ShouldBe(0);
        (after["job"]!["done"]!.GetValue<int>() + after["job"]!["unchanged"]!.GetValue<int>()).ShouldBe(2400);

        // What the first runner had checkpointed stayed as it was: the second took up only the rest.
        var states = after["items"]!.AsArray().ToDictionary(i => i!["item"]!.GetValue<string>(), i => i!["state"]!.GetValue<string>());
        foreach (var (item, state) in finishedBefore)
        {
            states[item].ShouldBe(state);
        }

        var log = string.Join('\n', Directory.EnumerateFiles(Path.Combine(second.Home, "logs")).Select(File.ReadAllText));
        var line = log.Split('\n').Single(l => l.Contains($"job {jobId} starts with", StringComparison.Ordinal));
        var handedOver = int.Parse(line.Split("starts with ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        handedOver.ShouldBeGreaterThanOrEqualTo(finishedBefore.Count, "the second runner started from the server's checkpoints");
        handedOver.ShouldBeLessThan(2400);

        // Every user is disabled in the tenant, read back through the server's own connection.
        var stillEnabled = await server.PostAsync("/api/v1/actions/users.list/runs", new { connection = "Demo tenant", input = new { filter = "accountEnabled eq true", max = 10 } });
        stillEnabled["itemCount"]!.GetValue<int>().ShouldBe(0, stillEnabled.ToJsonString());

        var audit = (await server.GetAsync("/api/v1/audit?connection=Lease%20tenant")).AsArray();
        audit.First(a => a!["operation"]!.GetValue<string>() == "run users.disable")!["details"]!["runner"]!.GetValue<string>().ShouldBe(second.Id);
    }
}
