using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>
/// Conditional access: policies (list, get, create, update, delete) and named locations of IP
/// ranges or countries, polymorphic by <c>@odata.type</c>, with <c>isof</c> and type-cast filters.
/// </summary>
internal sealed partial class GraphApi
{
    private static readonly CollectionRules PolicyRules = new() { DirectoryObjects = false, AllowSearch = false, AllowSkip = true, SeqOrdered = true };

    private static readonly CollectionRules NamedLocationRules = new() { DirectoryObjects = false, AllowSearch = false, AllowSkip = true, Polymorphic = true, SeqOrdered = true };

    private static readonly string[] PolicyStates = ["enabled", "disabled", "enabledForReportingButNotEnforced"];

    private const string PoliciesSet = "identity/conditionalAccess/policies";

    private const string NamedLocationsSet = "identity/conditionalAccess/namedLocations";

    private GraphRoute ConditionalAccessRoutes(GraphRequest request, string[] s)
    {
        var method = request.Method;
        switch (s[2])
        {
            case "policies" when s.Length == 3:
                return method switch
                {
                    "GET" => new GraphRoute(GraphOperation.ConditionalAccessPoliciesRead, () => QueryEngine.Collection(request, Base, State.ConditionalAccessPolicies, PoliciesSet, PolicyRules, [AccessSchemas.ConditionalAccessPolicy])),
                    "POST" => new GraphRoute(GraphOperation.ConditionalAccessPoliciesWrite, () => CreatePolicy(request), IsWrite: true),
                    _ => throw MethodNotAllowed(),
                };
            case "policies" when s.Length == 4:
                return method switch
                {
                    "GET" => new GraphRoute(GraphOperation.ConditionalAccessPoliciesRead, () => WithTip(request, QueryEngine.Entity(request, Base, FindPolicy(s[3]), PoliciesSet))),
                    "PATCH" => new GraphRoute(GraphOperation.ConditionalAccessPoliciesWrite, () => UpdatePolicy(request, FindPolicy(s[3])), IsWrite: true),
                    "DELETE" => new GraphRoute(GraphOperation.ConditionalAccessPoliciesWrite, () =>
                    {
                        SeqOrder.Remove(State.ConditionalAccessPolicies, FindPolicy(s[3]));
                        return GraphResponse.NoContent();
                    }, IsWrite: true),
                    _ => throw MethodNotAllowed(),
                };
            case "namedLocations" when s.Length == 3:
                return method switch
                {
                    "GET" => new GraphRoute(GraphOperation.NamedLocationsRead, () => QueryEngine.Collection(request, Base, State.NamedLocations, NamedLocationsSet, NamedLocationRules, AccessSchemas.NamedLocations)),
                    "POST" => new GraphRoute(GraphOperation.NamedLocationsWrite, () => CreateNamedLocation(request), IsWrite: true),
                    _ => throw MethodNotAllowed(),
                };
            case "namedLocations" when s.Length == 4:
                return method switch
                {
                    "GET" => new GraphRoute(GraphOperation.NamedLocationsRead, () => QueryEngine.Entity(request, Base, FindNamedLocation(s[3]), NamedLocationsSet, includeType: true)),
                    "PATCH" => new GraphRoute(GraphOperation.NamedLocationsWrite, () => UpdateNamedLocation(request, FindNamedLocation(s[3])), IsWrite: true),
                    "DELETE" => new GraphRoute(GraphOperation.NamedLocationsWrite, () => DeleteNamedLocation(FindNamedLocation(s[3])), IsWrite: true),
                    _ => throw MethodNotAllowed(),
                };
            default:
                throw GraphException.NoRoute(s[Math.Min(3, s.Length - 1)]);
        }
    }

    private Entity FindPolicy(string id) =>
        State.ConditionalAccessPolicies.FirstOrDefault(p => p.Id.Equals(id, StringComparison.OrdinalIgnoreCase)) ?? throw GraphException.NotFound(id);

    private Entity FindNamedLocation(string id) =>
        State.NamedLocations.FirstOrDefault(l => l.Id.Equals(id, StringComparison.OrdinalIgnoreCase)) ?? throw GraphException.NotFound(id);

    private static GraphException InvalidPolicy(string message) => new(400, "BadRequest", message);

    private static void CheckPolicyState(JsonElement body)
    {
        if (body.TryGetProperty("state", out var state) && (state.ValueKind != JsonValueKind.String || !PolicyStates.Contains(state.GetString())))
        {
            throw InvalidPolicy($"The value '{state.GetRawText()}' is not valid for property 'state'; it must be one of {string.Join(", ", PolicyStates)}.");
        }
    }

    private GraphResponse CreatePolicy(GraphRequest request)
    {
        var body = RequireBody(request);
        if (!body.TryGetProperty("displayName", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
        {
            throw InvalidPolicy("The property 'displayName' is required.");
        }

        if (!body.TryGetProperty("conditions", out var conditions) || conditions.ValueKind != JsonValueKind.Object
            || !conditions.TryGetProperty("applications", out _) || !conditions.TryGetProperty("users", out _))
        {
            throw InvalidPolicy("The property 'conditions' is required, with 'applications' and 'users'.");
        }

        CheckPolicyState(body);
        var now = Now;
        var policy = new Entity(AccessSchemas.ConditionalAccessPolicy, EmulatorState.NewId(), State.NextSeq());
        policy.Set("state", "disabled");
        policy.Set("createdDateTime", now);
        ApplyProperties(policy, body);
        NormalisePolicy(policy);
        State.ConditionalAccessPolicies.Add(policy);
        return Created(QueryEngine.Entity(new GraphRequest { Method = "GET", Segments = request.Segments, Query = [], Headers = request.Headers }, Base, policy, PoliciesSet));
    }

    private GraphResponse UpdatePolicy(GraphRequest request, Entity policy)
    {
        var body = RequireBody(request);
        CheckPolicyState(body);
        ApplyProperties(policy, body);
        NormalisePolicy(policy);
        policy.Set("modifiedDateTime", Now);
        return GraphResponse.NoContent();
    }

    /// <summary>Graph's tip on a policy read without <c>$select</c>, as the documented answer carries it.</summary>
    private static GraphResponse WithTip(GraphRequest request, GraphResponse response)
    {
        if (request.Query.ContainsKey("$select"))
        {
            return response;
        }

        var root = JsonNode.Parse(response.Body!)!.AsObject();
        root["@microsoft.graph.tips"] = "Use $select to choose only the properties your app needs, as this can lead to performance improvements. For example: GET identity/conditionalAccess/policies('<guid>')?$select=conditions,createdDateTime";
        return GraphResponse.Json(response.Status, w => root.WriteTo(w));
    }

    /// <summary>A policy as Graph keeps it: every condition and control present, the absent ones empty or null.</summary>
    private static void NormalisePolicy(Entity policy)
    {
        static void Defaults(JsonObject target, string[] arrays, string[] nulls)
        {
            foreach (var name in arrays)
            {
                target[name] ??= new JsonArray();
            }

            foreach (var name in nulls.Where(n => !target.ContainsKey(n)))
            {
                target[name] = null;
            }
        }

        var conditions = policy.Get("conditions") as JsonObject ?? [];
        Defaults(conditions, ["userRiskLevels", "signInRiskLevels", "clientAppTypes", "servicePrincipalRiskLevels"], ["insiderRiskLevels", "platforms", "locations", "devices", "clientApplications"]);
        var applications = conditions["applications"] as JsonObject ?? [];
        Defaults(applications, ["includeApplications", "excludeApplications", "includeUserActions", "includeAuthenticationContextClassReferences"], ["applicationFilter"]);
        conditions["applications"] = applications;
        var users = conditions["users"] as JsonObject ?? [];
        Defaults(users, ["includeUsers", "excludeUsers", "includeGroups", "excludeGroups", "includeRoles", "excludeRoles"], ["includeGuestsOrExternalUsers", "excludeGuestsOrExternalUsers"]);
        conditions["users"] = users;
        policy.Set("conditions", conditions);
        if (policy.Get("grantControls") is JsonObject grant)
        {
            Defaults(grant, ["builtInControls", "customAuthenticationFactors", "termsOfUse"], ["operator", "authenticationStrength"]);
        }
    }

    private GraphResponse CreateNamedLocation(GraphRequest request)
    {
        var body = RequireBody(request);
        var schema = NamedLocationSchema(body) ?? throw GraphException.BadRequest("The property '@odata.type' is required: '#microsoft.graph.ipNamedLocation' or '#microsoft.graph.countryNamedLocation'.");
        if (!body.TryGetProperty("displayName", out var name) || name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
        {
            throw GraphException.BadRequest("The property 'displayName' is required.");
        }

        CheckNamedLocation(schema, body, creating: true);
        var now = Now;
        var location = new Entity(schema, EmulatorState.NewId(), State.NextSeq());
        location.Set("createdDateTime", now);
        location.Set("modifiedDateTime", now);
        if (schema == AccessSchemas.IpNamedLocation)
        {
            location.Set("isTrusted", PropertyValues.Box(false));
        }
        else
        {
            location.Set("includeUnknownCountriesAndRegions", PropertyValues.Box(false));
            location.Set("countryLookupMethod", "clientIpAddress");
        }

        ApplyProperties(location, body);
        State.NamedLocations.Add(location);
        return Created(QueryEngine.Entity(new GraphRequest { Method = "GET", Segments = request.Segments, Query = [], Headers = request.Headers }, Base, location, NamedLocationsSet, includeType: true));
    }

    private GraphResponse UpdateNamedLocation(GraphRequest request, Entity location)
    {
        var body = RequireBody(request);
        // Graph wants the derived type named on an update, and it must be the location's own.
        var schema = NamedLocationSchema(body) ?? throw GraphException.BadRequest("The property '@odata.type' is required on an update of a named location.");
        if (schema != location.Schema)
        {
            throw GraphException.BadRequest($"The named location '{location.Id}' is a {location.Schema.TypeName}, not a {schema.TypeName}.");
        }

        CheckNamedLocation(schema, body, creating: false);
        ApplyProperties(location, body);
        location.Set("modifiedDateTime", Now);
        return GraphResponse.NoContent();
    }

    private GraphResponse DeleteNamedLocation(Entity location)
    {
        var users = State.ConditionalAccessPolicies
            .Where(p => p.Get("conditions") is JsonObject c && c["locations"] is JsonObject l
                && new[] { l["includeLocations"], l["excludeLocations"] }.OfType<JsonArray>().SelectMany(a => a).Any(x => string.Equals(x?.GetValue<string>(), location.Id, StringComparison.OrdinalIgnoreCase)))
            .Select(p => p.GetString("displayName"))
            .ToList();
        if (users.Count > 0)
        {
            throw GraphException.BadRequest($"The named location cannot be deleted because it is referenced by conditional access policies: {string.Join(", ", users.Select(u => $"'{u}'"))}.");
        }

        SeqOrder.Remove(State.NamedLocations, location);
        return GraphResponse.NoContent();
    }

    private static EntitySchema? NamedLocationSchema(JsonElement body) =>
        body.TryGetProperty("@odata.type", out var type) && type.ValueKind == JsonValueKind.String
            ? AccessSchemas.NamedLocations.FirstOrDefault(s => string.Equals("#" + s.TypeName, type.GetString(), StringComparison.OrdinalIgnoreCase) || string.Equals(s.TypeName, type.GetString(), StringComparison.OrdinalIgnoreCase))
            : null;

    private static void CheckNamedLocation(EntitySchema schema, JsonElement body, bool creating)
    {
        if (schema == AccessSchemas.IpNamedLocation)
        {
            if (!body.TryGetProperty("ipRanges", out var ranges))
            {
                if (creating)
                {
                    throw GraphException.BadRequest("The property 'ipRanges' is required for an IP named location.");
                }

                return;
            }

            if (ranges.ValueKind != JsonValueKind.Array || ranges.GetArrayLength() == 0)
            {
                throw GraphException.BadRequest("The property 'ipRanges' must hold at least one range.");
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var range in ranges.EnumerateArray())
            {
                var cidr = range.ValueKind == JsonValueKind.Object && range.TryGetProperty("cidrAddress", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : string.Empty;
                var type = range.ValueKind == JsonValueKind.Object && range.TryGetProperty("@odata.type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()!.TrimStart('#') : null;
                if (!TryParseCidr(cidr, out var family))
                {
                    throw GraphException.BadRequest($"The IP range '{cidr}' is not a valid CIDR range.");
                }

                var expected = family == AddressFamily.InterNetwork ? "microsoft.graph.iPv4CidrRange" : "microsoft.graph.iPv6CidrRange";
                if (type is not null && !type.Equals(expected, StringComparison.OrdinalIgnoreCase))
                {
                    throw GraphException.BadRequest($"The IP range '{cidr}' is not a {type}.");
                }

                if (!seen.Add(cidr))
                {
                    throw GraphException.BadRequest($"The IP range '{cidr}' is given more than once.");
                }
            }
        }
        else if (body.TryGetProperty("countriesAndRegions", out var countries))
        {
            if (countries.ValueKind != JsonValueKind.Array || countries.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String || c.GetString()!.Length != 2 || !c.GetString()!.All(char.IsAsciiLetterUpper)))
            {
                throw GraphException.BadRequest("The property 'countriesAndRegions' must hold two-letter ISO 3166 country codes in capitals.");
            }
        }
        else if (creating)
        {
            throw GraphException.BadRequest("The property 'countriesAndRegions' is required for a country named location.");
        }
    }

    /// <summary>An address and a prefix length that fits its family (host bits may be set, as Graph accepts).</summary>
    internal static bool TryParseCidr(string text, out AddressFamily family)
    {
        family = AddressFamily.Unknown;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        family = address.AddressFamily;
        return prefix <= (family == AddressFamily.InterNetwork ? 32 : 128) && !text.AsSpan(0, slash).Contains('%');
    }
}
