using System.Text.Json.Nodes;
using Entrada.Emulator.Tests.Support;
using Entrada.Emulator.Throttling;

namespace Entrada.Emulator.Tests.Throttling;

public sealed class ServiceLimitFixture : EmulatorFixture
{
    protected override EmulatorOptions Options => new() { Users = 30, Groups = 3, Throttle = ThrottleMode.Realistic };
}

/// <summary>The services with limits of their own, classed by path: the audit logs and Identity Protection (with conditional access).</summary>
public sealed class ServiceLimitTests(ServiceLimitFixture fixture) : IClassFixture<ServiceLimitFixture>
{
    [Theory]
    [InlineData("auditLogs/signIns", "AuditLogs")]
    [InlineData("auditLogs/directoryAudits/x", "AuditLogs")]
    [InlineData("identityProtection/riskDetections", "IdentityProtection")]
    [InlineData("identityProtection/riskyUsers/x/history", "IdentityProtection")]
    [InlineData("identity/conditionalAccess/policies", "IdentityProtection")]
    [InlineData("identity/conditionalAccess/namedLocations/x", "IdentityProtection")]
    [InlineData("identity/b2xUserFlows", "None")]
    [InlineData("users/x/authentication/methods", "None")]
    public void ClassOf_IsThePathsPrefix(string path, string expected) =>
        ThrottleGate.ClassOf(path.Split('/')).ToString().ShouldBe(expected);

    [Fact]
    public async Task AuditLogs_TheSixthReadIn10Seconds_Is429WithRetryAfter_AcrossBothLogs()
    {
        var token = await fixture.AppTokenAsync();
        var answers = new List<GraphResult>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await fixture.GraphAsync(HttpMethod.Get, i % 2 == 0 ? "/auditLogs/signIns?$top=1" : "/auditLogs/directoryAudits?$top=1", token: token));
        }

        answers.Take(5).ShouldAllBe(a => a.Status == 200);
        var refused = answers[5];
        refused.Status.ShouldBe(429);
        refused.ErrorCode.ShouldBe("TooManyRequests");
        int.Parse(refused.Headers["Retry-After"], System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 10);
        refused.Headers["x-ms-throttle-scope"].ShouldStartWith("Tenant_Application/AuditLogs/");

        // Other resources are not held back by the logs' limit.
        (await fixture.GraphAsync(HttpMethod.Get, "/users?$top=1", token: token)).Status.ShouldBe(200);
    }

    [Fact]
    public async Task RiskDetections_SecondReadInASecond_Is429WithoutRetryAfter()
    {
        var token = await fixture.AppTokenAsync();
        await Task.Delay(1100);
        var first = await fixture.GraphAsync(HttpMethod.Get, "/identityProtection/riskDetections", token: token);
        var second = await fixture.GraphAsync(HttpMethod.Get, "/identityProtection/riskDetections", token: token);
        first.Status.ShouldBe(200);
        second.Status.ShouldBe(429);
        second.Headers.ShouldNotContainKey("Retry-After");
    }
}
