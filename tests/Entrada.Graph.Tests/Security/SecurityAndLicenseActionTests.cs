using Entrada.Core;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;

namespace Entrada.Graph.Tests.Security;

public sealed class SecurityAndLicenseActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "security";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private IReadOnlyList<string> Users => fixture.Server.State.GetUserIds();

    [Fact]
    public async Task RiskyUsers_ConfirmCompromised_ThenDismiss_ShowInTheNextRead()
    {
        var id = Users[4];
        fixture.Server.State.SetUserRisk(id, "medium", "atRisk");
        (await fixture.RunAsync("risky-users.list", Conn, new { filter = "riskState eq 'atRisk'" })).Items.ShouldContain(u => u!["id"]!.GetValue<string>() == id);

        var confirmed = await fixture.RunAsync("risky-users.confirm-compromised", Conn, new { userIds = new[] { id } });
        confirmed.Value!["done"]!.GetValue<int>().ShouldBe(1);
        var read = await fixture.RunAsync("risky-users.get", Conn, new { id });
        read.Value!["riskState"]!.GetValue<string>().ShouldBe("confirmedCompromised");
        read.Value!["riskLevel"]!.GetValue<string>().ShouldBe("high");

        await fixture.RunAsync("risky-users.dismiss", Conn, new { userIds = new[] { id } });
        (await fixture.RunAsync("risky-users.get", Conn, new { id })).Value!["riskState"]!.GetValue<string>().ShouldBe("dismissed");
        (await fixture.RunAsync("risky-users.history", Conn, new { id })).Items.Count.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task RiskyUsers_Get_ByUpnWithAnApostrophe_IsFoundByAnEscapedFilter()
    {
        var created = await fixture.RunAsync("users.create", Conn, new { displayName = "Dee O'Hara", userPrincipalName = $"dee.o'hara@{fixture.Server.TenantDomain}" });
        var id = created.Value!["user"]!["id"]!.GetValue<string>();
        fixture.Server.State.SetUserRisk(id, "low", "atRisk");
        var read = await fixture.RunAsync("risky-users.get", Conn, new { id = $"dee.o'hara@{fixture.Server.TenantDomain}" });
        read.Value!["id"]!.GetValue<string>().ShouldBe(id);
    }

    [Fact]
    public async Task RiskyUsers_Get_OfAnUnknownUser_SaysSo()
    {
        var id = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("risky-users.get", Conn, new { id }));
        failure.Message.ShouldContain($"risky user '{id}'");
    }

    [Fact]
    public async Task RiskyUsers_ConfirmCompromised_DryRun_PlansOnePostWithTheIds()
    {
        var run = await fixture.RunAsync("risky-users.confirm-compromised", Conn, new { userIds = new[] { Users[9], Users[10] } }, dryRun: true);
        var post = run.Result.PlannedRequests.Single();
        post.Target.ShouldEndWith("/identityProtection/riskyUsers/confirmCompromised");
        post.Body!["userIds"]!.AsArray().Count.ShouldBe(2);
    }

    [Fact]
    public async Task Alerts_List_Get_Update_Comment_ShowInTheNextRead()
    {
        var alerts = await fixture.RunAsync("alerts.list", Conn);
        alerts.Items.Count.ShouldBeGreaterThan(0);
        var alertId = alerts.Items[0]!["id"]!.GetValue<string>();

        var updated = await fixture.RunAsync("alerts.update", Conn, new { alertId, status = "resolved", classification = "truePositive", determination = "malware", assignedTo = "soc@contoso.com" });
        updated.Value!["status"]!.GetValue<string>().ShouldBe("resolved");
        var read = await fixture.RunAsync("alerts.get", Conn, new { alertId });
        read.Value!["classification"]!.GetValue<string>().ShouldBe("truePositive");
        read.Value!["determination"]!.GetValue<string>().ShouldBe("malware");
        read.Value!["assignedTo"]!.GetValue<string>().ShouldBe("soc@contoso.com");

        await fixture.RunAsync("alerts.comment", Conn, new { alertId, comment = "Contained." });
        (await fixture.RunAsync("alerts.get", Conn, new { alertId })).Value!["comments"]!.AsArray().ShouldContain(c => c!["comment"]!.GetValue<string>() == "Contained.");
        (await fixture.RunAsync("alerts.list", Conn, new { filter = "status eq 'resolved'" })).Items.ShouldContain(a => a!["id"]!.GetValue<string>() == alertId);
    }

    [Fact]
    public async Task Alerts_Update_WithAnUnknownStatus_IsRefusedNamingTheField()
    {
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("alerts.update", Conn, new { alertId = "x", status = "closed" }));
        failure.Errors.ShouldContain(e => e.Field == "status");
    }

    [Fact]
    public async Task Alerts_Get_OfAnUnknownAlert_SaysWhichAlert()
    {
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("alerts.get", Conn, new { alertId = "no-such-alert" }));
        failure.Message.ShouldContain("alert 'no-such-alert'");
    }

    [Fact]
    public async Task Licenses_Assign_ThenAgain_ReportsDoneThenUnchanged_AndRemoveTakesItAway()
    {
        var skus = await fixture.RunAsync("licenses.list-skus", Conn);
        skus.Items.Count.ShouldBeGreaterThan(0);
        var skuId = skus.Items[0]!["skuId"]!.GetValue<Guid>();
        var user = Users[12];
        await fixture.RunAsync("users.update", Conn, new { id = user, usageLocation = "US" });
        await fixture.RunAsync("licenses.remove", Conn, new { userIds = new[] { user }, skuIds = new[] { skuId } });

        var assigned = await fixture.RunAsync("licenses.assign", Conn, new { userIds = new[] { user }, skuIds = new[] { skuId } });
        assigned.Value!["done"]!.GetValue<int>().ShouldBe(1);
        (await fixture.RunAsync("users.list-licenses", Conn, new { id = user })).Items.ShouldContain(l => l!["skuId"]!.GetValue<Guid>() == skuId);
        fixture.Server.State.FindUser(user)!.SkuIds.ShouldContain(skuId.ToString());

        var again = await fixture.RunAsync("licenses.assign", Conn, new { userIds = new[] { user }, skuIds = new[] { skuId } });
        again.Value!["unchanged"]!.GetValue<int>().ShouldBe(1);

        var removed = await fixture.RunAsync("licenses.remove", Conn, new { userIds = new[] { user }, skuIds = new[] { skuId } });
        removed.Value!["done"]!.GetValue<int>().ShouldBe(1);
        fixture.Server.State.FindUser(user)!.SkuIds.ShouldNotContain(skuId.ToString());
    }

    [Fact]
    public async Task Directory_Organization_Roles_AndMembers_Answer()
    {
        var org = await fixture.RunAsync("directory.organization", Conn);
        org.Items.Single()!["id"]!.GetValue<string>().ShouldBe(fixture.Server.TenantId);
        var roles = await fixture.RunAsync("directory.roles.list", Conn);
        roles.Items.Count.ShouldBeGreaterThan(0);
        await fixture.RunAsync("directory.roles.members", Conn, new { roleId = roles.Items[0]!["id"]!.GetValue<string>() });
    }

    [Fact]
    public async Task GraphRequest_SendsAnyCall_OnTheConnectionsEndpoint()
    {
        var run = await fixture.RunAsync("graph.request", Conn, new { method = "GET", path = "/users?$top=2&$select=id" });
        run.Value!["body"]!["value"]!.AsArray().Count.ShouldBe(2);
        var refused = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("graph.request", Conn, new { method = "GET", path = "https://evil.example/steal" }));
        refused.Errors.ShouldContain(e => e.Field == "path");
    }

    [Fact]
    public async Task Alerts_Comment_DryRun_PlansOneAlertCommentObject()
    {
        var run = await fixture.RunAsync("alerts.comment", Conn, new { alertId = "a1", comment = "Contained." }, dryRun: true);
        var post = run.Result.PlannedRequests.Single();
        post.Target.ShouldEndWith("/security/alerts_v2/a1/comments");
        post.Body!["comment"]!.GetValue<string>().ShouldBe("Contained.");
    }

    [Fact]
    public async Task Licenses_Assign_ToSeveralUsers_SendsTheFullBodyForEach()
    {
        var skuId = (await fixture.RunAsync("licenses.list-skus", Conn)).Items[^1]!["skuId"]!.GetValue<Guid>();
        var users = new[] { Users[13], Users[14], Users[15] };
        foreach (var user in users)
        {
            await fixture.RunAsync("users.update", Conn, new { id = user, usageLocation = "GB" });
        }

        await fixture.RunAsync("licenses.remove", Conn, new { userIds = users, skuIds = new[] { skuId } });
        var run = await fixture.RunAsync("licenses.assign", Conn, new { userIds = users, skuIds = new[] { skuId } });
        run.Value!["done"]!.GetValue<int>().ShouldBe(3);
        foreach (var user in users)
        {
            fixture.Server.State.FindUser(user)!.SkuIds.ShouldContain(skuId.ToString());
        }
    }
}
