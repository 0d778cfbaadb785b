using Entrada.Emulator.Tests.Support;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Emulator.Tests.Throttling;

public sealed class RealisticThrottleFixture : EmulatorFixture
{
    protected override EmulatorOptions Options => new() { Users = 30, Groups = 3, Throttle = ThrottleMode.Realistic };
}

/// <summary>Throttling over HTTPS with the realistic model on (the default).</summary>
public sealed class ThrottlingHttpTests(RealisticThrottleFixture fixture) : IClassFixture<RealisticThrottleFixture>
{
    [Fact]
    public async Task Responses_CarryTheirResourceUnitCost()
    {
        var list = await fixture.GraphAsync(HttpMethod.Get, "/users");
        var cheaper = await fixture.GraphAsync(HttpMethod.Get, "/users?$select=id&$top=5");
        var members = await fixture.GraphAsync(HttpMethod.Get, $"/groups/{fixture.Server.State.GetGroupIds()[0]}/members");

        list.Headers["x-ms-resource-unit"].ShouldBe("2");
        cheaper.Headers["x-ms-resource-unit"].ShouldBe("1");
        members.Headers["x-ms-resource-unit"].ShouldBe("3");
    }

    [Fact]
    public async Task IdentityProtection_SecondRequestInASecond_Is429WithoutRetryAfter()
    {
        var token = await fixture.AppTokenAsync();
        await Task.Delay(1100);

        var first = await fixture.GraphAsync(HttpMethod.Get, "/identityProtection/riskyUsers", token: token);
        var second = await fixture.GraphAsync(HttpMethod.Get, "/identityProtection/riskyUsers", token: token);

        first.Status.ShouldBe(200);
        second.Status.ShouldBe(429);
        second.ErrorCode.ShouldBe("TooManyRequests");
        second.Headers.ShouldNotContainKey("Retry-After");
    }
}

/// <summary>Faults injected through the control API.</summary>
public sealed class FaultInjectionTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private async Task<int> ControlAsync(HttpMethod method, string path, string? json = null, string? key = null)
    {
        using var request = new HttpRequestMessage(method, "_emulator/" + path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key ?? fixture.Server.ControlKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await fixture.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task ControlApi_WithoutTheKey_Is401()
    {
        (await ControlAsync(HttpMethod.Get, "state", key: "wrong")).ShouldBe(401);
        (await ControlAsync(HttpMethod.Get, "state")).ShouldBe(200);
    }

    [Fact]
    public async Task Injected429_IsRetriedByTheGraphSdkAfterRetryAfter()
    {
        var graph = GraphClients.Create(fixture.Server, fixture.Credential());
        (await ControlAsync(HttpMethod.Post, "faults", """{"fault":"429","count":2,"retryAfterSeconds":1,"pathContains":"/organization"}""")).ShouldBe(204);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var organization = await graph.Organization.GetAsync();

        organization!.Value!.Count.ShouldBe(1);
        started.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds(1.8));
    }

    [Fact]
    public async Task Injected503And504_AreAnsweredThenCleared()
    {
        var token = await fixture.AppTokenAsync();
        (await ControlAsync(HttpMethod.Post, "faults", """{"fault":"503","count":1,"pathContains":"/subscribedSkus"}""")).ShouldBe(204);
        (await ControlAsync(HttpMethod.Post, "faults", """{"fault":"504","fraction":1.0,"pathContains":"/subscribedSkus"}""")).ShouldBe(204);

        var unavailable = await fixture.GraphAsync(HttpMethod.Get, "/subscribedSkus", token: token);
        var timeout = await fixture.GraphAsync(HttpMethod.Get, "/subscribedSkus", token: token);
        (await ControlAsync(HttpMethod.Delete, "faults")).ShouldBe(204);
        var fine = await fixture.GraphAsync(HttpMethod.Get, "/subscribedSkus", token: token);

        unavailable.Status.ShouldBe(503);
        timeout.Status.ShouldBe(504);
        fine.Status.ShouldBe(200);
    }

    [Fact]
    public async Task InjectedConnectionReset_FailsTheRequest()
    {
        var token = await fixture.AppTokenAsync();
        (await ControlAsync(HttpMethod.Post, "faults", """{"fault":"reset","count":1,"pathContains":"/directoryRoles"}""")).ShouldBe(204);

        await Should.ThrowAsync<HttpRequestException>(() => fixture.GraphAsync(HttpMethod.Get, "/directoryRoles", token: token));
        (await fixture.GraphAsync(HttpMethod.Get, "/directoryRoles", token: token)).Status.ShouldBe(200);
    }

    [Fact]
    public async Task ControlApi_ChangesUserTypeAndRisk()
    {
        var id = fixture.Server.State.GetUserIds()[0];

        (await ControlAsync(HttpMethod.Patch, $"users/{id}", """{"userType":"Guest","riskLevel":"medium","riskState":"atRisk"}""")).ShouldBe(200);
        var user = await fixture.GraphAsync(HttpMethod.Get, $"/users/{id}?$select=userType");
        var risky = await fixture.GraphAsync(HttpMethod.Get, $"/identityProtection/riskyUsers/{id}");
        (await ControlAsync(HttpMethod.Patch, $"users/{id}", """{"userType":"Member"}""")).ShouldBe(200);

        user.Json!["userType"]!.GetValue<string>().ShouldBe("Guest");
        risky.Json!["riskLevel"]!.GetValue<string>().ShouldBe("medium");
        (await ControlAsync(HttpMethod.Patch, $"users/{id}", """{"userType":"Alien"}""")).ShouldBe(400);
    }

    [Fact]
    public async Task ControlApi_DeniesADeviceCode()
    {
        using var start = await fixture.Http.PostAsync($"{fixture.Server.TenantId}/oauth2/v2.0/devicecode", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = fixture.Demo.ClientId, ["scope"] = "User.Read" }));
        var code = System.Text.Json.Nodes.JsonNode.Parse(await start.Content.ReadAsStringAsync())!;

        (await ControlAsync(HttpMethod.Post, $"devicecodes/{code["user_code"]}/deny")).ShouldBe(204);
        var result = await fixture.TokenAsync(new() { ["client_id"] = fixture.Demo.ClientId, ["grant_type"] = "urn:ietf:params:oauth:grant-type:device_code", ["device_code"] = code["device_code"]!.GetValue<string>() });

        result.Json!["error"]!.GetValue<string>().ShouldBe("authorization_declined");
    }
}
