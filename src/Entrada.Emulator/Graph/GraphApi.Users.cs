using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>Users: list, get (by id or UPN), create, update, delete, sessions, licences and memberships.</summary>
internal sealed partial class GraphApi
{
    private GraphRoute UserRoutes(GraphRequest request, string[] rest, string idOrUpn, bool isMe)
    {
        var method = request.Method;
        if (rest.Length == 0)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.UsersRead, () => GetUser(request, idOrUpn), Cost: 2),
                "PATCH" => new GraphRoute(isMe ? GraphOperation.MeUpdate : UpdateOperation(request), () => UpdateUser(request, idOrUpn), IsWrite: true),
                "DELETE" when !isMe => new GraphRoute(GraphOperation.UsersDelete, () => DeleteUser(idOrUpn), IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        var sub = rest[0];
        switch (sub)
        {
            case "revokeSignInSessions" when method == "POST":
                return new GraphRoute(isMe ? GraphOperation.Me : GraphOperation.UsersRevokeSessions, () => RevokeSessions(idOrUpn), IsWrite: true);
            case "assignLicense" when method == "POST":
                return new GraphRoute(GraphOperation.LicensesAssign, () => AssignLicense(request, idOrUpn), IsWrite: true);
            case "licenseDetails" when method == "GET":
                return new GraphRoute(isMe ? GraphOperation.Me : GraphOperation.UsersLicenseDetails, () => LicenseDetails(request, idOrUpn, rest.Length > 1 ? rest[1] : null), Cost: 2);
            case "memberOf" or "transitiveMemberOf" when method == "GET":
                return new GraphRoute(GraphOperation.UsersMemberOf, () =>
                {
                    var user = FindUser(idOrUpn);
                    var items = sub == "memberOf" ? [.. user.MemberOf.OrderBy(m => m.Seq)] : TransitiveMemberOf(user);
                    return LinkCollection(request, items, rest[1..]);
                }, Cost: 2);
            case "authentication":
                return AuthenticationRoutes(request, rest[1..], idOrUpn, isMe);
            case "manager" or "directReports" or "ownedDevices" or "registeredDevices":
                return ReportingRoutes(request, rest, idOrUpn);
        }

        return MembershipFunction(request, sub, () => FindUser(idOrUpn)) ?? throw GraphException.NoRoute(sub);
    }

    private static GraphOperation UpdateOperation(GraphRequest request)
    {
        if (request.Body is { ValueKind: JsonValueKind.Object } body)
        {
            var names = body.EnumerateObject().Select(p => p.Name).Where(n => !n.StartsWith('@')).ToList();
            if (names.Count > 0 && names.All(n => n.Equals("accountEnabled", StringComparison.OrdinalIgnoreCase)))
            {
                return GraphOperation.UsersEnableDisable;
            }

            if (names.Count > 0 && names.All(n => n.Equals("identities", StringComparison.OrdinalIgnoreCase)))
            {
                return GraphOperation.UsersManageIdentities;
            }
        }

        return GraphOperation.UsersUpdate;
    }

    private GraphResponse ListUsers(GraphRequest request) =>
        QueryEngine.Collection(request, Base, State.Users, "users", CollectionRules.TopLevel, [Schemas.User]);

    private GraphResponse GetUser(GraphRequest request, string idOrUpn) =>
        QueryEngine.Entity(request, Base, FindUser(idOrUpn), "users");

    private GraphResponse CreateUser(GraphRequest request)
    {
        var body = RequireBody(request);
        var schema = Schemas.User;
        foreach (var required in (string[])["accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile"])
        {
            if (!schema.TryGetValue(body, required, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                throw GraphException.BadRequest($"Invalid value specified for property '{required}' of resource 'User'.");
            }
        }

        schema.TryGetValue(body, "userPrincipalName", out var upnValue);
        var upn = upnValue.ValueKind == JsonValueKind.String ? upnValue.GetString()! : string.Empty;
        CheckUpn(upn, existing: null);
        schema.TryGetValue(body, "passwordProfile", out var profile);
        var password = profile.TryGetPropertyIgnoringCase("password", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (string.IsNullOrEmpty(password))
        {
            throw GraphException.BadRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.");
        }

        var now = Now;
        var user = new UserObject(EmulatorState.NewId(), State.NextSeq());
        user.Set("businessPhones", Array.Empty<string>());
        user.Set("userType", "Member");
        user.Set("createdDateTime", now);
        user.Set("otherMails", Array.Empty<string>());
        user.Set("proxyAddresses", Array.Empty<string>());
        user.Set("imAddresses", Array.Empty<string>());
        user.Set("identities", new JsonArray(new JsonObject { ["signInType"] = "userPrincipalName", ["issuer"] = State.TenantDomain, ["issuerAssignedId"] = upn }));
        user.Set("assignedLicenses", new JsonArray());
        ApplyProperties(user, body);
        user.Password = password;
        if (user.GetString("mail") is { } mail)
        {
            user.Set("proxyAddresses", new[] { "SMTP:" + mail });
        }

        State.AddUserLocked(user);
        var response = QueryEngine.Entity(request, Base, user, "users");
        return new GraphResponse { Status = 201, ContentType = response.ContentType, Body = response.Body, Headers = { ["Location"] = $"{Base}/users/{user.Id}" } };
    }

    private void CheckUpn(string upn, UserObject? existing)
    {
        var at = upn.LastIndexOf('@');
        if (at <= 0 || !State.VerifiedDomains.Contains(upn[(at + 1)..], StringComparer.OrdinalIgnoreCase))
        {
            throw GraphException.BadRequest("The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.");
        }

        if (State.UsersByUpn.TryGetValue(upn, out var other) && other != existing)
        {
            throw GraphException.BadRequest("Another object with the same value for property userPrincipalName already exists.");
        }
    }

    private GraphResponse UpdateUser(GraphRequest request, string idOrUpn)
    {
        var user = FindUser(idOrUpn);
        var body = RequireBody(request);
        var oldUpn = user.UserPrincipalName;
        string? password = null;
        if (Schemas.User.TryGetValue(body, "userPrincipalName", out var newUpn) && newUpn.ValueKind == JsonValueKind.String && newUpn.GetString() is { } upnValue && !upnValue.Equals(oldUpn, StringComparison.OrdinalIgnoreCase))
        {
            CheckUpn(upnValue, user);
        }

        if (Schemas.User.TryGetValue(body, "passwordProfile", out var profile) && profile.TryGetPropertyIgnoringCase("password", out var pw) && pw.ValueKind == JsonValueKind.String)
        {
            password = pw.GetString();
        }

        ApplyProperties(user, body);
        if (password is not null)
        {
            user.Password = password;
        }

        if (!string.Equals(oldUpn, user.UserPrincipalName, StringComparison.Ordinal))
        {
            State.UsersByUpn.Remove(oldUpn);
            State.UsersByUpn[user.UserPrincipalName] = user;
        }

        return GraphResponse.NoContent();
    }

    private GraphResponse DeleteUser(string idOrUpn)
    {
        State.DeleteObjectLocked(FindUser(idOrUpn));
        return GraphResponse.NoContent();
    }

    private GraphResponse RevokeSessions(string idOrUpn)
    {
        State.RevokeLocked(FindUser(idOrUpn));
        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", Base + "/$metadata#Edm.Boolean");
            w.WriteBoolean("value", true);
            w.WriteEndObject();
        });
    }

    private GraphResponse AssignLicense(GraphRequest request, string idOrUpn)
    {
        var user = FindUser(idOrUpn);
        var body = RequireBody(request);
        if (!body.TryGetPropertyIgnoringCase("addLicenses", out var add) || add.ValueKind != JsonValueKind.Array
            || !body.TryGetPropertyIgnoringCase("removeLicenses", out var remove) || remove.ValueKind != JsonValueKind.Array)
        {
            throw GraphException.BadRequest("Invalid value specified for property 'addLicenses' or 'removeLicenses': both are required (either may be empty).");
        }

        var additions = new List<(Entity Sku, string SkuId, string[] Disabled)>();
        foreach (var item in add.EnumerateArray())
        {
            var skuId = item.TryGetPropertyIgnoringCase("skuId", out var s) ? s.GetString() : null;
            var sku = State.FindSkuBySkuId(skuId) ?? throw GraphException.BadRequest($"License {skuId} does not correspond to a valid company License.");
            var disabled = item.TryGetPropertyIgnoringCase("disabledPlans", out var d) && d.ValueKind == JsonValueKind.Array ? d.EnumerateArray().Select(x => x.GetString()!).ToArray() : [];
            additions.Add((sku, skuId!, disabled));
        }

        var removals = remove.EnumerateArray().Select(r => r.GetString()!).ToList();
        if (additions.Count > 0 && string.IsNullOrEmpty(user.GetString("usageLocation")))
        {
            throw GraphException.BadRequest("License assignment cannot be done for user with invalid usage location.");
        }

        var licenses = user.Licenses;
        JsonObject? Existing(string skuId) => licenses.OfType<JsonObject>().FirstOrDefault(l => string.Equals((string?)l["skuId"], skuId, StringComparison.OrdinalIgnoreCase));
        foreach (var (sku, skuId, _) in additions)
        {
            var prepaid = (JsonObject)sku.Get("prepaidUnits")!;
            var free = (int)prepaid["enabled"]! - (int)sku.Get("consumedUnits")!;
            if (Existing(skuId) is null && !removals.Contains(skuId, StringComparer.OrdinalIgnoreCase) && free <= 0)
            {
                throw GraphException.BadRequest($"Subscription with SKU {skuId} does not have any available licenses.");
            }
        }

        foreach (var skuId in removals)
        {
            var existing = Existing(skuId) ?? throw GraphException.BadRequest($"User does not have a corresponding license {skuId} to remove.");
            licenses.Remove(existing);
            var sku = State.FindSkuBySkuId(skuId);
            sku?.Set("consumedUnits", (int)sku.Get("consumedUnits")! - 1);
        }

        foreach (var (sku, skuId, disabled) in additions)
        {
            var existing = Existing(skuId);
            var plans = new JsonArray([.. disabled.Select(d => (JsonNode)d)]);
            if (existing is null)
            {
                licenses.Add(new JsonObject { ["disabledPlans"] = plans, ["skuId"] = skuId });
                sku.Set("consumedUnits", (int)sku.Get("consumedUnits")! + 1);
            }
            else
            {
                existing["disabledPlans"] = plans;
            }
        }

        // Graph answers with the user's full property set here, licences included.
        return QueryEngine.Entity(request, Base, user, "users", selectOverride: [.. Schemas.User.Properties.Where(p => !p.IsWriteOnly).Select(p => p.Name)]);
    }

    private GraphResponse LicenseDetails(GraphRequest request, string idOrUpn, string? detailId)
    {
        var user = FindUser(idOrUpn);
        var details = new List<Entity>();
        foreach (var license in user.Licenses.OfType<JsonObject>())
        {
            var skuId = (string)license["skuId"]!;
            var sku = State.FindSkuBySkuId(skuId);
            var disabled = license["disabledPlans"] is JsonArray d ? d.Select(x => (string?)x).ToHashSet(StringComparer.OrdinalIgnoreCase) : [];
            var detail = new Entity(Schemas.LicenseDetails, Convert.ToBase64String(Guid.Parse(skuId).ToByteArray()).TrimEnd('=').Replace('/', '_').Replace('+', '-') + user.Id[..8], details.Count + 1);
            detail.Set("skuId", skuId);
            detail.Set("skuPartNumber", sku?.GetString("skuPartNumber"));
            var plans = new JsonArray();
            foreach (var plan in (sku?.Get("servicePlans") as JsonArray ?? []).OfType<JsonObject>())
            {
                plans.Add(new JsonObject
                {
                    ["servicePlanId"] = (string?)plan["servicePlanId"],
                    ["servicePlanName"] = (string?)plan["servicePlanName"],
                    ["provisioningStatus"] = disabled.Contains((string?)plan["servicePlanId"]) ? "Disabled" : "Success",
                    ["appliesTo"] = "User",
                });
            }

            detail.Set("servicePlans", plans);
            details.Add(detail);
        }

        if (detailId is not null)
        {
            var one = details.FirstOrDefault(d => d.Id == detailId) ?? throw GraphException.NotFound(detailId);
            return QueryEngine.Entity(request, Base, one, $"users('{user.Id}')/licenseDetails");
        }

        return QueryEngine.Collection(request, Base, details, $"users('{user.Id}')/licenseDetails", new CollectionRules { DirectoryObjects = false, AllowTop = false, AllowOrderBy = false }, [Schemas.LicenseDetails]);
    }
}
