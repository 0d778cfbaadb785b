using System.Text.Json;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>Directory objects, organization, directory roles and subscribed SKUs.</summary>
internal sealed partial class GraphApi
{
    private GraphRoute DirectoryObjectRoutes(GraphRequest request, string[] s)
    {
        if (s.Length == 2 && s[1] == "getByIds")
        {
            return request.Method == "POST" ? new GraphRoute(GraphOperation.DirectoryObjectsRead, () => GetByIds(request)) : throw MethodNotAllowed();
        }

        if (s.Length == 2)
        {
            var id = s[1];
            return request.Method switch
            {
                "GET" => new GraphRoute(GraphOperation.DirectoryObjectsRead, () => QueryEngine.Entity(request, Base, FindObject(id), "directoryObjects", includeType: true)),
                "DELETE" => new GraphRoute(DeleteOperation(id), () =>
                {
                    State.DeleteObjectLocked(FindObject(id));
                    return GraphResponse.NoContent();
                }, IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 3)
        {
            return MembershipFunction(request, s[2], () => FindObject(s[1])) ?? throw GraphException.NoRoute(s[2]);
        }

        throw GraphException.NoRoute(s[0]);
    }

    private GraphOperation DeleteOperation(string id) =>
        State.Objects.GetValueOrDefault(id) switch
        {
            UserObject => GraphOperation.UsersDelete,
            GroupObject => GraphOperation.GroupsUpdate,
            _ => GraphOperation.DirectoryObjectsDelete,
        };

    private GraphResponse GetByIds(GraphRequest request)
    {
        var body = RequireBody(request);
        if (!body.TryGetPropertyIgnoringCase("ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            throw GraphException.BadRequest("The parameter 'ids' is required.");
        }

        if (ids.GetArrayLength() > 1000)
        {
            throw GraphException.BadRequest("The parameter 'ids' can hold at most 1000 IDs.");
        }

        HashSet<string>? types = null;
        if (body.TryGetPropertyIgnoringCase("types", out var t) && t.ValueKind == JsonValueKind.Array)
        {
            types = t.EnumerateArray().Select(x => (x.GetString() ?? string.Empty).Replace("microsoft.graph.", string.Empty, StringComparison.OrdinalIgnoreCase)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }

        var found = new List<DirectoryObject>();
        foreach (var id in ids.EnumerateArray())
        {
            if (id.GetString() is { } value && State.Objects.TryGetValue(value, out var o)
                && (types is null || types.Contains(o.Schema.TypeName["microsoft.graph.".Length..])))
            {
                found.Add(o);
            }
        }

        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", Base + "/$metadata#directoryObjects");
            w.WriteStartArray("value");
            foreach (var o in found)
            {
                QueryEngine.WriteEntity(w, o, null, includeType: true);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private GraphRoute OrganizationRoutes(GraphRequest request, string[] s)
    {
        var rules = new CollectionRules { DirectoryObjects = false, AllowTop = false, AllowOrderBy = false, AllowSearch = false, AllowFilter = false };
        if (s.Length == 1)
        {
            return request.Method == "GET"
                ? new GraphRoute(GraphOperation.OrganizationRead, () => QueryEngine.Collection(request, Base, State.Organizations, "organization", rules, [Schemas.Organization]))
                : throw MethodNotAllowed();
        }

        var org = State.Organizations.FirstOrDefault(o => o.Id.Equals(s[1], StringComparison.OrdinalIgnoreCase));
        return request.Method switch
        {
            "GET" => new GraphRoute(GraphOperation.OrganizationRead, () => QueryEngine.Entity(request, Base, org ?? throw GraphException.NotFound(s[1]), "organization")),
            "PATCH" => new GraphRoute(GraphOperation.OrganizationWrite, () =>
            {
                ApplyProperties(org ?? throw GraphException.NotFound(s[1]), RequireBody(request));
                return GraphResponse.NoContent();
            }, IsWrite: true),
            _ => throw MethodNotAllowed(),
        };
    }

    private GraphRoute RoleRoutes(GraphRequest request, string[] s)
    {
        var rules = new CollectionRules { DirectoryObjects = false, AllowTop = false, AllowOrderBy = false, AllowSearch = false };
        RoleObject FindRole(string id) =>
            State.Objects.TryGetValue(id, out var o) && o is RoleObject r ? r
            : State.Roles.FirstOrDefault(x => string.Equals(x.GetString("roleTemplateId"), id, StringComparison.OrdinalIgnoreCase)) ?? throw GraphException.NotFound(id);

        if (s.Length == 1)
        {
            return request.Method switch
            {
                "GET" => new GraphRoute(GraphOperation.RolesRead, () => QueryEngine.Collection(request, Base, State.Roles, "directoryRoles", rules, [Schemas.DirectoryRole])),
                "POST" => new GraphRoute(GraphOperation.RolesWrite, () => ActivateRole(request), IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 2)
        {
            return request.Method == "GET"
                ? new GraphRoute(GraphOperation.RolesRead, () => QueryEngine.Entity(request, Base, FindRole(s[1]), "directoryRoles"))
                : throw MethodNotAllowed();
        }

        if (s[2] != "members")
        {
            throw GraphException.NoRoute(s[2]);
        }

        if (s.Length == 4 && s[3] == "$ref")
        {
            return request.Method == "POST" ? new GraphRoute(GraphOperation.RolesWrite, () =>
            {
                var role = FindRole(s[1]);
                var body = RequireBody(request);
                var target = FindObject(IdFromReference(body.TryGetPropertyIgnoringCase("@odata.id", out var r) ? r.GetString() ?? string.Empty : string.Empty));
                if (role.Members.Contains(target))
                {
                    throw AlreadyExists("members");
                }

                role.Members.Add(target);
                target.MemberOf.Add(role);
                State.SyncRoleMemberLocked(role, target, added: true);
                return GraphResponse.NoContent();
            }, IsWrite: true) : throw MethodNotAllowed();
        }

        if (s.Length == 5 && s[4] == "$ref")
        {
            return request.Method == "DELETE" ? new GraphRoute(GraphOperation.RolesWrite, () =>
            {
                var role = FindRole(s[1]);
                var target = FindObject(s[3]);
                if (!role.Members.Remove(target))
                {
                    throw GraphException.NotFound(s[3]);
                }

                target.MemberOf.Remove(role);
                State.SyncRoleMemberLocked(role, target, added: false);
                return GraphResponse.NoContent();
            }, IsWrite: true) : throw MethodNotAllowed();
        }

        return request.Method == "GET"
            ? new GraphRoute(GraphOperation.RolesRead, () => LinkCollection(request, FindRole(s[1]).Members, s[3..]))
            : throw MethodNotAllowed();
    }

    private GraphResponse ActivateRole(GraphRequest request)
    {
        var body = RequireBody(request);
        var templateId = body.TryGetPropertyIgnoringCase("roleTemplateId", out var t) ? t.GetString() : null;
        if (templateId is null || !TenantGenerator.RoleTemplates.Any(r => r.TemplateId == templateId))
        {
            throw GraphException.BadRequest($"Invalid value specified for property 'roleTemplateId' of resource 'DirectoryRole'.");
        }

        if (State.Roles.Any(r => r.GetString("roleTemplateId") == templateId))
        {
            throw GraphException.BadRequest("A conflicting object with one or more of the specified property values is present in the directory.");
        }

        var role = TenantGenerator.NewRole(State, EmulatorState.NewId(), templateId);
        State.Objects.Add(role.Id, role);
        State.Roles.Add(role);
        var response = QueryEngine.Entity(request, Base, role, "directoryRoles");
        return new GraphResponse { Status = 201, ContentType = response.ContentType, Body = response.Body };
    }

    private GraphRoute SkuRoutes(GraphRequest request, string[] s)
    {
        if (request.Method != "GET")
        {
            throw MethodNotAllowed();
        }

        var rules = new CollectionRules { DirectoryObjects = false, AllowTop = false, AllowOrderBy = false, AllowSearch = false, AllowFilter = false };
        if (s.Length == 1)
        {
            return new GraphRoute(GraphOperation.SkusRead, () => QueryEngine.Collection(request, Base, State.Skus, "subscribedSkus", rules, [Schemas.SubscribedSku]), Cost: 3);
        }

        return new GraphRoute(GraphOperation.SkusRead, () =>
        {
            var sku = State.Skus.FirstOrDefault(k => k.Id.Equals(s[1], StringComparison.OrdinalIgnoreCase)) ?? throw GraphException.NotFound(s[1]);
            return QueryEngine.Entity(request, Base, sku, "subscribedSkus");
        }, Cost: 3);
    }
}
