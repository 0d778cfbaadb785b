using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

/// <summary>The app-credential and enterprise-app actions through the REST API, on the demo tenant.</summary>
[Collection(ServerCollection.Name)]
public sealed class AppActionsApiTests(ServerFixture server)
{
    [Fact]
    public async Task ExpiringCredentials_AnswersEachExpiredOrSoonCredential_WithDaysLeft()
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/apps.credentials.expiring/runs", new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["days"] = 30 } });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var run = await response.Content.ReadFromJsonAsync<JsonObject>();
        run!["status"]!.GetValue<string>().ShouldBe("succeeded");
        var items = run["output"]!.AsArray();
        items.ShouldContain(i => i!["appName"]!.GetValue<string>() == "Contoso HR Portal" && i["expired"]!.GetValue<bool>());
        items.ShouldContain(i => i!["appName"]!.GetValue<string>() == "Fabrikam Payroll Sync" && i["daysLeft"]!.GetValue<int>() >= 0);
        items.ShouldAllBe(i => i!["daysLeft"]!.GetValue<int>() <= 30);
    }

    [Fact]
    public async Task ExpiringCredentials_WithAWindowTooLong_IsAValidationProblemKeyedByDays()
    {
        using var client = server.Client();
        using var response = await client.PostAsJsonAsync("/api/v1/actions/apps.credentials.expiring/runs", new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["days"] = 99999 } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        problem!["errors"]!["days"]![0]!.GetValue<string>().ShouldContain("'days' must be between 0 and 3650");
    }

    [Fact]
    public async Task DisablingAServicePrincipal_AsADryRun_AnswersThePlan_AndTheActionsListShowsItReady()
    {
        using var client = server.Client();
        var actions = await client.GetFromJsonAsync<JsonArray>("/api/v1/actions?connection=Demo%20tenant");
        actions!.Single(a => a!["id"]!.GetValue<string>() == "service-principals.disable")!["ready"]!.GetValue<bool>().ShouldBeTrue();
        var id = Guid.NewGuid().ToString();

        using var response = await client.PostAsJsonAsync("/api/v1/actions/service-principals.disable/runs", new JsonObject { ["connection"] = "Demo tenant", ["dryRun"] = true, ["input"] = new JsonObject { ["ids"] = new JsonArray(id) } });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var run = await response.Content.ReadFromJsonAsync<JsonObject>();
        run!.ToJsonString().ShouldContain($"/servicePrincipals/{id}");
    }
}
