using Entrada.Emulator.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Emulator.Tests.Sdk;

/// <summary>Role management and conditional access through Microsoft.Graph's GraphServiceClient, unchanged.</summary>
public sealed class AccessSdkTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private const string GlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10";
    private const string UserAdministrator = "fe930be7-5e62-47db-91af-98c3a49a38b1";

    private readonly GraphServiceClient _graph = GraphClients.Create(fixture.Server, fixture.Credential());

    [Fact]
    public async Task RoleDefinitions_AreGraphsBuiltInsByTemplateId_WithPermissions()
    {
        var page = await _graph.RoleManagement.Directory.RoleDefinitions.GetAsync();

        var global = page!.Value!.Single(d => d.Id == GlobalAdministrator);
        global.TemplateId.ShouldBe(GlobalAdministrator);
        global.IsBuiltIn.ShouldBe(true);
        global.DisplayName.ShouldBe("Global Administrator");
        global.RolePermissions!.Single().AllowedResourceActions!.ShouldNotBeEmpty();
        page.Value!.ShouldContain(d => d.IsBuiltIn == false);
    }

    [Fact]
    public async Task RoleAssignments_FilteredAndExpanded_NameEachGlobalAdministrator_AsTheDirectoryRoleDoes()
    {
        var page = await _graph.RoleManagement.Directory.RoleAssignments.GetAsync(c =>
        {
            c.QueryParameters.Filter = $"roleDefinitionId eq '{GlobalAdministrator}'";
            c.QueryParameters.Expand = ["principal"];
        });

        var holders = page!.Value!;
        holders.Count.ShouldBeGreaterThanOrEqualTo(3);
        holders.ShouldAllBe(a => a.RoleDefinitionId == GlobalAdministrator && a.DirectoryScopeId == "/" && a.Principal is User && a.Principal.Id == a.PrincipalId);
        var role = (await _graph.DirectoryRoles.GetAsync())!.Value!.Single(r => r.RoleTemplateId == GlobalAdministrator);
        var members = (await _graph.DirectoryRoles[role.Id].Members.GetAsync())!.Value!;
        members.Select(m => m.Id).ShouldBe(holders.Select(h => h.PrincipalId), ignoreOrder: true);

        var one = await _graph.RoleManagement.Directory.RoleAssignments[holders[0].Id].GetAsync(c => c.QueryParameters.Expand = ["roleDefinition"]);
        one!.RoleDefinition!.DisplayName.ShouldBe("Global Administrator");
    }

    [Fact]
    public async Task RoleAssignment_CreateTwice_ThenDelete_KeepsTheDirectoryRoleInStep()
    {
        var userId = fixture.Server.State.GetUserIds()[15];
        var created = await _graph.RoleManagement.Directory.RoleAssignments.PostAsync(new UnifiedRoleAssignment { RoleDefinitionId = UserAdministrator, PrincipalId = userId, DirectoryScopeId = "/" });
        created!.Id.ShouldNotBeNullOrEmpty();
        var role = (await _graph.DirectoryRoles.GetAsync())!.Value!.Single(r => r.RoleTemplateId == UserAdministrator);
        (await _graph.DirectoryRoles[role.Id].Members.GetAsync())!.Value!.Select(m => m.Id).ShouldContain(userId);

        var twice = await Should.ThrowAsync<ODataError>(() => _graph.RoleManagement.Directory.RoleAssignments.PostAsync(new UnifiedRoleAssignment { RoleDefinitionId = UserAdministrator, PrincipalId = userId, DirectoryScopeId = "/" }));
        twice.ResponseStatusCode.ShouldBe(400);
        twice.Error!.Message!.ShouldContain("conflicting object");

        await _graph.RoleManagement.Directory.RoleAssignments[created.Id].DeleteAsync();
        (await _graph.DirectoryRoles[role.Id].Members.GetAsync())!.Value!.Select(m => m.Id).ShouldNotContain(userId);
        var gone = await Should.ThrowAsync<ODataError>(() => _graph.RoleManagement.Directory.RoleAssignments[created.Id].GetAsync());
        gone.ResponseStatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task DirectoryRoleMembers_AddedThroughDirectoryRoles_ShowAsRoleAssignments_AndADeletedUserHoldsNone()
    {
        var userId = fixture.Server.State.GetUserIds()[16];
        var role = (await _graph.DirectoryRoles.GetAsync())!.Value!.Single(r => r.RoleTemplateId == UserAdministrator);
        await _graph.DirectoryRoles[role.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{userId}" });

        var held = await _graph.RoleManagement.Directory.RoleAssignments.GetAsync(c => c.QueryParameters.Filter = $"principalId eq '{userId}'");
        held!.Value!.Single().RoleDefinitionId.ShouldBe(UserAdministrator);

        await _graph.Users[userId].DeleteAsync();
        fixture.Server.State.GetRoleAssignments().ShouldNotContain(a => a.PrincipalId == userId);
    }

    [Fact]
    public async Task RoleAssignments_FilterWrittenWithSpacesAroundTheEquals_IsApplied()
    {
        var userId = fixture.Server.State.GetUserIds()[0];
        var result = await fixture.GraphAsync(HttpMethod.Get, $"/roleManagement/directory/roleAssignments?$filter = principalId eq '{userId}'");

        result.Status.ShouldBe(200, result.Text);
        var principals = result.Json!["value"]!.AsArray().Select(a => a!["principalId"]!.GetValue<string>()).ToList();
        principals.ShouldNotBeEmpty();
        principals.ShouldAllBe(p => p == userId);
    }

    [Fact]
    public async Task RoleAssignment_ForAnUnknownPrincipal_Is404()
    {
        var failure = await Should.ThrowAsync<ODataError>(() => _graph.RoleManagement.Directory.RoleAssignments.PostAsync(new UnifiedRoleAssignment { RoleDefinitionId = UserAdministrator, PrincipalId = Guid.NewGuid().ToString(), DirectoryScopeId = "/" }));
        failure.ResponseStatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task Policies_AreSeededEnabledAndReportOnly_WithTheirConditions()
    {
        var policies = (await _graph.Identity.ConditionalAccess.Policies.GetAsync())!.Value!;

        policies.Select(p => p.State).ShouldContain(ConditionalAccessPolicyState.Enabled);
        policies.Select(p => p.State).ShouldContain(ConditionalAccessPolicyState.EnabledForReportingButNotEnforced);
        policies.ShouldAllBe(p => p.Conditions!.Users != null && p.Conditions.Applications!.IncludeApplications!.Count > 0 && p.GrantControls!.BuiltInControls!.Count > 0);
        var one = await _graph.Identity.ConditionalAccess.Policies[policies[0].Id].GetAsync();
        one!.DisplayName.ShouldBe(policies[0].DisplayName);
    }

    [Fact]
    public async Task NamedLocations_CreateIpAndCountry_FilterByType_UpdateRanges_Delete()
    {
        var ip = (IpNamedLocation)(await _graph.Identity.ConditionalAccess.NamedLocations.PostAsync(new IpNamedLocation
        {
            DisplayName = "SDK IP location",
            IsTrusted = false,
            IpRanges = [new IPv4CidrRange { CidrAddress = "12.34.221.11/22" }, new IPv6CidrRange { CidrAddress = "2001:0:9d38:90d6:0:0:0:0/63" }],
        }))!;
        ip.IpRanges!.Select(r => r.GetType()).ShouldBe([typeof(IPv4CidrRange), typeof(IPv6CidrRange)]);
        var country = (CountryNamedLocation)(await _graph.Identity.ConditionalAccess.NamedLocations.PostAsync(new CountryNamedLocation { DisplayName = "SDK countries", CountriesAndRegions = ["NO", "SE"] }))!;
        country.IncludeUnknownCountriesAndRegions.ShouldBe(false);

        var onlyIp = (await _graph.Identity.ConditionalAccess.NamedLocations.GetAsync(c => c.QueryParameters.Filter = "isof('microsoft.graph.ipNamedLocation')"))!.Value!;
        onlyIp.ShouldAllBe(l => l is IpNamedLocation);
        onlyIp.ShouldContain(l => l.Id == ip.Id);
        var nordic = (await _graph.Identity.ConditionalAccess.NamedLocations.GetAsync(c => c.QueryParameters.Filter = "microsoft.graph.countryNamedLocation/countriesAndRegions/any(c: c eq 'NO')"))!.Value!;
        nordic.Select(l => l.Id).ShouldBe([country.Id]);
        var recent = (await _graph.Identity.ConditionalAccess.NamedLocations.GetAsync(c => c.QueryParameters.Filter = "createdDateTime ge 2019-09-01T00:00:00Z"))!.Value!;
        recent.Select(l => l.Id).ShouldContain(ip.Id);

        await _graph.Identity.ConditionalAccess.NamedLocations[ip.Id].PatchAsync(new IpNamedLocation { IpRanges = [new IPv4CidrRange { CidrAddress = "198.51.100.0/24" }] });
        var read = (IpNamedLocation)(await _graph.Identity.ConditionalAccess.NamedLocations[ip.Id].GetAsync())!;
        read.IpRanges!.OfType<IPv4CidrRange>().Single().CidrAddress.ShouldBe("198.51.100.0/24");

        await _graph.Identity.ConditionalAccess.NamedLocations[ip.Id].DeleteAsync();
        (await Should.ThrowAsync<ODataError>(() => _graph.Identity.ConditionalAccess.NamedLocations[ip.Id].GetAsync())).ResponseStatusCode.ShouldBe(404);
    }

    [Theory]
    [InlineData("#microsoft.graph.iPv4CidrRange", "10.0.0.0/33")]
    [InlineData("#microsoft.graph.iPv4CidrRange", "not-an-address/8")]
    [InlineData("#microsoft.graph.iPv6CidrRange", "10.0.0.0/8")]
    public async Task NamedLocations_WithAnInvalidRange_Are400(string type, string cidr)
    {
        var result = await fixture.GraphAsync(HttpMethod.Post, "/identity/conditionalAccess/namedLocations", $$"""{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"bad","ipRanges":[{"@odata.type":"{{type}}","cidrAddress":"{{cidr}}"}]}""");
        result.Status.ShouldBe(400, result.Text);
        result.ErrorMessage!.ShouldContain(cidr);
    }

    [Fact]
    public async Task NamedLocations_PatchWithoutTheDerivedType_OrDeleteOfOneAPolicyUses_Are400()
    {
        var used = fixture.Server.State.GetNamedLocations().Single(l => l.DisplayName == "Blocked countries");
        var untyped = await fixture.GraphAsync(HttpMethod.Patch, $"/identity/conditionalAccess/namedLocations/{used.Id}", """{"displayName":"x"}""");
        untyped.Status.ShouldBe(400);

        var delete = await Should.ThrowAsync<ODataError>(() => _graph.Identity.ConditionalAccess.NamedLocations[used.Id].DeleteAsync());
        delete.ResponseStatusCode.ShouldBe(400);
        delete.Error!.Message!.ShouldContain("CA010");
        fixture.Server.State.GetNamedLocations().ShouldContain(l => l.Id == used.Id);
    }

    [Fact]
    public async Task WithoutConsent_EveryRouteIs403()
    {
        var token = await fixture.AppTokenAsync(fixture.NoConsent);
        foreach (var path in new[] { "/roleManagement/directory/roleDefinitions", "/roleManagement/directory/roleAssignments", "/identity/conditionalAccess/policies", "/identity/conditionalAccess/namedLocations" })
        {
            (await fixture.GraphAsync(HttpMethod.Get, path, token: token)).Status.ShouldBe(403, path);
        }
    }
}
