using Azure.Core;
using Azure.Identity;
using Entrada.Emulator.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Applications.Item.AddPassword;
using Microsoft.Graph.Applications.Item.RemovePassword;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Emulator.Tests.Sdk;

/// <summary>App registrations, service principals, managers and devices through Microsoft's GraphServiceClient, unchanged.</summary>
public sealed class AppsAndDevicesSdkTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly GraphServiceClient _graph = GraphClients.Create(fixture.Server, fixture.Credential());

    private async Task<Application> DemoAppAsync() =>
        (await _graph.Applications.GetAsync(c => c.QueryParameters.Filter = $"appId eq '{fixture.Demo.ClientId}'"))!.Value!.Single();

    [Fact]
    public async Task Applications_TheSeededTenantHasTheEmulatorsAppsAndOnesWithExpiringCredentials()
    {
        var apps = (await _graph.Applications.GetAsync())!.Value!;

        apps.Select(a => a.AppId).ShouldContain(fixture.Demo.ClientId);
        apps.Select(a => a.AppId).ShouldContain(fixture.NoConsent.ClientId);
        var ends = apps.SelectMany(a => (a.PasswordCredentials ?? []).Select(p => p.EndDateTime!.Value).Concat((a.KeyCredentials ?? []).Select(k => k.EndDateTime!.Value))).ToList();
        var now = DateTimeOffset.UtcNow;
        ends.ShouldContain(e => e < now);
        ends.ShouldContain(e => e > now && e < now.AddDays(30));
        ends.ShouldContain(e => e > now.AddDays(30));
        apps.ShouldContain(a => a.KeyCredentials!.Count > 0);
        apps.SelectMany(a => a.PasswordCredentials ?? []).ShouldAllBe(p => p.SecretText == null);
    }

    [Fact]
    public async Task AddPassword_AnswersTheSecretOnce_ItSignsIn_AndRemovePasswordRevokesIt()
    {
        var demo = await DemoAppAsync();

        var added = await _graph.Applications[demo.Id].AddPassword.PostAsync(new AddPasswordPostRequestBody { PasswordCredential = new PasswordCredential { DisplayName = "rotated", EndDateTime = DateTimeOffset.UtcNow.AddDays(90) } });

        added!.SecretText.ShouldNotBeNullOrEmpty();
        added.Hint.ShouldBe(added.SecretText![..3]);
        (await _graph.Applications[demo.Id].GetAsync())!.PasswordCredentials!.Single(p => p.KeyId == added.KeyId).SecretText.ShouldBeNull();
        var token = await fixture.Credential(secret: added.SecretText).GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), default);
        token.Token.ShouldNotBeNullOrEmpty();

        await _graph.Applications[demo.Id].RemovePassword.PostAsync(new RemovePasswordPostRequestBody { KeyId = added.KeyId });

        var refused = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.Credential(secret: added.SecretText).GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), default).AsTask());
        refused.ToString().ShouldContain("AADSTS7000215");
    }

    [Fact]
    public async Task RemovePassword_OfAKeyIdTheAppDoesNotHave_Is404()
    {
        var demo = await DemoAppAsync();
        var error = await Should.ThrowAsync<ODataError>(() => _graph.Applications[demo.Id].RemovePassword.PostAsync(new RemovePasswordPostRequestBody { KeyId = Guid.NewGuid() }));
        error.ResponseStatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task ServicePrincipals_IncludeMicrosoftGraph_AndAccountEnabledRoundTrips()
    {
        var graph = (await _graph.ServicePrincipals.GetAsync(c => c.QueryParameters.Filter = "appId eq '00000003-0000-0000-c000-000000000000'"))!.Value!.Single();
        graph.DisplayName.ShouldBe("Microsoft Graph");

        var sp = (await _graph.ServicePrincipals.GetAsync(c => c.QueryParameters.Filter = "displayName eq 'Tailspin Ticketing'"))!.Value!.Single();
        await _graph.ServicePrincipals[sp.Id].PatchAsync(new ServicePrincipal { AccountEnabled = false });
        (await _graph.ServicePrincipals[sp.Id].GetAsync())!.AccountEnabled.ShouldBe(false);
        await _graph.ServicePrincipals[sp.Id].PatchAsync(new ServicePrincipal { AccountEnabled = true });
        (await _graph.ServicePrincipals[sp.Id].GetAsync())!.AccountEnabled.ShouldBe(true);
    }

    [Fact]
    public async Task Manager_PutGetDelete_AndDirectReportsFollow()
    {
        var ids = fixture.Server.State.GetUserIds();
        var user = ids[17];
        var manager = ids[22];

        await _graph.Users[user].Manager.Ref.PutAsync(new ReferenceUpdate { OdataId = $"{fixture.Server.GraphEndpoint}/users/{manager}" });
        ((User)(await _graph.Users[user].Manager.GetAsync())!).Id.ShouldBe(manager);
        (await _graph.Users[manager].DirectReports.GetAsync())!.Value!.OfType<User>().Select(u => u.Id).ShouldContain(user);

        await _graph.Users[user].Manager.Ref.DeleteAsync();
        var none = await Should.ThrowAsync<ODataError>(() => _graph.Users[user].Manager.GetAsync());
        none.ResponseStatusCode.ShouldBe(404);
        var self = await Should.ThrowAsync<ODataError>(() => _graph.Users[user].Manager.Ref.PutAsync(new ReferenceUpdate { OdataId = $"{fixture.Server.GraphEndpoint}/users/{user}" }));
        self.ResponseStatusCode.ShouldBe(400);
    }

    [Fact]
    public async Task Devices_FilterByExtensionAttribute_AndAUsersOwnedDevicesAreDevices()
    {
        var byod = await _graph.Devices.GetAsync(c =>
        {
            c.QueryParameters.Filter = "extensionAttributes/extensionAttribute1 eq 'BYOD-Device'";
            c.QueryParameters.Count = true;
            c.Headers.Add("ConsistencyLevel", "eventual");
        });
        byod!.OdataCount.ShouldBe(byod.Value!.Count);
        byod.Value.Count.ShouldBeGreaterThan(0);
        byod.Value.ShouldAllBe(d => d.OperatingSystem != "Windows");

        var owned = await _graph.Users[fixture.Server.State.GetUserIds()[0]].OwnedDevices.GetAsync();
        owned!.Value!.ShouldAllBe(d => d is Device);
        owned.Value!.OfType<Device>().Select(d => d.OperatingSystem).ShouldBe(["Windows", "iOS", "Android"], ignoreOrder: true);
    }

    [Fact]
    public async Task Devices_AnAppMayChangeOnlyExtensionAttributesOfANonWindowsDevice()
    {
        var phone = (await _graph.Devices.GetAsync(c => c.QueryParameters.Filter = "operatingSystem eq 'Android'"))!.Value!.First();

        var refused = await Should.ThrowAsync<ODataError>(() => _graph.Devices[phone.Id].PatchAsync(new Device { AccountEnabled = false }));
        refused.ResponseStatusCode.ShouldBe(403);

        // The v1.0 SDK's device has no extensionAttributes member, so this part goes over HTTP as Graph documents it.
        var token = await fixture.AppTokenAsync();
        (await fixture.GraphAsync(HttpMethod.Patch, $"/devices/{phone.Id}", """{"extensionAttributes":{"extensionAttribute2":"lost"}}""", token)).Status.ShouldBe(204);
        var attributes = (await fixture.GraphAsync(HttpMethod.Get, $"/devices/{phone.Id}?$select=extensionAttributes", token: token)).Json!["extensionAttributes"]!;
        attributes["extensionAttribute2"]!.GetValue<string>().ShouldBe("lost");
        attributes["extensionAttribute1"]!.GetValue<string>().ShouldBe("BYOD-Device");
        var read = await _graph.Devices[phone.Id].GetAsync();
        read!.AccountEnabled.ShouldBe(true);
    }

    [Fact]
    public async Task Applications_WithoutApplicationPermission_Are403()
    {
        var noConsent = GraphClients.Create(fixture.Server, fixture.Credential(fixture.NoConsent));
        var refused = await Should.ThrowAsync<ODataError>(() => noConsent.Applications.GetAsync());
        refused.ResponseStatusCode.ShouldBe(403);
        (await Should.ThrowAsync<ODataError>(() => noConsent.Devices.GetAsync())).ResponseStatusCode.ShouldBe(403);
    }
}
