using System.Text.Json;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;
using Entrada.Emulator.Throttling;

namespace Entrada.Emulator.Graph;

/// <summary>A resolved Graph route: what it needs, what it costs and how it runs.</summary>
internal sealed record GraphRoute(GraphOperation Operation, Func<GraphResponse> Run, int Cost = 1, bool IsWrite = false, bool IsIdentityProtection = false);

/// <summary>
/// Microsoft Graph v1.0 for one emulated tenant: authentication, authorisation, throttling and the
/// routes of each feature (users, groups, directory, Identity Protection, security alerts).
/// </summary>
internal sealed partial class GraphApi(EmulatorContext context)
{
    private EmulatorState State => context.State;

    /// <summary>The request whose route runs now: routes run one at a time, under <see cref="EmulatorState.Sync"/>.</summary>
    private GraphRequest? _current;

    /// <summary>
    /// The Graph base of links in the answer (<c>@odata.context</c>, <c>@odata.nextLink</c>, <c>Location</c> …): the
    /// scheme and host the current request came to, as Graph answers with the host the client called; the
    /// configured address outside a request.
    /// </summary>
    private string Base => _current?.GraphBase ?? context.GraphBase;

    private DateTimeOffset Now => context.Time.GetUtcNow();

    /// <summary>Authenticates, routes, authorises, throttles and runs one request.</summary>
    public GraphResponse Execute(GraphRequest request)
    {
        var now = Now;
        var response = ExecuteCore(request, now);
        if (ODataMetadata.IsNone(request))
        {
            response = ODataMetadata.WithoutAnnotations(response);
        }

        response.Headers["request-id"] = request.RequestId;
        response.Headers["client-request-id"] = request.ClientRequestId;
        response.Headers["x-ms-ags-diagnostic"] = """{"ServerInfo":{"DataCenter":"Emulator","Slice":"E","Ring":"0","ScaleUnit":"000","RoleInstance":"EMU"}}""";
        return response;
    }

    /// <summary>Validates the bearer token and sets <see cref="GraphRequest.Token"/>; returns the 401 on failure.</summary>
    public GraphResponse? Authenticate(GraphRequest request)
    {
        if (request.Token is not null)
        {
            return null;
        }

        var now = Now;
        var authorization = request.Header("Authorization");
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= 7)
        {
            return Unauthorized(request, now, "Access token is empty.");
        }

        var token = context.Tokens.Validate(authorization[7..].Trim(), State.TenantId, out var error);
        if (token is null)
        {
            return Unauthorized(request, now, error!);
        }

        request.Token = token;
        return null;
    }

    private GraphResponse ExecuteCore(GraphRequest request, DateTimeOffset now)
    {
        if (Authenticate(request) is { } unauthorized)
        {
            return unauthorized;
        }

        try
        {
            lock (State.Sync)
            {
                using var current = new CurrentRequest(this, request);
                request.State = State;
                State.PurgeExpiredLocked(now);
                if (request.IsCount && request.Method != "GET")
                {
                    throw MethodNotAllowed();
                }

                ResolveAlternateKeys(request);
                var route = Route(request);
                if (!GraphPermissions.IsAllowed(route.Operation, request.Token!.Permissions))
                {
                    return GraphException.Write(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", request, now);
                }

                var cost = AdjustCost(request, route.Cost);

                // The service limit a request meets is its path's (auditLogs/*, identityProtection/*,
                // identity/conditionalAccess/*), classified once here for every route there is or will be.
                var pathClass = ThrottleGate.ClassOf(request.Segments, route.IsIdentityProtection);
                var decision = context.Throttle.Check(request.Token.AppId, State.TenantId, State.Users.Count, cost, route.IsWrite, pathClass);
                if (!decision.Allowed)
                {
                    return Throttled(request, now, decision, pathClass == ThrottleClass.IdentityProtection);
                }

                var response = route.Run();
                if (request.IsCount && response.Status == 200 && response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true)
                {
                    // A route that answers an object, not a collection: there is nothing to count.
                    throw GraphException.NoRoute("$count");
                }

                response.Headers["x-ms-resource-unit"] = cost.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (decision.UsedFraction >= 0.8)
                {
                    response.Headers["x-ms-throttle-limit-percentage"] = ThrottleGate.FormatPercentage(decision.UsedFraction);
                }

                return response;
            }
        }
        catch (GraphException e)
        {
            return e.ToResponse(request, now);
        }
    }

    /// <summary>Makes a request the current one (for <see cref="Base"/>) while its route runs under the state lock.</summary>
    private readonly ref struct CurrentRequest
    {
        private readonly GraphApi _api;

        public CurrentRequest(GraphApi api, GraphRequest request)
        {
            _api = api;
            api._current = request;
        }

        public void Dispose() => _api._current = null;
    }

    private static int AdjustCost(GraphRequest request, int cost)
    {
        if (request.Method == "GET")
        {
            if (request.Query.ContainsKey("$select"))
            {
                cost--;
            }

            if (request.Query.ContainsKey("$expand"))
            {
                cost++;
            }

            if (request.Query.TryGetValue("$top", out var top) && int.TryParse(top, out var t) && t < 20)
            {
                cost--;
            }
        }

        return Math.Max(1, cost);
    }

    private static GraphResponse Unauthorized(GraphRequest request, DateTimeOffset now, string message)
    {
        var response = GraphException.Write(401, "InvalidAuthenticationToken", message, request, now);
        response.Headers["WWW-Authenticate"] = "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"";
        return response;
    }

    internal static GraphResponse Throttled(GraphRequest request, DateTimeOffset now, ThrottleDecision decision, bool identityProtection)
    {
        var response = GraphException.Write(429, "TooManyRequests", "Please retry again later.", request, now, w =>
        {
            w.WriteString("code", "429");
            w.WriteString("message", "Please retry after");
            w.WriteString("status", "429");
        });
        if (!identityProtection && decision.RetryAfterSeconds is { } seconds)
        {
            response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (decision.Scope is not null)
        {
            response.Headers["x-ms-throttle-scope"] = decision.Scope;
        }

        if (decision.Information is not null)
        {
            response.Headers["x-ms-throttle-information"] = decision.Information;
        }

        return response;
    }

    private static GraphException MethodNotAllowed() => new(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");

    /// <summary>Matches the path and method to a route (called under the state lock).</summary>
    private GraphRoute Route(GraphRequest request)
    {
        var s = request.Segments;
        if (s.Length == 0)
        {
            throw GraphException.NoRoute(string.Empty);
        }

        var method = request.Method;
        switch (s[0])
        {
            case "me":
                if (request.Token!.IsApp)
                {
                    throw GraphException.BadRequest("/me request is only valid with delegated authentication flow.");
                }

                if (s.Length == 1 && method == "GET")
                {
                    return new GraphRoute(GraphOperation.Me, () => GetUser(request, request.Token.ObjectId), Cost: 2);
                }

                return UserRoutes(request, [.. s.Skip(1)], request.Token.ObjectId, isMe: true);
            case "users":
                if (s.Length == 1)
                {
                    return method switch
                    {
                        "GET" => new GraphRoute(GraphOperation.UsersRead, () => ListUsers(request), Cost: 2),
                        "POST" => new GraphRoute(GraphOperation.UsersCreate, () => CreateUser(request), IsWrite: true),
                        _ => throw MethodNotAllowed(),
                    };
                }

                if (s.Length == 2 && s[1] == "delta")
                {
                    return method == "GET" ? new GraphRoute(GraphOperation.UsersRead, () => Delta(request, DeltaKind.Users), Cost: 2) : throw MethodNotAllowed();
                }

                return UserRoutes(request, [.. s.Skip(2)], s[1], isMe: false);
            case "groups":
                return GroupRoutes(request, s);
            case "directoryObjects":
                return DirectoryObjectRoutes(request, s);
            case "directory" when s.Length >= 2 && s[1] == "deletedItems":
                return DeletedItemRoutes(request, s);
            case "organization":
                return OrganizationRoutes(request, s);
            case "directoryRoles":
                return RoleRoutes(request, s);
            case "subscribedSkus":
                return SkuRoutes(request, s);
            case "identityProtection" when s.Length >= 2 && s[1] == "riskyUsers":
                return RiskyUserRoutes(request, s);
            case "security" when s.Length >= 2 && s[1] == "alerts_v2":
                return AlertRoutes(request, s);
            case "roleManagement" when s.Length >= 3 && s[1] == "directory":
                return RoleManagementRoutes(request, s);
            case "identity" when s.Length >= 3 && s[1] == "conditionalAccess":
                return ConditionalAccessRoutes(request, s);
            case "auditLogs":
                return AuditLogRoutes(request, s);
            case "identityProtection" when s.Length >= 2 && s[1] == "riskDetections":
                return RiskDetectionRoutes(request, s);
            case "invitations":
                return InvitationRoutes(request, s);
            case "applications":
                return ApplicationRoutes(request, s);
            case "servicePrincipals":
                return ServicePrincipalRoutes(request, s);
            case "devices":
                return DeviceRoutes(request, s);
            default:
                throw GraphException.NoRoute(s[0]);
        }
    }

    // ---- shared helpers -------------------------------------------------------------------------------

    private static JsonElement RequireBody(GraphRequest request)
    {
        if (request.Body is not { ValueKind: JsonValueKind.Object } body)
        {
            throw GraphException.BadRequest("Write requests (excluding DELETE) must contain the Content-Type header declaration.");
        }

        return body;
    }

    /// <summary>Sets properties from a request body through the schema; unknown or read-only properties are refused.</summary>
    private static void ApplyProperties(Entity entity, JsonElement body, Func<string, JsonElement, bool>? special = null)
    {
        // Validate everything first so a failed request changes nothing.
        var pending = new List<(PropertyDef Property, object? Value)>();
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name.StartsWith('@') || (special?.Invoke(property.Name, property.Value) ?? false))
            {
                continue;
            }

            if (!entity.Schema.TryGet(property.Name, out var def))
            {
                throw GraphException.BadRequest($"Property '{property.Name}' does not exist as a declared property or extension property.");
            }

            if (def.IsReadOnly)
            {
                throw GraphException.BadRequest($"Property '{def.Name}' is read-only and cannot be set.");
            }

            if (!PropertyValues.TryConvert(def, property.Value, out var value))
            {
                throw GraphException.BadRequest($"Cannot convert the literal '{property.Value.GetRawText()}' to the expected type '{PropertyValues.EdmType(def.Kind)}' of property '{def.Name}'.");
            }

            pending.Add((def, value));
        }

        foreach (var (property, value) in pending)
        {
            entity.Set(property, value);
        }
    }

    private static string IdFromReference(string reference)
    {
        var trimmed = reference.TrimEnd('/');
        var last = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        // Forms like directoryObjects('id') or users/{id}.
        var open = last.IndexOf('(', StringComparison.Ordinal);
        return open >= 0 ? last[(open + 1)..].Trim(')', '\'') : last;
    }

    private DirectoryObject FindObject(string id) =>
        State.Objects.TryGetValue(id, out var o) ? o : throw GraphException.NotFound(id);

    private UserObject FindUser(string idOrUpn) => State.FindUserLocked(idOrUpn) ?? throw GraphException.NotFound(idOrUpn);

    private GroupObject FindGroup(string id) =>
        State.Objects.TryGetValue(id, out var o) && o is GroupObject g ? g : throw GraphException.NotFound(id);

    private static readonly EntitySchema[] DirectorySchemas = [Schemas.User, Schemas.Group, Schemas.DirectoryRole];

    /// <summary>Serves a link collection (members, memberOf …) with an optional type cast (and <c>/$count</c>, as every collection).</summary>
    private GraphResponse LinkCollection(GraphRequest request, IReadOnlyList<DirectoryObject> items, string[] rest)
    {
        // rest: [] | [cast]
        var cast = rest.Length > 0 && rest[0].StartsWith("microsoft.graph.", StringComparison.Ordinal) ? rest[0] : null;
        if (rest.Length > (cast is null ? 0 : 1))
        {
            throw GraphException.NoRoute(rest[^1]);
        }

        IReadOnlyList<DirectoryObject> source = items;
        IReadOnlyList<EntitySchema> schemas = DirectorySchemas;
        var contextSet = "directoryObjects";
        var rules = CollectionRules.Links;
        if (cast is not null)
        {
            var schema = cast switch
            {
                "microsoft.graph.user" => Schemas.User,
                "microsoft.graph.group" => Schemas.Group,
                "microsoft.graph.directoryRole" => Schemas.DirectoryRole,
                _ => throw GraphException.NoRoute(cast),
            };
            source = [.. items.Where(i => i.Schema == schema)];
            schemas = [schema];
            contextSet = schema == Schemas.User ? "users" : schema == Schemas.Group ? "groups" : "directoryRoles";
            rules = CollectionRules.CastLinks;
        }

        return QueryEngine.Collection(request, Base, source, contextSet, rules, schemas);
    }

    private static List<DirectoryObject> Transitive(IEnumerable<DirectoryObject> direct, Func<DirectoryObject, IEnumerable<DirectoryObject>> next)
    {
        var seen = new HashSet<DirectoryObject>();
        var result = new List<DirectoryObject>();
        var queue = new Queue<DirectoryObject>(direct);
        while (queue.Count > 0)
        {
            var item = queue.Dequeue();
            if (!seen.Add(item))
            {
                continue;
            }

            result.Add(item);
            foreach (var child in next(item))
            {
                queue.Enqueue(child);
            }
        }

        return result;
    }

    private static List<DirectoryObject> TransitiveMemberOf(DirectoryObject o) => Transitive(o.MemberOf, x => x.MemberOf);

    private static List<DirectoryObject> TransitiveMembers(GroupObject g) =>
        Transitive(g.Members, x => x is GroupObject child ? child.Members : []);

    private static GraphResponse StringCollection(string graphBase, IEnumerable<string> values) => GraphResponse.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("@odata.context", graphBase + "/$metadata#Collection(Edm.String)");
        w.WriteStartArray("value");
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>checkMemberGroups, getMemberGroups, checkMemberObjects and getMemberObjects on any directory object.</summary>
    private GraphRoute? MembershipFunction(GraphRequest request, string function, Func<DirectoryObject> target)
    {
        if (request.Method != "POST")
        {
            return null;
        }

        return function switch
        {
            "checkMemberGroups" or "checkMemberObjects" => new GraphRoute(GraphOperation.MemberCheck, () =>
            {
                var body = RequireBody(request);
                var property = function == "checkMemberGroups" ? "groupIds" : "ids";
                if (!body.TryGetPropertyIgnoringCase(property, out var ids) || ids.ValueKind != JsonValueKind.Array)
                {
                    throw GraphException.BadRequest($"The parameter '{property}' is required.");
                }

                if (ids.GetArrayLength() > 20)
                {
                    throw GraphException.BadRequest($"The parameter '{property}' can hold at most 20 IDs.");
                }

                var memberships = TransitiveMemberOf(target()).Where(g => function == "checkMemberObjects" || g is GroupObject).Select(g => g.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
                return StringCollection(Base, ids.EnumerateArray().Select(i => i.GetString()!).Where(memberships.Contains));
            }),
            "getMemberGroups" or "getMemberObjects" => new GraphRoute(GraphOperation.MemberCheck, () =>
            {
                var body = RequireBody(request);
                if (!body.TryGetPropertyIgnoringCase("securityEnabledOnly", out var flag) || flag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw GraphException.BadRequest("The parameter 'securityEnabledOnly' is required.");
                }

                var all = TransitiveMemberOf(target()).Where(g => function == "getMemberObjects" || g is GroupObject);
                if (flag.GetBoolean())
                {
                    all = all.Where(g => g is not GroupObject || g.Get("securityEnabled") is true);
                }

                return StringCollection(Base, all.Select(g => g.Id));
            }),
            _ => null,
        };
    }
}
