using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

/// <summary>The named-location and role actions through the REST API, checked against the emulated tenant.</summary>
[Collection(ServerCollection.Name)]
public sealed class ConditionalAccessApiTests(ServerFixture server)
{
    [Fact]
    public async Task AddRanges_ThroughTheApi_AddsTheNewRange_AndReportsThePresentOne()
    {
        var location = server.Emulator.State.GetNamedLocations().First(l => l.Kind == "ip");
        var present = location.Ranges[0];

        var run = await server.RunAsync("named-locations.add-ranges", new JsonObject { ["id"] = location.Id, ["ranges"] = new JsonArray(present, "198.51.100.200/32") });

        run["status"]!.GetValue<string>().ShouldBe("succeeded");
        run["output"]!["changed"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["198.51.100.200/32"]);
        run["output"]!["unchanged"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe([present]);
        server.Emulator.State.GetNamedLocations().Single(l => l.Id == location.Id).Ranges.ShouldBe([.. location.Ranges, "198.51.100.200/32"]);
    }

    [Fact]
    public async Task AddRanges_WithAnInvalidCidr_IsAValidationProblemKeyedByTheRange()
    {
        var location = server.Emulator.State.GetNamedLocations().First(l => l.Kind == "ip");
        using var client = server.Client();

        using var response = await client.PostAsJsonAsync("/api/v1/actions/named-locations.add-ranges/runs", new JsonObject
        {
            ["connection"] = "Demo tenant",
            ["input"] = new JsonObject { ["id"] = location.Id, ["ranges"] = new JsonArray("10.0.0.0/40") },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        problem!["errors"]!["ranges[0]"].ShouldNotBeNull(problem.ToJsonString());
        server.Emulator.State.GetNamedLocations().Single(l => l.Id == location.Id).Ranges.ShouldBe(location.Ranges);
    }

    [Fact]
    public async Task RolesAssignmentsList_ThroughTheApi_NamesTheGlobalAdministrators()
    {
        var run = await server.RunAsync("roles.assignments.list", new JsonObject { ["roleDefinitionId"] = "62e90394-69f5-4237-9190-012177145e10" });

        run["status"]!.GetValue<string>().ShouldBe("succeeded");
        var holders = server.Emulator.State.GetRoleAssignments().Where(a => a.RoleDefinitionId == "62e90394-69f5-4237-9190-012177145e10").Select(a => a.PrincipalId);
        run["output"]!.AsArray().Select(i => i!["principalId"]!.GetValue<string>()).ShouldBe(holders, ignoreOrder: true);
        run["output"]!.AsArray().ShouldAllBe(i => i!["roleName"]!.GetValue<string>() == "Global Administrator" && i["principalName"] != null);
    }
}
