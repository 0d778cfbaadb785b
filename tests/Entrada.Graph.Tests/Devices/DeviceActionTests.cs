using Entrada.Core;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tests.Devices;

public sealed class DeviceActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "devices";

    private GraphServiceClient Graph => MicrosoftGraph.Client(fixture);

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<List<Device>> DevicesAsync(string filter) =>
        (await Graph.Devices.GetAsync(rc =>
        {
            rc.QueryParameters.Filter = filter;
            rc.QueryParameters.Count = true;
            rc.Headers.Add("ConsistencyLevel", "eventual");
        }))!.Value!;

    [Fact]
    public async Task List_WithAnExtensionAttributeFilter_ReturnsOnlyThoseDevices()
    {
        var all = await fixture.RunAsync("devices.list", Conn);
        all.Items.Count.ShouldBe(fixture.Server.State.GetDeviceIds().Count);

        var byod = await fixture.RunAsync("devices.list", Conn, new { filter = "extensionAttributes/extensionAttribute1 eq 'BYOD-Device'" });

        byod.Items.Count.ShouldBe((await DevicesAsync("extensionAttributes/extensionAttribute1 eq 'BYOD-Device'")).Count);
        byod.Items.Count.ShouldBeGreaterThan(0);
        byod.Items.ShouldAllBe(d => d!["operatingSystem"]!.GetValue<string>() != "Windows");
    }

    [Fact]
    public async Task Disable_ThenAgain_ReportsDoneThenUnchanged_AndEnableRestores_CheckedThroughGraph()
    {
        var ids = (await DevicesAsync("operatingSystem eq 'Windows' and accountEnabled eq true")).Take(3).Select(d => d.Id!).ToArray();

        var first = await fixture.RunAsync("devices.disable", Conn, new { ids });
        first.Value!["done"]!.GetValue<int>().ShouldBe(3);
        foreach (var id in ids)
        {
            (await Graph.Devices[id].GetAsync())!.AccountEnabled.ShouldBe(false);
        }

        var second = await fixture.RunAsync("devices.disable", Conn, new { ids });
        second.Value!["unchanged"]!.GetValue<int>().ShouldBe(3);

        var enabled = await fixture.RunAsync("devices.enable", Conn, new { ids });
        enabled.Value!["done"]!.GetValue<int>().ShouldBe(3);
        (await Graph.Devices[ids[0]].GetAsync())!.AccountEnabled.ShouldBe(true);
    }

    [Fact]
    public async Task Disable_ANonWindowsDevice_WithAnAppRegistration_IsReportedFailedWithWhy_AndNotChanged()
    {
        var phone = (await DevicesAsync("operatingSystem eq 'iOS' and accountEnabled eq true")).First();
        var windows = (await DevicesAsync("operatingSystem eq 'Windows' and accountEnabled eq true")).Last();

        var run = await fixture.RunAsync("devices.disable", Conn, new { ids = new[] { phone.Id, windows.Id } });

        var items = run.Value!["items"]!.AsArray();
        items[0]!["outcome"]!.GetValue<string>().ShouldBe("failed");
        items[0]!["message"]!.GetValue<string>().ShouldContain("iOS");
        items[0]!["message"]!.GetValue<string>().ShouldContain("OAuth connection");
        items[1]!["outcome"]!.GetValue<string>().ShouldBe("done");
        (await Graph.Devices[phone.Id].GetAsync())!.AccountEnabled.ShouldBe(true);
        await fixture.RunAsync("devices.enable", Conn, new { ids = new[] { windows.Id } });
    }

    [Fact]
    public async Task Disable_DryRun_PlansEveryPatch_AndChangesNothing()
    {
        var device = (await DevicesAsync("operatingSystem eq 'Windows' and accountEnabled eq true")).First();

        var run = await fixture.RunAsync("devices.disable", Conn, new { ids = new[] { device.Id } }, dryRun: true);

        var batch = run.Result.PlannedRequests.ShouldHaveSingleItem();
        batch.Target.ShouldEndWith("/$batch");
        var step = batch.Body!["requests"]![0]!;
        step["method"]!.GetValue<string>().ShouldBe("PATCH");
        step["url"]!.GetValue<string>().ShouldBe($"/devices/{device.Id}");
        step["body"]!["accountEnabled"]!.GetValue<bool>().ShouldBeFalse();
        (await Graph.Devices[device.Id].GetAsync())!.AccountEnabled.ShouldBe(true);
    }

    [Fact]
    public async Task Disable_AnUnknownDevice_IsReportedFailed_NamingIt()
    {
        var unknown = Guid.NewGuid().ToString();
        var run = await fixture.RunAsync("devices.disable", Conn, new { ids = new[] { unknown } });
        var item = run.Value!["items"]![0]!;
        item["outcome"]!.GetValue<string>().ShouldBe("failed");
        item["message"]!.GetValue<string>().ShouldContain(unknown);
    }

    [Fact]
    public async Task UserDevices_ListsOwnedAndRegistered_AsGraphHasThem()
    {
        var userId = fixture.Server.State.GetUserIds()[0];
        var owned = (await Graph.Users[userId].OwnedDevices.GetAsync())!.Value!;

        var both = await fixture.RunAsync("users.devices.list", Conn, new { userId });
        var onlyOwned = await fixture.RunAsync("users.devices.list", Conn, new { userId, relation = "owned" });

        onlyOwned.Items.Select(i => i!["id"]!.GetValue<string>()).ShouldBe(owned.Select(o => o.Id!), ignoreOrder: true);
        owned.Count.ShouldBe(3);
        both.Items.Count.ShouldBe(6);
        both.Items.Count(i => i!["relation"]!.GetValue<string>() == "registered").ShouldBe(3);
        both.Items.ShouldContain(i => i!["operatingSystem"]!.GetValue<string>() == "iOS");
    }

    [Fact]
    public async Task UserDevices_OfAnUnknownUser_SaysWhichUserWasNotFound()
    {
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("users.devices.list", Conn, new { userId = $"nobody@{fixture.Server.TenantDomain}" }));
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
        failure.Message.ShouldContain("user 'nobody@");
    }
}
