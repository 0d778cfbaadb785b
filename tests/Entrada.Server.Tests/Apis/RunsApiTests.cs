using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Runs;
using Entrada.Core.Storage;
using Entrada.Graph;
using Entrada.Ldap;
using Entrada.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Server.Tests.Apis;

[Collection(ServerCollection.Name)]
public sealed class RunsApiTests(ServerFixture server)
{
    [Fact]
    public async Task ARunMadeByTheCli_ShowsInTheApisRunList_WithItsOutput()
    {
        // The CLI's composition over the same ENTRADA_HOME, as `entrada run` in another terminal.
        var services = new ServiceCollection();
        services.AddEntradaCore(new EntradaHome(server.HomePath));
        services.AddEntradaGraph();
        services.AddEntradaLdap();
        await using var cli = services.BuildServiceProvider();
        var outcome = await cli.GetRequiredService<RunService>().RunAsync(
            new RunRequest("users.list", "Demo tenant", new JsonObject { ["max"] = 2, ["select"] = new JsonArray("displayName") }),
            Caller.Cli(),
            null,
            default);

        using var client = server.Client();
        var runs = await client.GetFromJsonAsync<JsonArray>("/api/v1/runs?connection=Demo%20tenant&action=users.list");
        var listed = runs!.Single(r => r!["id"]!.GetValue<string>() == outcome.Record.Id)!;
        listed["interface"]!.GetValue<string>().ShouldBe("cli");
        listed["actor"]!.GetValue<string>().ShouldBe(Environment.UserName);
        listed["status"]!.GetValue<string>().ShouldBe("succeeded");

        var run = await client.GetFromJsonAsync<JsonObject>($"/api/v1/runs/{outcome.Record.Id}");
        run!["output"]!.AsArray().Count.ShouldBe(2);
        run["auditId"]!.GetValue<long>().ShouldBe(outcome.Result.AuditId);
    }

    [Fact]
    public async Task AFailedRun_IsAProblemWhoseStatusComesFromItsKind_WithTheApisHint()
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/users.get/runs", new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["id"] = "ghost@entradaemulator.onmicrosoft.com" } });
        ((int)response.StatusCode).ShouldBe(404);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        problem!["title"]!.GetValue<string>().ShouldBe("Not found.");
        problem["detail"]!.GetValue<string>().ShouldContain("user 'ghost@entradaemulator.onmicrosoft.com'");
        problem["detail"]!.GetValue<string>().ShouldNotContain("entrada ");
        var runId = problem["runId"]!.GetValue<string>();
        var stored = await client.GetFromJsonAsync<JsonObject>($"/api/v1/runs/{runId}");
        stored!["status"]!.GetValue<string>().ShouldBe("failed");
        stored["problem"]!["status"]!.GetValue<int>().ShouldBe(404);
    }

    [Fact]
    public async Task AnUnknownConnection_Is404_WithTheRouteThatListsThem()
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/users.list/runs", new JsonObject { ["connection"] = "Nope" });
        ((int)response.StatusCode).ShouldBe(404);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        problem!["detail"]!.GetValue<string>().ShouldBe("There is no connection named 'Nope'. List them with GET /api/v1/connections.");
    }
}
