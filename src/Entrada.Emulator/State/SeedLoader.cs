using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Emulator.Graph;
using Entrada.Emulator.OData;

namespace Entrada.Emulator.State;

/// <summary>
/// Builds a tenant from a JSON seed: <c>tenant</c>, <c>skus</c>, <c>users</c> (Graph user properties plus
/// <c>password</c>, <c>licenses</c> and <c>risk</c>), <c>groups</c> (with <c>members</c> and <c>owners</c>
/// by UPN, ID or group name), <c>directoryRoles</c> and <c>apps</c>. Anything absent is generated as for an
/// empty tenant (SKUs, roles, alerts, the <c>demo</c> and <c>no-consent</c> apps).
/// </summary>
internal static class SeedLoader
{
    private static readonly HashSet<string> UserExtras = new(StringComparer.OrdinalIgnoreCase) { "id", "password", "licenses", "risk" };

    public static EmulatorState Load(string path, TimeProvider time)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return Load(document.RootElement, time, path);
    }

    internal static EmulatorState Load(JsonElement root, TimeProvider time, string source)
    {
        var generator = new TenantGenerator();
        var tenant = root.TryGetProperty("tenant", out var t) ? t : default;
        var tenantId = String(tenant, "id") ?? generator.NextGuid();
        var domain = String(tenant, "domain") ?? "entradaemulator.onmicrosoft.com";
        var state = new EmulatorState(time, tenantId, domain, String(tenant, "displayName") ?? "Entrada Emulated Tenant");
        state.VerifiedDomains.Add(domain);
        if (tenant.ValueKind == JsonValueKind.Object && tenant.TryGetProperty("verifiedDomains", out var domains))
        {
            state.VerifiedDomains.AddRange(domains.EnumerateArray().Select(d => d.GetString()!).Where(d => !d.Equals(domain, StringComparison.OrdinalIgnoreCase)));
        }

        generator.AddOrganization(state);
        if (root.TryGetProperty("skus", out var skus))
        {
            foreach (var sku in skus.EnumerateArray())
            {
                AddSku(state, generator, sku);
            }
        }
        else
        {
            generator.AddSkus(state, 0);
            ((JsonObject)state.FindSkuBySkuId(TenantGenerator.E5SkuId)!.Get("prepaidUnits")!)["enabled"] = 100;
        }

        if (root.TryGetProperty("users", out var users))
        {
            foreach (var element in users.EnumerateArray())
            {
                AddUser(state, element, source);
            }
        }

        if (root.TryGetProperty("groups", out var groups))
        {
            foreach (var element in groups.EnumerateArray())
            {
                var name = String(element, "displayName") ?? throw Invalid(source, "every group needs a displayName");
                var unified = element.TryGetProperty("groupTypes", out var types) && types.EnumerateArray().Any(x => x.GetString() == "Unified");
                var nickname = String(element, "mailNickname") ?? new string([.. name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]);
                var group = TenantGenerator.NewGroup(state, String(element, "id") ?? generator.NextGuid(), name, nickname, unified, time.GetUtcNow());
                group.Set("description", String(element, "description"));
                state.AddGroupLocked(group);
            }

            // Members after all groups exist, so groups can nest in any order.
            foreach (var element in groups.EnumerateArray())
            {
                var group = state.Groups.First(g => g.GetString("displayName") == String(element, "displayName"));
                foreach (var member in References(state, element, "members", source))
                {
                    group.AddMember(member);
                }

                group.Owners.AddRange(References(state, element, "owners", source));
            }
        }

        if (root.TryGetProperty("directoryRoles", out var roles))
        {
            foreach (var element in roles.EnumerateArray())
            {
                var templateId = String(element, "roleTemplateId")
                    ?? TenantGenerator.RoleTemplates.FirstOrDefault(r => r.Name.Equals(String(element, "displayName"), StringComparison.OrdinalIgnoreCase)).TemplateId
                    ?? throw Invalid(source, $"unknown directory role '{String(element, "displayName")}'");
                var role = TenantGenerator.NewRole(state, String(element, "id") ?? generator.NextGuid(), templateId);
                state.Objects.Add(role.Id, role);
                state.Roles.Add(role);
                foreach (var member in References(state, element, "members", source))
                {
                    role.Members.Add(member);
                    member.MemberOf.Add(role);
                }
            }
        }
        else
        {
            generator.AddRoles(state);
        }

        generator.AddAccess(state, extraAdministrators: false);
        generator.AddAlerts(state);
        if (root.TryGetProperty("apps", out var apps))
        {
            foreach (var element in apps.EnumerateArray())
            {
                AddApp(state, generator, element, time, source);
            }
        }

        generator.AddDefaultApps(state);
        AppDirectory.AddRegisteredApps(state, generator.NextGuid, time.GetUtcNow());
        return state;
    }

    private static void AddSku(EmulatorState state, TenantGenerator generator, JsonElement element)
    {
        var skuId = String(element, "skuId") ?? generator.NextGuid();
        var sku = new Entity(Schemas.SubscribedSku, state.TenantId + "_" + skuId, state.NextSeq());
        sku.Set("accountId", state.TenantId);
        sku.Set("accountName", state.TenantName);
        sku.Set("appliesTo", "User");
        sku.Set("capabilityStatus", String(element, "capabilityStatus") ?? "Enabled");
        sku.Set("consumedUnits", 0);
        sku.Set("prepaidUnits", new JsonObject { ["enabled"] = element.TryGetProperty("seats", out var seats) ? seats.GetInt32() : 25, ["lockedOut"] = 0, ["suspended"] = 0, ["warning"] = 0 });
        var plans = new JsonArray();
        if (element.TryGetProperty("servicePlans", out var servicePlans))
        {
            foreach (var plan in servicePlans.EnumerateArray())
            {
                plans.Add(new JsonObject { ["servicePlanId"] = String(plan, "servicePlanId") ?? generator.NextGuid(), ["servicePlanName"] = String(plan, "servicePlanName"), ["provisioningStatus"] = "Success", ["appliesTo"] = "User" });
            }
        }

        sku.Set("servicePlans", plans);
        sku.Set("skuId", skuId);
        sku.Set("skuPartNumber", String(element, "skuPartNumber") ?? "SKU_" + skuId[..8]);
        sku.Set("subscriptionIds", new[] { generator.NextGuid() });
        state.Skus.Add(sku);
    }

    private static void AddUser(EmulatorState state, JsonElement element, string source)
    {
        var upn = String(element, "userPrincipalName") ?? throw Invalid(source, "every user needs a userPrincipalName");
        var user = new UserObject(String(element, "id") ?? EmulatorState.NewId(), state.NextSeq());
        var guest = upn.Contains("#EXT#", StringComparison.OrdinalIgnoreCase);
        user.Set("userPrincipalName", upn);
        user.Set("displayName", upn.Split('@')[0]);
        user.Set("businessPhones", Array.Empty<string>());
        user.Set("accountEnabled", PropertyValues.Box(true));
        user.Set("userType", guest ? "Guest" : "Member");
        user.Set("mailNickname", upn.Split('@')[0]);
        user.Set("createdDateTime", state.Time.GetUtcNow());
        user.Set("usageLocation", "US");
        user.Set("otherMails", Array.Empty<string>());
        user.Set("proxyAddresses", Array.Empty<string>());
        user.Set("imAddresses", Array.Empty<string>());
        user.Set("creationType", guest ? "Invitation" : null);
        user.Set("identities", new JsonArray(guest
            ? new JsonObject { ["signInType"] = "federated", ["issuer"] = "ExternalAzureAD", ["issuerAssignedId"] = null }
            : new JsonObject { ["signInType"] = "userPrincipalName", ["issuer"] = state.TenantDomain, ["issuerAssignedId"] = upn }));
        foreach (var property in element.EnumerateObject())
        {
            if (UserExtras.Contains(property.Name))
            {
                continue;
            }

            if (!Schemas.User.TryGet(property.Name, out var def) || !PropertyValues.TryConvert(def, property.Value, out var value))
            {
                throw Invalid(source, $"user '{upn}' has an unknown or mistyped property '{property.Name}'");
            }

            user.Set(def, value);
        }

        user.Password = String(element, "password") ?? "Emulated-Pa55";
        if (element.TryGetProperty("licenses", out var licenses))
        {
            foreach (var license in licenses.EnumerateArray().Select(l => l.GetString()!))
            {
                var sku = state.Skus.FirstOrDefault(s => license.Equals(s.GetString("skuId"), StringComparison.OrdinalIgnoreCase) || license.Equals(s.GetString("skuPartNumber"), StringComparison.OrdinalIgnoreCase))
                    ?? throw Invalid(source, $"user '{upn}' has licence '{license}', which no SKU of the seed names");
                user.Licenses.Add(new JsonObject { ["disabledPlans"] = new JsonArray(), ["skuId"] = sku.GetString("skuId") });
                sku.Set("consumedUnits", (int)sku.Get("consumedUnits")! + 1);
            }
        }

        state.AddUserLocked(user);
        if (element.TryGetProperty("risk", out var risk))
        {
            state.SetRiskLocked(user, String(risk, "level") ?? "high", String(risk, "state") ?? "atRisk", "none", initiatedBy: null);
        }
    }

    private static void AddApp(EmulatorState state, TenantGenerator generator, JsonElement element, TimeProvider time, string source)
    {
        var app = new AppRegistration
        {
            Name = String(element, "name") ?? throw Invalid(source, "every app needs a name"),
            ClientId = String(element, "clientId") ?? generator.NextGuid(),
            ObjectId = generator.NextGuid(),
            IsPublicClient = !element.TryGetProperty("isPublicClient", out var pc) || pc.GetBoolean(),
        };
        app.Secrets.Add(new ClientSecret(String(element, "clientSecret") ?? TenantGenerator.NewSecret(), time.GetUtcNow().AddYears(2)));
        var permissions = element.TryGetProperty("permissions", out var p) ? p.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
        app.RequestedApplicationPermissions.UnionWith(element.TryGetProperty("requestedPermissions", out var rp) ? rp.EnumerateArray().Select(x => x.GetString()!) : GraphPermissions.DemoApplicationPermissions);
        app.GrantedApplicationPermissions.UnionWith(permissions);
        app.AdminConsentedScopes.UnionWith(permissions);
        if (permissions.Count > 0)
        {
            app.AdminConsentedScopes.UnionWith(GraphPermissions.BasicScopes);
        }

        app.RedirectUris.AddRange(element.TryGetProperty("redirectUris", out var r) ? r.EnumerateArray().Select(x => x.GetString()!) : TenantGenerator.DefaultRedirectUris);
        if (String(element, "certificatePem") is { } pem)
        {
            app.Certificates.Add(X509Certificate2.CreateFromPem(pem));
        }

        state.Apps.Add(app.ClientId, app);
    }

    private static List<DirectoryObject> References(EmulatorState state, JsonElement element, string property, string source)
    {
        if (!element.TryGetProperty(property, out var list))
        {
            return [];
        }

        return [.. list.EnumerateArray().Select(x => x.GetString()!).Select(reference =>
            (DirectoryObject?)state.FindUserLocked(reference)
            ?? (state.Objects.TryGetValue(reference, out var o) ? o : null)
            ?? state.Groups.FirstOrDefault(g => reference.Equals(g.GetString("displayName"), StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(source, $"'{reference}' in {property} names no user or group of the seed"))];
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static InvalidDataException Invalid(string source, string problem) => new($"The seed '{source}' is invalid: {problem}.");
}
