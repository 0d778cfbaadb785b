using Entrada.Graph.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tests.ServicePrincipals;

public sealed class ServicePrincipalActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "sps";

    private GraphServiceClient Graph => MicrosoftGraph.Client(fixture);

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<ServicePrincipal> NamedAsync(string name) =>
        (await Graph.ServicePrincipals.GetAsync(rc => rc.QueryParameters.Filter = $"displayName eq '{name}'"))!.Value!.Single();

    [Fact]
    public async Task List_ShowsTheTenantsEnterpriseApps_AndMicrosoftGraph()
    {
        var run = await fixture.RunAsync("service-principals.list", Conn);

        var names = run.Items.Select(i => i!["displayName"]!.GetValue<string>()).ToList();
        names.ShouldContain("Microsoft Graph");
        names.ShouldContain("demo");
        run.Items.Single(i => i!["displayName"]!.GetValue<string>() == "Microsoft Graph")!["appId"]!.GetValue<string>().ShouldBe("00000003-0000-0000-c000-000000000000");
        run.Items.Count.ShouldBe((await Graph.ServicePrincipals.GetAsync())!.Value!.Count);
    }

    [Fact]
    public async Task Disable_ThenAgain_ReportsDoneThenUnchanged_AndEnableRestores_CheckedThroughGraph()
    {
        var sp = await NamedAsync("Legacy Intranet");

        var first = await fixture.RunAsync("service-principals.disable", Conn, new { ids = new[] { sp.Id } });
        first.Value!["done"]!.GetValue<int>().ShouldBe(1);
        (await Graph.ServicePrincipals[sp.Id].GetAsync())!.AccountEnabled.ShouldBe(false);
        (await fixture.RunAsync("service-principals.list", Conn, new { filter = "accountEnabled eq false" })).Items.ShouldContain(i => i!["id"]!.GetValue<string>() == sp.Id);

        var second = await fixture.RunAsync("service-principals.disable", Conn, new { ids = new[] { sp.Id } });
        second.Value!["unchanged"]!.GetValue<int>().ShouldBe(1);

        await fixture.RunAsync("service-principals.enable", Conn, new { ids = new[] { sp.Id } });
        (await Graph.ServicePrincipals[sp.Id].GetAsync())!.AccountEnabled.ShouldBe(true);
    }

    [Fact]
    public async Task Disable_DryRun_PlansThePatch_AndChangesNothing()
    {
        var sp = await NamedAsync("Tailspin Ticketing");

        var run = await fixture.RunAsync("service-principals.disable", Conn, new { ids = new[] { sp.Id } }, dryRun: true);

        var step = run.Result.PlannedRequests.ShouldHaveSingleItem().Body!["requests"]![0]!;
        step["method"]!.GetValue<string>().ShouldBe("PATCH");
        step["url"]!.GetValue<string>().ShouldBe($"/servicePrincipals/{sp.Id}");
        (await Graph.ServicePrincipals[sp.Id].GetAsync())!.AccountEnabled.ShouldBe(true);
    }

    [Fact]
    public async Task Disable_AnUnknownServicePrincipal_IsReportedFailed_NamingIt()
    {
        var known = await NamedAsync("Northwind Reporting");
        var unknown = Guid.NewGuid().ToString();
        var run = await fixture.RunAsync("service-principals.disable", Conn, new { ids = new[] { unknown, known.Id } });
        var items = run.Value!["items"]!.AsArray();
        items[0]!["outcome"]!.GetValue<string>().ShouldBe("failed");
        items[0]!["message"]!.GetValue<string>().ShouldContain(unknown);
        items[1]!["outcome"]!.GetValue<string>().ShouldBe("done");
        await fixture.RunAsync("service-principals.enable", Conn, new { ids = new[] { known.Id } });
    }
}

/// <summary>A tenant large enough for bulk runs: 200 users (so 200 Windows devices) and 200 more enterprise apps.</summary>
public sealed class BulkAppsFixture : GraphFixture
{
    protected override Entrada.Emulator.EmulatorOptions Options => new() { Users = 200, Groups = 2, Throttle = Entrada.Emulator.ThrottleMode.Off };
}

public sealed class BulkDisableTests(BulkAppsFixture fixture) : IClassFixture<BulkAppsFixture>, IAsyncLifetime
{
    private const string Conn = "bulk-apps";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Disable200ServicePrincipals_GoesThroughBatches_AndGraphShowsEveryOneDisabled()
    {
        var ids = fixture.Server.State.AddEnterpriseApps(200, "Bulk app");
        var batchesBefore = fixture.Requests.Count("/$batch");

        var run = await fixture.RunAsync("service-principals.disable", Conn, new { ids });

        run.Value!["done"]!.GetValue<int>().ShouldBe(200);
        (fixture.Requests.Count("/$batch") - batchesBefore).ShouldBeGreaterThanOrEqualTo(10);
        var graph = MicrosoftGraph.Client(fixture);
        var disabled = await graph.ServicePrincipals.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = "accountEnabled eq false";
            rc.QueryParameters.Top = 999;
        });
        disabled!.Value!.Select(s => s.Id).ShouldBe(ids, ignoreOrder: true);
    }

    [Fact]
    public async Task Disable200Devices_GoesThroughBatches_AndGraphShowsEveryOneDisabled()
    {
        var graph = MicrosoftGraph.Client(fixture);
        var windows = await graph.Devices.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = "operatingSystem eq 'Windows'";
            rc.QueryParameters.Top = 999;
        });
        var ids = windows!.Value!.Select(d => d.Id!).ToList();
        ids.Count.ShouldBe(200);
        var alreadyDisabled = windows.Value!.Count(d => d.AccountEnabled == false);

        var run = await fixture.RunAsync("devices.disable", Conn, new { ids });

        run.Value!["done"]!.GetValue<int>().ShouldBe(200 - alreadyDisabled);
        run.Value!["unchanged"]!.GetValue<int>().ShouldBe(alreadyDisabled);
        var after = await graph.Devices.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = "operatingSystem eq 'Windows' and accountEnabled eq false";
            rc.QueryParameters.Top = 999;
        });
        after!.Value!.Count.ShouldBe(200);
    }
}

/// <summary>A disabled enterprise app gets no tokens: what service-principals.disable is for, seen from the app's side.</summary>
public sealed class DisabledAppSignInTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection("sign-in-admin"));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DisablingTheServicePrincipalOfAnApp_StopsItSigningIn_AndEnablingLetsItBackIn()
    {
        var graph = MicrosoftGraph.Client(fixture);
        var sp = (await graph.ServicePrincipals.GetAsync(rc => rc.QueryParameters.Filter = $"appId eq '{fixture.NoConsent.ClientId}'"))!.Value!.Single();

        await fixture.RunAsync("service-principals.disable", "sign-in-admin", new { ids = new[] { sp.Id } });

        var refused = await fixture.TestAsync(fixture.SecretConnection("disabled-app", fixture.NoConsent));
        refused.Authenticated.ShouldBeFalse();
        System.Text.Json.JsonSerializer.Serialize(refused).ShouldContain("AADSTS7000112");

        await fixture.RunAsync("service-principals.enable", "sign-in-admin", new { ids = new[] { sp.Id } });

        (await fixture.TestAsync(fixture.SecretConnection("enabled-app", fixture.NoConsent))).Authenticated.ShouldBeTrue();
    }
}
