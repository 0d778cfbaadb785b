using System.Text.Json.Nodes;
using Entrada.Emulator.OData;

namespace Entrada.Emulator.State;

/// <summary>
/// Seeds role management and conditional access: Graph's built-in role definitions (with their
/// template IDs), one custom role, the assignments behind the activated directory roles (a handful
/// of Global Administrators among them), an IP and two country named locations, and three policies
/// (two enabled, one report-only).
/// </summary>
internal sealed partial class TenantGenerator
{
    internal const string GlobalAdministratorId = "62e90394-69f5-4237-9190-012177145e10";
    internal const string DirectoryReadersId = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b";

    /// <summary>Built-in role definitions: Graph's template IDs, names, descriptions and a sample of their resource actions.</summary>
    internal static readonly (string Id, string Name, string Description, string[] Actions)[] BuiltInRoles =
    [
        (GlobalAdministratorId, "Global Administrator", "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.", ["microsoft.directory/users/allProperties/allTasks", "microsoft.directory/roleAssignments/allProperties/allTasks", "microsoft.directory/conditionalAccessPolicies/allProperties/allTasks"]),
        ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator", "Can manage all aspects of users and groups, including resetting passwords for limited admins.", ["microsoft.directory/users/create", "microsoft.directory/users/delete", "microsoft.directory/groups/create"]),
        ("194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator", "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.", ["microsoft.directory/conditionalAccessPolicies/create", "microsoft.directory/namedLocations/create", "microsoft.directory/identityProtection/allProperties/update"]),
        (DirectoryReadersId, "Directory Readers", "Can read basic directory information. Commonly used to grant directory read access to applications and guests.", ["microsoft.directory/users/standard/read", "microsoft.directory/groups/standard/read"]),
        ("729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator", "Can reset passwords for non-administrators and Helpdesk Administrators.", ["microsoft.directory/users/invalidateAllRefreshTokens", "microsoft.directory/users/password/update"]),
        ("b0f54661-2d74-4c50-afa3-1ec803f12efe", "Billing Administrator", "Can perform common billing related tasks like updating payment information.", ["microsoft.directory/organization/basic/update", "microsoft.commerce.billing/allEntities/allTasks"]),
        ("f023fd81-a637-4b56-95fd-791ac0226033", "Service Support Administrator", "Can read service health information and manage support tickets.", ["microsoft.azure.serviceHealth/allEntities/allTasks", "microsoft.office365.supportTickets/allEntities/allTasks"]),
        ("e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator", "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.", ["microsoft.directory/roleAssignments/allProperties/allTasks", "microsoft.directory/roleDefinitions/allProperties/allTasks"]),
        ("5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader", "Can read security information and reports in Microsoft Entra ID and Office 365.", ["microsoft.directory/auditLogs/allProperties/read", "microsoft.directory/signInReports/allProperties/read"]),
        ("b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", "Conditional Access Administrator", "Can manage Conditional Access capabilities.", ["microsoft.directory/conditionalAccessPolicies/allProperties/allTasks", "microsoft.directory/namedLocations/allProperties/allTasks"]),
        ("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator", "Can create and manage all aspects of app registrations and enterprise apps.", ["microsoft.directory/applications/allProperties/allTasks", "microsoft.directory/servicePrincipals/allProperties/allTasks"]),
        ("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader", "Can read everything that a Global Administrator can, but not update anything.", ["microsoft.directory/users/allProperties/read", "microsoft.directory/roleAssignments/allProperties/read"]),
    ];

    // A sequence of its own, so that seeding these does not shift the IDs generated after them.
    private readonly Random _accessRandom = new(20_261_202);

    private string AccessGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _accessRandom.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    /// <param name="state">The tenant.</param>
    /// <param name="extraAdministrators">Make two more users Global Administrators (a generated tenant; a seed file's roles are as written).</param>
    internal void AddAccess(EmulatorState state, bool extraAdministrators = true)
    {
        var epoch = _epoch;
        foreach (var (id, name, description, actions) in BuiltInRoles)
        {
            state.RoleDefinitions.Add(NewRoleDefinition(state, id, name, description, actions, builtIn: true, inherits: id == DirectoryReadersId || id == GlobalAdministratorId ? null : DirectoryReadersId));
        }

        state.RoleDefinitions.Add(NewRoleDefinition(state, AccessGuid(), "Application Registration Reader", "Allows reading Application Registrations", ["microsoft.directory/applications/allProperties/read"], builtIn: false, inherits: null));

        // The activated directory roles' members hold their roles at the tenant scope; a few more Global Administrators.
        foreach (var role in state.Roles)
        {
            foreach (var member in role.Members.ToList())
            {
                if (state.FindRoleAssignmentLocked(role.GetString("roleTemplateId")!, member.Id, "/") is null && state.RoleDefinitions.Any(d => d.Id == role.GetString("roleTemplateId")))
                {
                    state.AssignRoleLocked(role.GetString("roleTemplateId")!, member, "/");
                }
            }
        }

        foreach (var index in extraAdministrators ? [3, 4] : Array.Empty<int>())
        {
            if (index < state.Users.Count && state.FindRoleAssignmentLocked(GlobalAdministratorId, state.Users[index].Id, "/") is null)
            {
                state.AssignRoleLocked(GlobalAdministratorId, state.Users[index], "/");
            }
        }

        // Administrators use Teams: their IM addresses are their SIP addresses.
        foreach (var assignment in state.RoleAssignments.Where(a => a.GetString("roleDefinitionId") == GlobalAdministratorId))
        {
            if (state.Objects.GetValueOrDefault(assignment.GetString("principalId")!) is UserObject user && user.GetString("mail") is { } mail)
            {
                user.Set("imAddresses", new[] { mail });
            }
        }

        var corporate = NewIpLocation(state, AccessGuid(), "Corporate network", isTrusted: true, ["203.0.113.0/24", "198.51.100.0/24", "2001:db8:4898::/48"], epoch.AddDays(2));
        var countries = NewCountryLocation(state, AccessGuid(), "Blocked countries", ["KP", "IR", "SY"], includeUnknown: true, epoch.AddDays(3));
        state.NamedLocations.Add(corporate);
        state.NamedLocations.Add(countries);
        state.NamedLocations.Add(NewCountryLocation(state, AccessGuid(), "Head office countries", ["US", "CA", "GB"], includeUnknown: false, epoch.AddDays(4)));
        state.NamedLocations.Add(NewIpLocation(state, AccessGuid(), "Attacker addresses", isTrusted: false, ["192.0.2.66/32"], epoch.AddDays(5)));

        var breakGlass = state.Groups.Count > 0 ? state.Groups[^1].Id : AccessGuid();
        state.ConditionalAccessPolicies.Add(NewPolicy(state, AccessGuid(), "CA001: Require multifactor authentication for admins", "enabled", epoch.AddDays(6), new JsonObject
        {
            ["userRiskLevels"] = new JsonArray(),
            ["signInRiskLevels"] = new JsonArray(),
            ["clientAppTypes"] = new JsonArray("all"),
            ["servicePrincipalRiskLevels"] = new JsonArray(),
            ["insiderRiskLevels"] = null,
            ["platforms"] = null,
            ["locations"] = null,
            ["devices"] = null,
            ["clientApplications"] = null,
            ["applications"] = Applications("All"),
            ["users"] = Users([], [breakGlass], [.. BuiltInRoles.Take(3).Select(r => r.Id)]),
        }, Grant("OR", ["mfa"], strength: false), session: null));
        state.ConditionalAccessPolicies.Add(NewPolicy(state, AccessGuid(), "CA008: Require password change for high-risk users", "enabledForReportingButNotEnforced", epoch.AddDays(7), new JsonObject
        {
            ["userRiskLevels"] = new JsonArray("high"),
            ["signInRiskLevels"] = new JsonArray(),
            ["clientAppTypes"] = new JsonArray("all"),
            ["servicePrincipalRiskLevels"] = new JsonArray(),
            ["insiderRiskLevels"] = null,
            ["platforms"] = null,
            ["locations"] = null,
            ["devices"] = null,
            ["clientApplications"] = null,
            ["applications"] = Applications("All"),
            ["users"] = Users(["All"], [breakGlass], []),
        }, Grant("AND", ["mfa", "passwordChange"], strength: true), new JsonObject
        {
            ["disableResilienceDefaults"] = null,
            ["applicationEnforcedRestrictions"] = null,
            ["cloudAppSecurity"] = null,
            ["persistentBrowser"] = null,
            ["signInFrequency"] = new JsonObject
            {
                ["value"] = null,
                ["type"] = null,
                ["authenticationType"] = "primaryAndSecondaryAuthentication",
                ["frequencyInterval"] = "everyTime",
                ["isEnabled"] = true,
            },
        }));
        state.ConditionalAccessPolicies.Add(NewPolicy(state, AccessGuid(), "CA010: Block access from blocked countries", "enabled", epoch.AddDays(8), new JsonObject
        {
            ["userRiskLevels"] = new JsonArray(),
            ["signInRiskLevels"] = new JsonArray(),
            ["clientAppTypes"] = new JsonArray("all"),
            ["servicePrincipalRiskLevels"] = new JsonArray(),
            ["insiderRiskLevels"] = null,
            ["platforms"] = null,
            ["locations"] = new JsonObject { ["includeLocations"] = new JsonArray(countries.Id), ["excludeLocations"] = new JsonArray(corporate.Id) },
            ["devices"] = null,
            ["clientApplications"] = null,
            ["applications"] = Applications("All"),
            ["users"] = Users(["All"], [breakGlass], []),
        }, Grant("OR", ["block"], strength: false), session: null));
    }

    private static JsonObject Applications(string include) => new()
    {
        ["includeApplications"] = new JsonArray(include),
        ["excludeApplications"] = new JsonArray(),
        ["includeUserActions"] = new JsonArray(),
        ["includeAuthenticationContextClassReferences"] = new JsonArray(),
        ["applicationFilter"] = null,
    };

    private static JsonObject Users(string[] include, string[] excludeGroups, string[] includeRoles) => new()
    {
        ["includeUsers"] = new JsonArray([.. include.Select(i => (JsonNode)i)]),
        ["excludeUsers"] = new JsonArray(),
        ["includeGroups"] = new JsonArray(),
        ["excludeGroups"] = new JsonArray([.. excludeGroups.Select(i => (JsonNode)i)]),
        ["includeRoles"] = new JsonArray([.. includeRoles.Select(i => (JsonNode)i)]),
        ["excludeRoles"] = new JsonArray(),
        ["includeGuestsOrExternalUsers"] = null,
        ["excludeGuestsOrExternalUsers"] = null,
    };

    private static JsonObject Grant(string op, string[] controls, bool strength) => new()
    {
        ["operator"] = op,
        ["builtInControls"] = new JsonArray([.. controls.Select(c => (JsonNode)c)]),
        ["customAuthenticationFactors"] = new JsonArray(),
        ["termsOfUse"] = new JsonArray(),
        ["authenticationStrength"] = !strength ? null : new JsonObject
        {
            ["id"] = "00000000-0000-0000-0000-000000000002",
            ["createdDateTime"] = "2021-12-01T08:00:00Z",
            ["modifiedDateTime"] = "2021-12-01T08:00:00Z",
            ["displayName"] = "Multifactor authentication",
            ["description"] = "Combinations of methods that satisfy strong authentication, such as a password + SMS",
            ["policyType"] = "builtIn",
            ["requirementsSatisfied"] = "mfa",
            ["allowedCombinations"] = new JsonArray("windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush", "temporaryAccessPassOneTime", "password,microsoftAuthenticatorPush", "password,softwareOath", "password,sms"),
            ["combinationConfigurations"] = new JsonArray(),
        },
    };

    internal static Entity NewRoleDefinition(EmulatorState state, string id, string name, string? description, string[] actions, bool builtIn, string? inherits)
    {
        var definition = new Entity(AccessSchemas.RoleDefinition, id, state.NextSeq());
        definition.Set("description", description);
        definition.Set("displayName", name);
        definition.Set("isBuiltIn", PropertyValues.Box(builtIn));
        definition.Set("isEnabled", PropertyValues.Box(true));
        definition.Set("resourceScopes", new[] { "/" });
        definition.Set("templateId", id);
        definition.Set("version", builtIn ? "1" : null);
        definition.Set("rolePermissions", new JsonArray(new JsonObject
        {
            ["allowedResourceActions"] = new JsonArray([.. actions.Select(a => (JsonNode)a)]),
            ["excludedResourceActions"] = new JsonArray(),
            ["condition"] = null,
        }));
        definition.Set("inheritsPermissionsFrom", inherits is null ? new JsonArray() : new JsonArray(new JsonObject { ["id"] = inherits }));
        return definition;
    }

    internal static Entity NewIpLocation(EmulatorState state, string id, string name, bool isTrusted, IEnumerable<string> ranges, DateTimeOffset created)
    {
        var location = new Entity(AccessSchemas.IpNamedLocation, id, state.NextSeq());
        location.Set("displayName", name);
        location.Set("createdDateTime", created);
        location.Set("modifiedDateTime", created);
        location.Set("isTrusted", PropertyValues.Box(isTrusted));
        location.Set("ipRanges", new JsonArray([.. ranges.Select(r => (JsonNode)new JsonObject
        {
            ["@odata.type"] = r.Contains(':', StringComparison.Ordinal) ? "#microsoft.graph.iPv6CidrRange" : "#microsoft.graph.iPv4CidrRange",
            ["cidrAddress"] = r,
        })]));
        return location;
    }

    internal static Entity NewCountryLocation(EmulatorState state, string id, string name, string[] countries, bool includeUnknown, DateTimeOffset created)
    {
        var location = new Entity(AccessSchemas.CountryNamedLocation, id, state.NextSeq());
        location.Set("displayName", name);
        location.Set("createdDateTime", created);
        location.Set("modifiedDateTime", created);
        location.Set("countriesAndRegions", countries);
        location.Set("includeUnknownCountriesAndRegions", PropertyValues.Box(includeUnknown));
        location.Set("countryLookupMethod", "clientIpAddress");
        return location;
    }

    private static Entity NewPolicy(EmulatorState state, string id, string name, string policyState, DateTimeOffset created, JsonObject conditions, JsonObject grant, JsonObject? session)
    {
        var policy = new Entity(AccessSchemas.ConditionalAccessPolicy, id, state.NextSeq());
        policy.Set("templateId", null);
        policy.Set("displayName", name);
        policy.Set("description", null);
        policy.Set("createdDateTime", created);
        policy.Set("modifiedDateTime", created.AddDays(30));
        policy.Set("state", policyState);
        policy.Set("conditions", conditions);
        policy.Set("grantControls", grant);
        policy.Set("sessionControls", session);
        return policy;
    }
}
