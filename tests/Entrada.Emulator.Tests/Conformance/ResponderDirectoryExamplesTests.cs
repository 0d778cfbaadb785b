using System.Text.Json.Nodes;

namespace Entrada.Emulator.Tests.Conformance;

/// <summary>
/// Replays Microsoft's documented examples of role management (role definitions and assignments)
/// and conditional access (policies and named locations) against the emulator.
/// </summary>
public sealed class ResponderDirectoryExamplesTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    private const string V1 = "https://graph.microsoft.com/v1.0";
    private const string HelpdeskAdministrator = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

    private ResponderArea Area => new()
    {
        Name = "directory",
        Prefixes = ["/roleManagement", "/identity/conditionalAccess"],
        Bodies = new()
        {
            [$"POST {V1}/identity/conditionalAccess/namedLocations"] = () => Task.FromResult<JsonNode>(new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.ipNamedLocation",
                ["displayName"] = "Untrusted IP named location",
                ["isTrusted"] = false,
                ["ipRanges"] = new JsonArray(
                    new JsonObject { ["@odata.type"] = "#microsoft.graph.iPv4CidrRange", ["cidrAddress"] = "12.34.221.11/22" },
                    new JsonObject { ["@odata.type"] = "#microsoft.graph.iPv6CidrRange", ["cidrAddress"] = "2001:0:9d38:90d6:0:0:0:0/63" }),
            }),
            [$"PATCH {V1}/identity/conditionalAccess/namedLocations/1c4427fd-0885-4a3d-8b23-09a899ffa959"] = () => Task.FromResult<JsonNode>(new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.countryNamedLocation",
                ["displayName"] = "Updated named location without unknown countries and regions",
                ["countriesAndRegions"] = new JsonArray("CA", "IN"),
                ["includeUnknownCountriesAndRegions"] = false,
            }),
            [$"POST {V1}/roleManagement/directory/roleAssignments"] = () => Task.FromResult<JsonNode>(new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.unifiedRoleAssignment",
                ["roleDefinitionId"] = HelpdeskAdministrator,
                ["principalId"] = fixture.Server.State.GetUserIds()[20],
                ["directoryScopeId"] = "/",
            }),
            [$"POST {V1}/roleManagement/directory/roleDefinitions"] = () => Task.FromResult<JsonNode>(CustomRole("Application Registration Support Administrator")),
            [$"PATCH {V1}/roleManagement/directory/roleDefinitions/0d55728d-3e24-4309-9b1b-5ac09921475a"] = () => Task.FromResult<JsonNode>(new JsonObject
            {
                ["description"] = "Update basic properties and permissions of application registrations",
                ["displayName"] = "ExampleCustomRole",
                ["rolePermissions"] = new JsonArray(new JsonObject { ["allowedResourceActions"] = new JsonArray("microsoft.directory/applications/credentials/update") }),
            }),
            [$"POST {V1}/identity/conditionalAccess/policies"] = () => Task.FromResult<JsonNode>(Policy("Access to EXO requires MFA")),
            [$"PATCH {V1}/identity/conditionalAccess/policies/{{id}}"] = () => Task.FromResult<JsonNode>(new JsonObject
            {
                ["displayName"] = "Access to EXO requires MFA (report-only)",
                ["state"] = "enabledForReportingButNotEnforced",
            }),
        },
        QueryReplacements = new()
        {
            // The documented principal holds two roles; here the first user holds Global Administrator.
            [$"GET {V1}/roleManagement/directory/roleAssignments?$filter = principalId eq '5bde3e51-d13b-4db1-9948-fe4b109d11a7'"] = [("5bde3e51-d13b-4db1-9948-fe4b109d11a7", fixture.Server.State.GetUserIds()[0])],
        },
        ResolveId = ResolveIdAsync,
        ServedTypes = ["#microsoft.graph.ipNamedLocation", "#microsoft.graph.countryNamedLocation", "#microsoft.graph.iPv4CidrRange", "#microsoft.graph.iPv6CidrRange", "#microsoft.graph.user"],
    };

    public static IEnumerable<object[]> Examples() => ResponderExamples.ExamplesOf("directory");

    [Fact]
    public void TheArea_ListsOnlyItsOwnExamples_AndReplaysAllOfThem()
    {
        ResponderExamples.CheckArea(Area);
        Area.Excluded.ShouldBeEmpty();
        Examples().Count().ShouldBe(24);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public Task Example_IsAnsweredWithTheDocumentedStatusAndShape(string key) => ResponderExamples.ReplayAsync(fixture, Area, key);

    /// <summary>This tenant's object for an example's id: a fresh one for writes that change or remove it, a seeded one for reads.</summary>
    private async Task<string?> ResolveIdAsync(string method, string[] segments, int index)
    {
        var state = fixture.Server.State;
        var write = method is "DELETE" or "PATCH";
        return segments[index - 1] switch
        {
            "roleAssignments" when method == "DELETE" => await FreshAsync("/roleManagement/directory/roleAssignments", new JsonObject
            {
                ["roleDefinitionId"] = HelpdeskAdministrator,
                ["principalId"] = state.GetUserIds()[21],
                ["directoryScopeId"] = "/",
            }),
            "roleAssignments" => state.GetRoleAssignments().First(a => a.RoleDefinitionId == "62e90394-69f5-4237-9190-012177145e10").Id,
            "roleDefinitions" when write => await FreshAsync("/roleManagement/directory/roleDefinitions", CustomRole("Disposable role " + Guid.NewGuid().ToString("N")[..6])),
            "roleDefinitions" => state.GetRoleDefinitionIds(builtIn: false)[0],
            "namedLocations" when write => await FreshAsync("/identity/conditionalAccess/namedLocations", new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.countryNamedLocation",
                ["displayName"] = "Disposable countries",
                ["countriesAndRegions"] = new JsonArray("US", "GB"),
                ["includeUnknownCountriesAndRegions"] = true,
            }),
            "namedLocations" => state.GetNamedLocations().First(l => l.Kind == "country").Id,
            "policies" when write => await FreshAsync("/identity/conditionalAccess/policies", Policy("Disposable policy")),
            "policies" => state.GetConditionalAccessPolicyIds()[1],
            _ => null,
        };
    }

    private async Task<string> FreshAsync(string path, JsonObject body)
    {
        await fixture.PrepareAsync();
        var created = await fixture.GraphAsync(HttpMethod.Post, path, body.ToJsonString(), fixture.AppToken);
        created.Status.ShouldBe(201, created.Text);
        return created.Json!["id"]!.GetValue<string>();
    }

    private static JsonObject CustomRole(string name) => new()
    {
        ["description"] = "Update basic properties of application registrations",
        ["displayName"] = name,
        ["rolePermissions"] = new JsonArray(new JsonObject { ["allowedResourceActions"] = new JsonArray("microsoft.directory/applications/standard/read", "microsoft.directory/applications/basic/update") }),
        ["isEnabled"] = true,
    };

    private JsonObject Policy(string name) => new()
    {
        ["displayName"] = name,
        ["state"] = "enabled",
        ["conditions"] = new JsonObject
        {
            ["clientAppTypes"] = new JsonArray("mobileAppsAndDesktopClients", "browser"),
            ["applications"] = new JsonObject { ["includeApplications"] = new JsonArray("00000002-0000-0ff1-ce00-000000000000") },
            ["users"] = new JsonObject { ["includeGroups"] = new JsonArray(fixture.Server.State.GetGroupIds()[0]) },
            ["locations"] = new JsonObject { ["includeLocations"] = new JsonArray("All"), ["excludeLocations"] = new JsonArray("AllTrusted") },
        },
        ["grantControls"] = new JsonObject { ["operator"] = "OR", ["builtInControls"] = new JsonArray("mfa") },
    };
}
