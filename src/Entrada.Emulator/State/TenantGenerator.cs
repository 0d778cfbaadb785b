using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Entrada.Emulator.Graph;
using Entrada.Emulator.OData;

namespace Entrada.Emulator.State;

/// <summary>Builds a tenant deterministically from a user and group count (same counts, same tenant).</summary>
internal sealed partial class TenantGenerator
{
    private static readonly string[] FirstNames =
    [
        "Adele", "Alex", "Allan", "Diego", "Grady", "Henrietta", "Isaiah", "Johanna", "Joni", "Lee", "Lidia", "Lynne", "Megan",
        "Miriam", "Nestor", "Patti", "Pradeep", "Irvin", "Sofia", "Omar", "Amara", "Bruno", "Chen", "Dagny", "Emeka", "Farah",
        "Gustav", "Hana", "Ines", "Jonas", "Kenji", "Lucia", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq",
    ];

    private static readonly string[] LastNames =
    [
        "Vance", "Wilber", "Deyoung", "Salazar", "Archie", "Cheney", "Langer", "Lauer", "Sherman", "Gu", "Holloway", "Robbins",
        "Bowen", "Graham", "Wilke", "Fernandez", "Gupta", "Sauer", "Okafor", "Haddad", "Nakamura", "Rossi", "Berg", "Moreau",
        "Kowalski", "Silva", "Larsen", "Novak", "Adeyemi", "Ibrahim", "Tanaka", "Costa", "Fischer", "Dubois", "Kaur", "Olsen",
        "Petrov", "Quinn", "Reyes", "Schmidt",
    ];

    private static readonly string[] JobTitles = ["Retail Manager", "Marketing Assistant", "Developer", "Accountant", "Helpdesk Analyst", "Security Engineer", "Sales Lead", "Product Manager"];
    private static readonly string[] Departments = ["Retail", "Marketing", "Engineering", "Finance", "IT", "Security", "Sales", "Product"];
    private static readonly string[] Cities = ["Seattle", "Nairobi", "Berlin", "Tokyo", "São Paulo", "Toronto", "Lyon", "Pune"];
    private static readonly string[] Countries = ["United States", "Kenya", "Germany", "Japan", "Brazil", "Canada", "France", "India"];
    private static readonly string[] UsageLocations = ["US", "KE", "DE", "JP", "BR", "CA", "FR", "IN"];
    private static readonly string[] GroupNames = ["All Company", "Sales and Marketing", "Engineering", "Finance", "Helpdesk", "Legal", "Security Operations", "Retail", "Research", "Executives"];

    internal const string E5SkuId = "c7df2760-2c81-4ef7-b578-5b5392b571df";
    internal const string E3SkuId = "05e9a617-0261-4cee-bb44-138d3ef5d965";
    internal const string FlowFreeSkuId = "f30db892-07e9-47e9-837c-80727f46fd3d";

    private static readonly LazyNode MemberIdentities = new(e => new JsonArray(new JsonObject
    {
        ["signInType"] = "userPrincipalName",
        ["issuer"] = ((UserObject)e).UserPrincipalName.Split('@')[^1],
        ["issuerAssignedId"] = ((UserObject)e).UserPrincipalName,
    }));

    private static readonly LazyNode GuestIdentities = new(_ => new JsonArray(new JsonObject { ["signInType"] = "federated", ["issuer"] = "ExternalAzureAD", ["issuerAssignedId"] = null }));
    private static readonly LazyNode NoLicenses = new(_ => new JsonArray());
    private static readonly LazyNode E5License = new(_ => new JsonArray(new JsonObject { ["disabledPlans"] = new JsonArray(), ["skuId"] = E5SkuId }));
    private static readonly LazyNode E3License = new(_ => new JsonArray(new JsonObject { ["disabledPlans"] = new JsonArray(), ["skuId"] = E3SkuId }));

    private readonly Random _random = new(20_240_611);
    private readonly DateTimeOffset _epoch = new(2023, 1, 9, 8, 0, 0, TimeSpan.Zero);

    public static EmulatorState Generate(int users, int groups, TimeProvider time)
    {
        var generator = new TenantGenerator();
        var tenantId = generator.NextGuid();
        var state = new EmulatorState(time, tenantId, "entradaemulator.onmicrosoft.com", "Entrada Emulated Tenant");
        state.VerifiedDomains.Add(state.TenantDomain);
        generator.AddOrganization(state);
        generator.AddSkus(state, users);
        generator.AddUsers(state, users);
        generator.AddGroups(state, groups);
        generator.AddRoles(state);
        generator.AddAccess(state);
        AddRisk(state);
        generator.AddAlerts(state);
        generator.AddDefaultApps(state);
        AppDirectory.AddRegisteredApps(state, generator.NextGuid, time.GetUtcNow());
        AppDirectory.AddGenerated(state, generator.NextGuid, time.GetUtcNow());
        return state;
    }

    internal string NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    internal void AddOrganization(EmulatorState state)
    {
        var org = new Entity(Schemas.Organization, state.TenantId, state.NextSeq());
        org.Set("displayName", state.TenantName);
        org.Set("businessPhones", new[] { "+1 425 555 0100" });
        org.Set("city", "Redmond");
        org.Set("country", "United States");
        org.Set("countryLetterCode", "US");
        org.Set("createdDateTime", _epoch);
        org.Set("marketingNotificationEmails", Array.Empty<string>());
        org.Set("onPremisesSyncEnabled", null);
        org.Set("postalCode", "98052");
        org.Set("preferredLanguage", "en");
        org.Set("securityComplianceNotificationMails", Array.Empty<string>());
        org.Set("securityComplianceNotificationPhones", Array.Empty<string>());
        org.Set("state", "WA");
        org.Set("street", "1 Emulator Way");
        org.Set("technicalNotificationMails", new[] { "admin@" + state.TenantDomain });
        org.Set("tenantType", "AAD");
        org.Set("assignedPlans", new JsonArray());
        org.Set("provisionedPlans", new JsonArray());
        org.Set("mobileDeviceManagementAuthority", "intune");
        org.Set("privacyProfile", new JsonObject { ["contactEmail"] = "privacy@" + state.TenantDomain, ["statementUrl"] = "https://example.com/privacy" });
        org.Set("verifiedDomains", new JsonArray(new JsonObject
        {
            ["capabilities"] = "Email, OfficeCommunicationsOnline",
            ["isDefault"] = true,
            ["isInitial"] = true,
            ["name"] = state.TenantDomain,
            ["type"] = "Managed",
        }));
        state.Organizations.Add(org);
    }

    internal void AddSkus(EmulatorState state, int users)
    {
        var members = users - (users / 10);
        AddSku(state, E5SkuId, "ENTERPRISEPREMIUM", Math.Max(10, (members / 3) + 10), [("efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE"), ("8c098270-9dd4-4350-9b30-ba4703f3b36b", "ADALLOM_S_O365"), ("9f431833-0334-42de-a7dc-70aa40db46db", "LOCKBOX_ENTERPRISE")]);
        // E3 is sold out by design: assignLicense of it answers the 400 "no free seats" (seats are set once users are made).
        AddSku(state, E3SkuId, "SPE_E3", 0, [("efb87545-963c-4e0d-99df-69c6916d9eb0", "EXCHANGE_S_ENTERPRISE"), ("41781fb2-bc02-4b7c-bd55-b576c07bb09d", "AAD_PREMIUM")]);
        AddSku(state, FlowFreeSkuId, "FLOW_FREE", 10_000, [("50e68c76-46c6-4674-81f9-75456511b170", "FLOW_P2_VIRAL")]);
    }

    private void AddSku(EmulatorState state, string skuId, string partNumber, int seats, (string Id, string Name)[] plans)
    {
        var sku = new Entity(Schemas.SubscribedSku, state.TenantId + "_" + skuId, state.NextSeq());
        sku.Set("accountId", state.TenantId);
        sku.Set("accountName", state.TenantName);
        sku.Set("appliesTo", "User");
        sku.Set("capabilityStatus", "Enabled");
        sku.Set("consumedUnits", 0);
        sku.Set("prepaidUnits", new JsonObject { ["enabled"] = seats, ["lockedOut"] = 0, ["suspended"] = 0, ["warning"] = 0 });
        sku.Set("servicePlans", new JsonArray([.. plans.Select(p => (JsonNode)new JsonObject
        {
            ["servicePlanId"] = p.Id,
            ["servicePlanName"] = p.Name,
            ["provisioningStatus"] = "Success",
            ["appliesTo"] = "User",
        })]));
        sku.Set("skuId", skuId);
        sku.Set("skuPartNumber", partNumber);
        sku.Set("subscriptionIds", new[] { NextGuid() });
        state.Skus.Add(sku);
    }

    internal void AddUsers(EmulatorState state, int count)
    {
        var e5 = state.FindSkuBySkuId(E5SkuId)!;
        var e3 = state.FindSkuBySkuId(E3SkuId)!;
        var e5Seats = (int)((JsonObject)e5.Get("prepaidUnits")!)["enabled"]!;
        int e5Used = 0, e3Used = 0;
        var combos = FirstNames.Length * LastNames.Length;
        for (var i = 0; i < count; i++)
        {
            var first = FirstNames[i % FirstNames.Length];
            // Each first name meets a different surname in every round of 40, so pairs stay unique.
            var last = LastNames[((i / FirstNames.Length) + (7 * i)) % LastNames.Length];
            var round = i / combos;
            var alias = (first + "." + last + (round == 0 ? string.Empty : round.ToString(CultureInfo.InvariantCulture))).ToLowerInvariant();
            var guest = i % 10 == 9;
            var upn = guest ? $"{alias}_fabrikam.com#EXT#@{state.TenantDomain}" : $"{alias}@{state.TenantDomain}";
            var user = new UserObject(NextGuid(), state.NextSeq());
            var n = i % JobTitles.Length;
            user.Set("displayName", first + " " + last + (round == 0 ? string.Empty : " " + round.ToString(CultureInfo.InvariantCulture)));
            user.Set("givenName", first);
            user.Set("surname", last);
            user.Set("userPrincipalName", upn);
            user.Set("mail", guest ? alias + "@fabrikam.com" : alias + "@" + state.TenantDomain);
            user.Set("mailNickname", guest ? alias + "_fabrikam.com#EXT#" : alias);
            user.Set("jobTitle", guest ? null : JobTitles[n]);
            user.Set("department", guest ? null : Departments[n]);
            user.Set("officeLocation", guest ? null : (10 + n).ToString(CultureInfo.InvariantCulture) + "/" + (1000 + (i % 900)).ToString(CultureInfo.InvariantCulture));
            user.Set("businessPhones", guest ? Array.Empty<string>() : new[] { "+1 425 555 " + (i % 10_000).ToString("D4", CultureInfo.InvariantCulture) });
            user.Set("mobilePhone", null);
            user.Set("preferredLanguage", "en-US");
            user.Set("accountEnabled", PropertyValues.Box(i % 13 != 12));
            user.Set("userType", guest ? "Guest" : "Member");
            user.Set("companyName", guest ? "Fabrikam" : "Contoso");
            user.Set("employeeId", guest ? null : "E" + (i + 1).ToString("D6", CultureInfo.InvariantCulture));
            user.Set("city", Cities[(i / 3) % Cities.Length]);
            user.Set("country", Countries[(i / 3) % Countries.Length]);
            user.Set("usageLocation", UsageLocations[(i / 3) % UsageLocations.Length]);
            user.Set("createdDateTime", _epoch.AddMinutes(i));
            user.Set("creationType", guest ? "Invitation" : null);
            user.Set("externalUserState", guest ? "Accepted" : null);
            user.Set("onPremisesSyncEnabled", null);
            user.Set("proxyAddresses", new[] { "SMTP:" + user.GetString("mail") });
            user.Set("otherMails", Array.Empty<string>());
            user.Set("imAddresses", Array.Empty<string>());
            user.Set("identities", guest ? GuestIdentities : MemberIdentities);
            user.Set("assignedLicenses", NoLicenses);
            user.Password = "Emulated-Pa55-" + i.ToString(CultureInfo.InvariantCulture);
            if (!guest && i % 3 == 0 && e5Used < e5Seats - 10)
            {
                user.Set("assignedLicenses", E5License);
                e5Used++;
            }
            else if (!guest && i % 3 == 1)
            {
                user.Set("assignedLicenses", E3License);
                e3Used++;
            }

            state.AddUserLocked(user);
        }

        e5.Set("consumedUnits", e5Used);
        e3.Set("consumedUnits", e3Used);
        ((JsonObject)e3.Get("prepaidUnits")!)["enabled"] = e3Used;
    }

    internal void AddGroups(EmulatorState state, int count)
    {
        for (var g = 0; g < count; g++)
        {
            var name = GroupNames[g % GroupNames.Length] + (g < GroupNames.Length ? string.Empty : " " + (g / GroupNames.Length).ToString(CultureInfo.InvariantCulture));
            var unified = g % 2 == 0;
            var nickname = new string([.. name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
            var group = NewGroup(state, NextGuid(), name, nickname, unified, _epoch.AddDays(g));
            group.Set("description", $"{name} ({(unified ? "Microsoft 365" : "security")} group)");
            if (g == 3)
            {
                // One dynamic security group, so that membership-rule queries have something to find.
                group.Set("groupTypes", new[] { "DynamicMembership" });
                group.Set("membershipRule", "(user.department -eq \"Finance\")");
                group.Set("membershipRuleProcessingState", "On");
                group.Set("hasMembersWithLicenseErrors", PropertyValues.Box(true));
            }

            if (g == 1)
            {
                // A licence assigned to a group, so that assignedLicenses queries on groups find one (group-based licensing itself is not modelled).
                group.Set("assignedLicenses", new JsonArray(new JsonObject { ["disabledPlans"] = new JsonArray("9f431833-0334-42de-a7dc-70aa40db46db"), ["skuId"] = E5SkuId }));
            }

            state.AddGroupLocked(group);
        }

        for (var i = 0; i < state.Users.Count && count > 0; i++)
        {
            state.Groups[i % count].AddMember(state.Users[i]);
        }

        if (count >= 3)
        {
            // Nesting, so that transitive members and memberships differ from direct ones.
            state.Groups[0].AddMember(state.Groups[1]);
            state.Groups[1].AddMember(state.Groups[2]);
        }

        if (state.Users.Count > 0)
        {
            foreach (var group in state.Groups)
            {
                group.Owners.Add(state.Users[0]);
            }
        }
    }

    internal static GroupObject NewGroup(EmulatorState state, string id, string displayName, string mailNickname, bool unified, DateTimeOffset created)
    {
        var group = new GroupObject(id, state.NextSeq());
        group.Set("displayName", displayName);
        group.Set("mailNickname", mailNickname);
        group.Set("groupTypes", unified ? new[] { "Unified" } : Array.Empty<string>());
        group.Set("mailEnabled", PropertyValues.Box(unified));
        group.Set("securityEnabled", PropertyValues.Box(!unified));
        group.Set("mail", unified ? mailNickname + "@" + state.TenantDomain : null);
        group.Set("proxyAddresses", unified ? new[] { "SMTP:" + mailNickname + "@" + state.TenantDomain } : Array.Empty<string>());
        group.Set("visibility", unified ? "Public" : null);
        group.Set("createdDateTime", created);
        group.Set("renewedDateTime", created);
        group.Set("resourceBehaviorOptions", Array.Empty<string>());
        group.Set("onPremisesProvisioningErrors", new JsonArray());
        group.Set("serviceProvisioningErrors", new JsonArray());
        group.Set("resourceProvisioningOptions", unified ? new[] { "Team" } : Array.Empty<string>());
        group.Set("securityIdentifier", "S-1-12-1-" + string.Join('-', Guid.Parse(id).ToByteArray().Chunk(4).Select(c => BitConverter.ToUInt32(c).ToString(CultureInfo.InvariantCulture))));
        group.Set("assignedLicenses", new JsonArray());
        group.Set("hasMembersWithLicenseErrors", PropertyValues.Box(false));
        group.Set("allowExternalSenders", unified ? PropertyValues.Box(false) : null);
        group.Set("autoSubscribeNewMembers", unified ? PropertyValues.Box(false) : null);
        group.Set("isSubscribedByMail", unified ? PropertyValues.Box(false) : null);
        group.Set("unseenCount", unified ? 0 : null);
        return group;
    }

    internal static readonly (string TemplateId, string Name, string Description)[] RoleTemplates =
    [
        ("62e90394-69f5-4237-9190-012177145e10", "Global Administrator", "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities."),
        ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator", "Can manage all aspects of users and groups, including resetting passwords for limited admins."),
        ("194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator", "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365."),
        ("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers", "Can read basic directory information. Commonly used to grant directory read access to applications and guests."),
        ("729827e3-9c14-49f7-bb1b-9608f156bbb8", "Helpdesk Administrator", "Can reset passwords for non-administrators and Helpdesk Administrators."),
    ];

    internal void AddRoles(EmulatorState state)
    {
        for (var r = 0; r < 4; r++)
        {
            var role = NewRole(state, NextGuid(), RoleTemplates[r].TemplateId);
            state.Objects.Add(role.Id, role);
            state.Roles.Add(role);
            if (r < 3 && r < state.Users.Count)
            {
                role.Members.Add(state.Users[r]);
                state.Users[r].MemberOf.Add(role);
            }
        }
    }

    internal static RoleObject NewRole(EmulatorState state, string id, string templateId)
    {
        var template = RoleTemplates.First(t => t.TemplateId == templateId);
        var role = new RoleObject(id, state.NextSeq());
        role.Set("description", template.Description);
        role.Set("displayName", template.Name);
        role.Set("roleTemplateId", template.TemplateId);
        return role;
    }

    internal static void AddRisk(EmulatorState state)
    {
        var added = 0;
        for (var i = 0; i < state.Users.Count && added < 1000; i++)
        {
            var (level, riskState) = (i % 20) switch
            {
                3 => ("high", "atRisk"),
                7 => ("medium", "atRisk"),
                11 => ("low", "atRisk"),
                _ => (null, null),
            };
            if (level is not null)
            {
                state.SetRiskLocked(state.Users[i], level, riskState!, "none", initiatedBy: null);
                added++;
            }
        }
    }

    internal void AddAlerts(EmulatorState state)
    {
        string[] titles = ["Suspicious execution of hidden file", "Anomalous token", "Impossible travel activity", "Password spray", "Malware detected"];
        string[] severities = ["low", "high", "medium", "high", "informational"];
        string[] sources = ["microsoftDefenderForEndpoint", "azureAdIdentityProtection", "microsoftDefenderForCloudApps", "azureAdIdentityProtection", "microsoftDefenderForEndpoint"];
        string[] detections = ["antivirus", "azureAdIdentityProtection", "cloudAppSecurity", "azureAdIdentityProtection", "antivirus"];
        string[] categories = ["DefenseEvasion", "InitialAccess", "InitialAccess", "CredentialAccess", "Malware"];
        for (var a = 0; a < titles.Length; a++)
        {
            var ticks = 637_551_227_677_560_813L + (a * 9_000_000_000L);
            var id = "da" + ticks.ToString(CultureInfo.InvariantCulture) + "_" + (-961_444_813 + (a * 7919)).ToString(CultureInfo.InvariantCulture);
            var alert = new Entity(Schemas.Alert, id, state.NextSeq());
            var created = _epoch.AddDays(30 + a).AddSeconds(a * 37.5);
            var incident = (28_282 + a).ToString(CultureInfo.InvariantCulture);
            alert.Set("providerAlertId", id);
            alert.Set("incidentId", incident);
            alert.Set("status", "new");
            alert.Set("severity", severities[a]);
            alert.Set("classification", null);
            alert.Set("determination", null);
            alert.Set("serviceSource", sources[a]);
            alert.Set("detectionSource", detections[a]);
            alert.Set("detectorId", NextGuid());
            alert.Set("productName", sources[a] switch
            {
                "microsoftDefenderForEndpoint" => "Microsoft Defender for Endpoint",
                "azureAdIdentityProtection" => "Microsoft Entra ID Protection",
                _ => "Microsoft Defender for Cloud Apps",
            });
            alert.Set("tenantId", state.TenantId);
            alert.Set("title", titles[a]);
            alert.Set("description", $"{titles[a]} was detected in the emulated tenant.");
            alert.Set("recommendedActions", "Investigate the affected user and device, then resolve or classify the alert.");
            alert.Set("category", categories[a]);
            alert.Set("assignedTo", null);
            alert.Set("alertWebUrl", $"https://security.microsoft.com/alerts/{id}?tid={state.TenantId}");
            alert.Set("incidentWebUrl", $"https://security.microsoft.com/incidents/{incident}?tid={state.TenantId}");
            alert.Set("actorDisplayName", null);
            alert.Set("threatDisplayName", null);
            alert.Set("threatFamilyName", null);
            alert.Set("mitreTechniques", new[] { "T1564.001" });
            alert.Set("createdDateTime", created);
            alert.Set("lastUpdateDateTime", created.AddHours(2));
            alert.Set("resolvedDateTime", null);
            alert.Set("firstActivityDateTime", created.AddHours(-1));
            alert.Set("lastActivityDateTime", created.AddMinutes(-5));
            alert.Set("comments", new JsonArray());
            alert.Set("systemTags", new[] { "Emulated" });
            alert.Set("additionalData", new JsonObject());
            var user = state.Users.Count > 0 ? state.Users[a % state.Users.Count] : null;
            var evidence = new JsonArray(new JsonObject
            {
                ["@odata.type"] = "#microsoft.graph.security.deviceEvidence",
                ["createdDateTime"] = PropertyValues.FormatDate(created),
                ["verdict"] = "unknown",
                ["remediationStatus"] = "none",
                ["remediationStatusDetails"] = null,
                ["roles"] = new JsonArray("compromised"),
                ["detailedRoles"] = new JsonArray("Main device"),
                ["tags"] = new JsonArray("Emulated"),
                ["firstSeenDateTime"] = PropertyValues.FormatDate(_epoch),
                ["mdeDeviceId"] = Convert.ToHexStringLower(SHA1.HashData(BitConverter.GetBytes(ticks))),
                ["azureAdDeviceId"] = null,
                ["deviceDnsName"] = $"ws-{a:D3}.{state.TenantDomain}",
                ["hostName"] = $"ws-{a:D3}",
                ["ntDomain"] = null,
                ["dnsDomain"] = state.TenantDomain,
                ["ipInterfaces"] = new JsonArray($"10.0.0.{10 + a}"),
                ["vmMetadata"] = null,
                ["osPlatform"] = "Windows10",
                ["osBuild"] = 22631,
                ["version"] = "22H2",
                ["healthStatus"] = "active",
                ["riskScore"] = "medium",
                ["rbacGroupId"] = 75,
                ["rbacGroupName"] = "UnassignedGroup",
                ["onboardingStatus"] = "onboarded",
                ["defenderAvStatus"] = "unknown",
                ["loggedOnUsers"] = new JsonArray(),
            });
            if (user is not null)
            {
                evidence.Add(new JsonObject
                {
                    ["@odata.type"] = "#microsoft.graph.security.userEvidence",
                    ["createdDateTime"] = PropertyValues.FormatDate(created),
                    ["verdict"] = "suspicious",
                    ["remediationStatus"] = "none",
                    ["remediationStatusDetails"] = null,
                    ["roles"] = new JsonArray(),
                    ["tags"] = new JsonArray(),
                    ["userAccount"] = new JsonObject
                    {
                        ["accountName"] = user.GetString("mailNickname"),
                        ["domainName"] = state.TenantDomain,
                        ["userSid"] = null,
                        ["azureAdUserId"] = user.Id,
                        ["userPrincipalName"] = user.UserPrincipalName,
                        ["displayName"] = user.DisplayName,
                    },
                });
            }

            alert.Set("evidence", evidence);
            state.Alerts.Add(alert);
        }
    }

    internal void AddDefaultApps(EmulatorState state)
    {
        var time = state.Time.GetUtcNow();
        if (!state.Apps.Values.Any(a => a.Name == "demo"))
        {
            var demo = new AppRegistration { Name = "demo", ClientId = NextGuid(), ObjectId = NextGuid(), IsPublicClient = true };
            demo.Secrets.Add(new ClientSecret(NewSecret(), time.AddYears(2)));
            foreach (var permission in GraphPermissions.DemoApplicationPermissions)
            {
                demo.RequestedApplicationPermissions.Add(permission);
                demo.GrantedApplicationPermissions.Add(permission);
                demo.AdminConsentedScopes.Add(permission);
            }

            foreach (var scope in GraphPermissions.BasicScopes)
            {
                demo.AdminConsentedScopes.Add(scope);
            }

            demo.RedirectUris.AddRange(DefaultRedirectUris);
            state.Apps.Add(demo.ClientId, demo);
        }

        if (!state.Apps.Values.Any(a => a.Name == "no-consent"))
        {
            var none = new AppRegistration { Name = "no-consent", ClientId = NextGuid(), ObjectId = NextGuid(), IsPublicClient = true };
            none.Secrets.Add(new ClientSecret(NewSecret(), time.AddYears(2)));
            foreach (var permission in GraphPermissions.DemoApplicationPermissions)
            {
                none.RequestedApplicationPermissions.Add(permission);
            }

            none.RedirectUris.AddRange(DefaultRedirectUris);
            state.Apps.Add(none.ClientId, none);
        }
    }

    internal static readonly string[] DefaultRedirectUris = ["http://localhost", "https://localhost/callback", "https://127.0.0.1/callback", "urn:ietf:wg:oauth:2.0:oob"];

    /// <summary>A secret shaped like Entra's (40 characters with a '~'); random, because it guards the emulator's port.</summary>
    internal static string NewSecret()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 40);
        chars[3] = '8';
        chars[4] = 'Q';
        chars[5] = '~';
        return new string(chars);
    }
}
