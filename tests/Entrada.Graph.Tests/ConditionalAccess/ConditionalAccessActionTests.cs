using Entrada.Core;
using Entrada.Emulator;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;

namespace Entrada.Graph.Tests.ConditionalAccess;

/// <summary>Conditional access policies and named locations against the emulated tenant; end states read from the tenant.</summary>
public sealed class ConditionalAccessActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "conditional-access";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private EmulatedNamedLocation Location(string id) => fixture.Server.State.GetNamedLocations().Single(l => l.Id == id);

    private async Task<string> NewIpLocationAsync(params string[] ranges) =>
        (await fixture.RunAsync("named-locations.create", Conn, new { displayName = "Test " + Guid.NewGuid().ToString("N")[..6], ranges })).Value!["id"]!.GetValue<string>();

    [Fact]
    public async Task Policies_ListAndGet_ShowStateConditionsAndControls()
    {
        var all = await fixture.RunAsync("conditional-access.policies.list", Conn);
        all.Items.Select(p => p!["id"]!.GetValue<string>()).ShouldBe(fixture.Server.State.GetConditionalAccessPolicyIds());
        all.Items.Select(p => p!["state"]!.GetValue<string>()).ShouldContain("enabledForReportingButNotEnforced");
        all.Items.Select(p => p!["state"]!.GetValue<string>()).ShouldContain("enabled");

        var enabled = await fixture.RunAsync("conditional-access.policies.list", Conn, new { filter = "state eq 'enabled'" });
        enabled.Items.ShouldAllBe(p => p!["state"]!.GetValue<string>() == "enabled");

        var blocking = all.Items.Single(p => p!["grantControls"]!.AsArray().Any(c => c!.GetValue<string>() == "block"))!;
        var read = await fixture.RunAsync("conditional-access.policies.get", Conn, new { id = blocking["id"]!.GetValue<string>() });
        var country = fixture.Server.State.GetNamedLocations().Single(l => l.DisplayName == "Blocked countries");
        read.Value!["includeLocations"]!.AsArray().Select(l => l!.GetValue<string>()).ShouldBe([country.Id]);
        read.Value["includeUsers"]!.AsArray().Select(u => u!.GetValue<string>()).ShouldBe(["All"]);
        read.Value["grantOperator"]!.GetValue<string>().ShouldBe("OR");
    }

    [Fact]
    public async Task Policies_GetOfAnUnknownPolicy_SaysWhichWasNotFound()
    {
        var id = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("conditional-access.policies.get", Conn, new { id }));
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
        failure.Message.ShouldContain($"conditional access policy '{id}'");
    }

    [Fact]
    public async Task NamedLocations_List_ShowsIpAndCountryLocations_AndFiltersThemByType()
    {
        var all = await fixture.RunAsync("named-locations.list", Conn);
        all.Items.Select(l => l!["id"]!.GetValue<string>()).ShouldBe(fixture.Server.State.GetNamedLocations().Select(l => l.Id), ignoreOrder: true);
        all.Items.Select(l => l!["type"]!.GetValue<string>()).Distinct().ShouldBe(["ip", "country"], ignoreOrder: true);

        var ip = await fixture.RunAsync("named-locations.list", Conn, new { filter = "isof('microsoft.graph.ipNamedLocation')" });
        ip.Items.ShouldNotBeEmpty();
        ip.Items.ShouldAllBe(l => l!["type"]!.GetValue<string>() == "ip" && l["ipRanges"]!.AsArray().Count > 0);

        var canada = await fixture.RunAsync("named-locations.list", Conn, new { filter = "microsoft.graph.countryNamedLocation/countriesAndRegions/any(c: c eq 'CA')" });
        canada.Items.Select(l => l!["displayName"]!.GetValue<string>()).ShouldBe(["Head office countries"]);
    }

    [Fact]
    public async Task NamedLocations_Create_Get_Update_Delete_EachShowsInTheTenant()
    {
        var created = await fixture.RunAsync("named-locations.create", Conn, new { displayName = "Incident 42", ranges = new[] { "192.0.2.10/32", "2001:db8:42::/48" } });
        var id = created.Value!["id"]!.GetValue<string>();
        Location(id).Ranges.ShouldBe(["192.0.2.10/32", "2001:db8:42::/48"]);
        (await fixture.RunAsync("named-locations.get", Conn, new { id })).Value!["isTrusted"]!.GetValue<bool>().ShouldBeFalse();

        var countries = await fixture.RunAsync("named-locations.create", Conn, new { displayName = "Travel", countriesAndRegions = new[] { "FR", "DE" } });
        Location(countries.Value!["id"]!.GetValue<string>()).Countries.ShouldBe(["FR", "DE"]);

        await fixture.RunAsync("named-locations.update", Conn, new { id, displayName = "Incident 42 (contained)", isTrusted = false });
        Location(id).DisplayName.ShouldBe("Incident 42 (contained)");
        await fixture.RunAsync("named-locations.update", Conn, new { id = countries.Value!["id"]!.GetValue<string>(), countriesAndRegions = new[] { "FR" } });
        Location(countries.Value!["id"]!.GetValue<string>()).Countries.ShouldBe(["FR"]);

        (await fixture.RunAsync("named-locations.delete", Conn, new { id })).Value!["deleted"]!.GetValue<bool>().ShouldBeTrue();
        fixture.Server.State.GetNamedLocations().ShouldNotContain(l => l.Id == id);
        var gone = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("named-locations.get", Conn, new { id }));
        gone.Message.ShouldContain($"named location '{id}'");
    }

    [Fact]
    public async Task AddRanges_AddsTheNewOnes_ReportsThePresentOne_AndKeepsTheOthers()
    {
        var id = await NewIpLocationAsync("203.0.113.0/24", "2001:db8:1::/48");

        var run = await fixture.RunAsync("named-locations.add-ranges", Conn, new { id, ranges = new[] { "203.0.113.0/24", "198.51.100.7/32", "2001:db8:bad::/48" } });

        run.Value!["changed"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["198.51.100.7/32", "2001:db8:bad::/48"]);
        run.Value["unchanged"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["203.0.113.0/24"]);
        run.Value["updated"]!.GetValue<bool>().ShouldBeTrue();
        Location(id).Ranges.ShouldBe(["203.0.113.0/24", "2001:db8:1::/48", "198.51.100.7/32", "2001:db8:bad::/48"]);
    }

    [Fact]
    public async Task AddRanges_AllPresentInAnotherSpelling_SendsNoPatch()
    {
        var id = await NewIpLocationAsync("2001:db8:0:0::/64");
        var patches = fixture.Requests.Count("PATCH ");

        var run = await fixture.RunAsync("named-locations.add-ranges", Conn, new { id, ranges = new[] { "2001:db8::/64" } });

        run.Value!["updated"]!.GetValue<bool>().ShouldBeFalse();
        run.Value["unchanged"]!.AsArray().Count.ShouldBe(1);
        fixture.Requests.Count("PATCH ").ShouldBe(patches);
        Location(id).Ranges.ShouldBe(["2001:db8:0:0::/64"]);
    }

    [Fact]
    public async Task AddRanges_ThrottledOnce_WaitsAsGraphAsks_AndAddsTheRange()
    {
        var id = await NewIpLocationAsync("192.0.2.30/32");
        await fixture.InjectAsync(429, 1, "/namedLocations/" + id, retryAfterSeconds: 1);
        var waits = new List<string>();

        await fixture.RunAsync("named-locations.add-ranges", Conn, new { id, ranges = new[] { "192.0.2.31/32" } }, progress: new SynchronousProgress(p => { if (p.Message is { } m) { waits.Add(m); } }));

        waits.ShouldContain(m => m.Contains("429", StringComparison.Ordinal) || m.Contains("throttl", StringComparison.Ordinal));
        Location(id).Ranges.ShouldBe(["192.0.2.30/32", "192.0.2.31/32"]);
    }

    [Fact]
    public async Task RemoveRanges_RemovesThePresentOne_ReportsTheAbsentOne()
    {
        var id = await NewIpLocationAsync("192.0.2.1/32", "192.0.2.2/32");

        var run = await fixture.RunAsync("named-locations.remove-ranges", Conn, new { id, ranges = new[] { "192.0.2.1/32", "10.9.9.9/32" } });

        run.Value!["changed"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["192.0.2.1/32"]);
        run.Value["unchanged"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["10.9.9.9/32"]);
        Location(id).Ranges.ShouldBe(["192.0.2.2/32"]);
    }

    [Fact]
    public async Task RemoveRanges_OfEveryRange_IsRefused_AndChangesNothing()
    {
        var id = await NewIpLocationAsync("192.0.2.3/32");
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("named-locations.remove-ranges", Conn, new { id, ranges = new[] { "192.0.2.3/32" } }));
        failure.Message.ShouldContain("with none");
        Location(id).Ranges.ShouldBe(["192.0.2.3/32"]);
    }

    [Fact]
    public async Task AddRanges_DryRun_PlansTheWholeList_AndChangesNothing()
    {
        var id = await NewIpLocationAsync("192.0.2.4/32");

        var run = await fixture.RunAsync("named-locations.add-ranges", Conn, new { id, ranges = new[] { "192.0.2.5/32" } }, dryRun: true);

        var patch = run.Result.PlannedRequests.Single();
        patch.Method.ShouldBe("PATCH");
        patch.Target.ShouldEndWith($"/identity/conditionalAccess/namedLocations/{id}");
        patch.Body!["@odata.type"]!.GetValue<string>().ShouldBe("#microsoft.graph.ipNamedLocation");
        patch.Body["ipRanges"]!.AsArray().Select(r => r!["cidrAddress"]!.GetValue<string>()).ShouldBe(["192.0.2.4/32", "192.0.2.5/32"]);
        Location(id).Ranges.ShouldBe(["192.0.2.4/32"]);
    }

    [Theory]
    [InlineData("300.1.1.1/24")]
    [InlineData("10.0.0.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("10.0.0.0")]
    [InlineData("10.0.0.0/0")]
    [InlineData("bogus/24")]
    public async Task AddRanges_WithAnInvalidCidr_IsRefusedBeforeAnyCall_NamingIt(string cidr)
    {
        var id = fixture.Server.State.GetNamedLocations().First(l => l.Kind == "ip").Id;
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("named-locations.add-ranges", Conn, new { id, ranges = new[] { "192.0.2.9/32", cidr } }));
        failure.Errors.ShouldContain(e => e.Field == "ranges[1]" && e.Message.Contains(cidr));
    }

    [Fact]
    public async Task Create_WithBothRangesAndCountries_OrAnInvalidCountry_IsRefused()
    {
        (await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("named-locations.create", Conn, new { displayName = "x", ranges = new[] { "192.0.2.1/32" }, countriesAndRegions = new[] { "US" } })))
            .Errors.ShouldContain(e => e.Field == "input");
        (await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("named-locations.create", Conn, new { displayName = "x", countriesAndRegions = new[] { "usa" } })))
            .Errors.ShouldContain(e => e.Field == "countriesAndRegions[0]");
    }

    [Fact]
    public async Task AddRanges_ToACountryLocation_IsRefusedClearly()
    {
        var id = fixture.Server.State.GetNamedLocations().First(l => l.Kind == "country").Id;
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("named-locations.add-ranges", Conn, new { id, ranges = new[] { "192.0.2.1/32" } }));
        failure.Message.ShouldContain("country location");
    }

    [Fact]
    public async Task AddRanges_ToAnUnknownLocation_SaysWhichWasNotFound()
    {
        var id = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("named-locations.add-ranges", Conn, new { id, ranges = new[] { "192.0.2.1/32" } }));
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
        failure.Message.ShouldContain($"named location '{id}'");
    }

    [Fact]
    public async Task Delete_OfALocationAPolicyUses_IsRefusedByGraph_SayingWhy()
    {
        var used = fixture.Server.State.GetNamedLocations().Single(l => l.DisplayName == "Blocked countries");
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("named-locations.delete", Conn, new { id = used.Id }));
        failure.Status.ShouldBe(400);
        failure.Message.ShouldContain("referenced by conditional access policies");
        failure.Message.ShouldContain("conditional-access.policies.list");
        fixture.Server.State.GetNamedLocations().ShouldContain(l => l.Id == used.Id);
    }

    [Fact]
    public async Task Delete_DryRun_PlansTheDelete_AndKeepsTheLocation()
    {
        var id = await NewIpLocationAsync("192.0.2.77/32");
        var run = await fixture.RunAsync("named-locations.delete", Conn, new { id }, dryRun: true);
        run.Result.PlannedRequests.Single().Method.ShouldBe("DELETE");
        fixture.Server.State.GetNamedLocations().ShouldContain(l => l.Id == id);
    }

    [Fact]
    public async Task AddRanges_WithReadButNotWritePermission_IsRefused_NamingTheMissingOne()
    {
        fixture.Server.State.SetAppPermission(fixture.NoConsent.ClientId, "Policy.Read.All", true).ShouldBeTrue();
        await fixture.SavedAsync(fixture.SecretConnection("ca-read-only", fixture.NoConsent));
        var id = fixture.Server.State.GetNamedLocations().First(l => l.Kind == "ip").Id;

        (await fixture.RunAsync("named-locations.get", "ca-read-only", new { id })).Value!["id"]!.GetValue<string>().ShouldBe(id);
        var failure = await Should.ThrowAsync<PermissionMissingException>(() => fixture.RunAsync("named-locations.add-ranges", "ca-read-only", new { id, ranges = new[] { "192.0.2.1/32" } }));
        failure.Permission.ShouldBe("Policy.ReadWrite.ConditionalAccess");
        Location(id).Ranges.ShouldNotContain("192.0.2.1/32");
    }
}
