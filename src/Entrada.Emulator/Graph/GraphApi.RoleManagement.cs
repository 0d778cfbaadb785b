using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>
/// Unified role management for the directory provider: role definitions (built-in and custom) and
/// role assignments, with <c>$expand=principal</c> and <c>$expand=roleDefinition</c>.
/// </summary>
internal sealed partial class GraphApi
{
    private static readonly CollectionRules RoleDefinitionRules = new() { DirectoryObjects = false, AllowSearch = false, AllowTop = false, SeqOrdered = true };

    private static readonly CollectionRules RoleAssignmentRules = new() { DirectoryObjects = false, AllowSearch = false, AllowOrderBy = false, SeqOrdered = true };

    private const string RoleDefinitionsSet = "roleManagement/directory/roleDefinitions";

    private const string RoleAssignmentsSet = "roleManagement/directory/roleAssignments";

    private GraphRoute RoleManagementRoutes(GraphRequest request, string[] s)
    {
        var method = request.Method;
        switch (s[2])
        {
            case "roleDefinitions" when s.Length == 3:
                return method switch
                {
                    "GET" => new GraphRoute(GraphOperation.RoleDefinitionsRead, () => QueryEngine.Collection(request, Base, State.RoleDefinitions, RoleDefinitionsSet, RoleDefinitionRules, [AccessSchemas.RoleDefinition])),
                    "POST" => new GraphRoute(GraphOperation.RoleDefinitionsWrite, () => CreateRoleDefinition(request), IsWrite: true),
                    _ => throw MethodNotAllowed(),
                };
            case "roleDefinitions" when s.Length == 4:
                return method switch
                {
                    "GET" => new GraphRoute(GraphOperation.RoleDefinitionsRead, () => QueryEngine.Entity(request, Base, FindRoleDefinition(s[3]), RoleDefinitionsSet)),
                    "PATCH" => new GraphRoute(GraphOperation.RoleDefinitionsWrite, () => UpdateRoleDefinition(request, FindRoleDefinition(s[3])), IsWrite: true),
                    "DELETE" => new GraphRoute(GraphOperation.RoleDefinitionsWrite, () => DeleteRoleDefinition(FindRoleDefinition(s[3])), IsWrite: true),
                    _ => throw MethodNotAllowed(),
                };
            case "roleAssignments" when s.Length == 3:
                return method switch
                {
                    "GET" => new GraphRoute(GraphOperation.RoleAssignmentsRead, () => Expanded(request, r => QueryEngine.Collection(r, Base, State.RoleAssignments, RoleAssignmentsSet, RoleAssignmentRules, [AccessSchemas.RoleAssignment]))),
                    "POST" => new GraphRoute(GraphOperation.RoleAssignmentsWrite, () => CreateRoleAssignment(request), IsWrite: true),
                    _ => throw MethodNotAllowed(),
                };
            case "roleAssignments" when s.Length == 4:
                return method switch
                {
                    "GET" => new GraphRoute(GraphOperation.RoleAssignmentsRead, () => Expanded(request, r => QueryEngine.Entity(r, Base, FindRoleAssignment(s[3]), RoleAssignmentsSet, includeType: true))),
                    "DELETE" => new GraphRoute(GraphOperation.RoleAssignmentsWrite, () =>
                    {
                        State.UnassignRoleLocked(FindRoleAssignment(s[3]));
                        return GraphResponse.NoContent();
                    }, IsWrite: true),
                    _ => throw MethodNotAllowed(),
                };
            default:
                throw GraphException.NoRoute(s[Math.Min(3, s.Length - 1)]);
        }
    }

    private Entity FindRoleDefinition(string id) =>
        State.RoleDefinitions.FirstOrDefault(d => d.Id.Equals(id, StringComparison.OrdinalIgnoreCase)) ?? throw GraphException.NotFound(id);

    private Entity FindRoleAssignment(string id) =>
        State.RoleAssignments.FirstOrDefault(a => a.Id.Equals(id, StringComparison.Ordinal)) ?? throw GraphException.NotFound(id);

    private GraphResponse CreateRoleDefinition(GraphRequest request)
    {
        var body = RequireBody(request);
        var name = body.TryGetProperty("displayName", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw GraphException.BadRequest("The property 'displayName' is required.");
        }

        RequireRolePermissions(body, required: true);
        if (State.RoleDefinitions.Any(d => string.Equals(d.GetString("displayName"), name, StringComparison.OrdinalIgnoreCase)))
        {
            throw GraphException.BadRequest("A conflicting object with one or more of the specified property values is present in the directory.");
        }

        var id = body.TryGetProperty("templateId", out var t) && t.ValueKind == JsonValueKind.String && Guid.TryParse(t.GetString(), out var g) ? g.ToString() : EmulatorState.NewId();
        var definition = TenantGenerator.NewRoleDefinition(State, id, name, null, [], builtIn: false, inherits: null);
        ApplyProperties(definition, body, (property, _) => property is "templateId");
        NormaliseRolePermissions(definition);
        State.RoleDefinitions.Add(definition);
        return Created(QueryEngine.Entity(new GraphRequest { Method = "GET", Segments = request.Segments, Query = [], Headers = request.Headers }, Base, definition, RoleDefinitionsSet));
    }

    private static GraphResponse Created(GraphResponse response) => new() { Status = 201, ContentType = response.ContentType, Body = response.Body };

    private static void RequireRolePermissions(JsonElement body, bool required)
    {
        if (!body.TryGetProperty("rolePermissions", out var permissions))
        {
            if (required)
            {
                throw GraphException.BadRequest("The property 'rolePermissions' is required.");
            }

            return;
        }

        if (permissions.ValueKind != JsonValueKind.Array || permissions.GetArrayLength() == 0
            || permissions.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.Object || !p.TryGetProperty("allowedResourceActions", out var a) || a.ValueKind != JsonValueKind.Array || a.GetArrayLength() == 0))
        {
            throw GraphException.BadRequest("The property 'rolePermissions' must hold at least one permission with allowedResourceActions.");
        }
    }

    /// <summary>Graph answers every role permission with its three properties, whatever was sent.</summary>
    private static void NormaliseRolePermissions(Entity definition)
    {
        foreach (var permission in (definition.Get("rolePermissions") as JsonArray ?? []).OfType<JsonObject>())
        {
            permission["excludedResourceActions"] ??= new JsonArray();
            if (!permission.ContainsKey("condition"))
            {
                permission["condition"] = null;
            }
        }
    }

    private GraphResponse UpdateRoleDefinition(GraphRequest request, Entity definition)
    {
        if (definition.Get("isBuiltIn") is true)
        {
            throw GraphException.BadRequest("Built-in role definitions cannot be changed.");
        }

        var body = RequireBody(request);
        RequireRolePermissions(body, required: false);
        ApplyProperties(definition, body);
        NormaliseRolePermissions(definition);
        return GraphResponse.NoContent();
    }

    private GraphResponse DeleteRoleDefinition(Entity definition)
    {
        if (definition.Get("isBuiltIn") is true)
        {
            throw GraphException.BadRequest("Built-in role definitions cannot be deleted.");
        }

        if (State.RoleAssignments.Any(a => a.GetString("roleDefinitionId") == definition.Id))
        {
            throw GraphException.BadRequest("The role definition is assigned; remove its role assignments before deleting it.");
        }

        SeqOrder.Remove(State.RoleDefinitions, definition);
        return GraphResponse.NoContent();
    }

    private GraphResponse CreateRoleAssignment(GraphRequest request)
    {
        var body = RequireBody(request);
        string? Text(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        foreach (var property in body.EnumerateObject())
        {
            if (!property.Name.StartsWith('@') && !AccessSchemas.RoleAssignment.TryGet(property.Name, out _))
            {
                throw GraphException.BadRequest($"Property '{property.Name}' does not exist as a declared property or extension property.");
            }
        }

        var principalId = Text("principalId");
        var roleDefinitionId = Text("roleDefinitionId");
        var scope = Text("directoryScopeId");
        if (string.IsNullOrEmpty(principalId) || string.IsNullOrEmpty(roleDefinitionId))
        {
            throw GraphException.BadRequest("The properties 'principalId' and 'roleDefinitionId' are required.");
        }

        if (Text("appScopeId") is not null)
        {
            throw GraphException.BadRequest("App-specific scopes are not supported for the directory provider in this tenant; use directoryScopeId.");
        }

        if (string.IsNullOrEmpty(scope) || !scope.StartsWith('/'))
        {
            throw GraphException.BadRequest("The property 'directoryScopeId' is required: '/' for the whole tenant, or '/{object id}'.");
        }

        var definition = FindRoleDefinition(roleDefinitionId);
        var principal = FindObject(principalId);
        if (principal is RoleObject)
        {
            throw GraphException.BadRequest($"The principal '{principalId}' cannot be assigned a role: only users, groups and service principals can.");
        }

        if (State.FindRoleAssignmentLocked(definition.Id, principal.Id, scope) is not null)
        {
            throw GraphException.BadRequest("A conflicting object with one or more of the specified property values is present in the directory.");
        }

        var assignment = State.AssignRoleLocked(definition.Id, principal, scope);
        return Created(QueryEngine.Entity(new GraphRequest { Method = "GET", Segments = request.Segments, Query = [], Headers = request.Headers }, Base, assignment, RoleAssignmentsSet));
    }

    /// <summary>
    /// Serves a role assignment or collection of them with <c>$expand</c> of principal and
    /// roleDefinition: the query engine answers without it, then each assignment gets its expanded
    /// objects (a principal with all its properties and its <c>@odata.type</c>, as Graph gives it).
    /// </summary>
    private GraphResponse Expanded(GraphRequest request, Func<GraphRequest, GraphResponse> serve)
    {
        if (!request.Query.TryGetValue("$expand", out var expand) || expand.Length == 0)
        {
            return serve(request);
        }

        var names = expand.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            if (name is not ("principal" or "roleDefinition"))
            {
                throw GraphException.BadRequest($"Could not find a property named '{name}' on type 'microsoft.graph.unifiedRoleAssignment'.");
            }
        }

        var query = new Dictionary<string, string>(request.Query, StringComparer.OrdinalIgnoreCase);
        query.Remove("$expand");
        var response = serve(new GraphRequest { Method = request.Method, Segments = request.Segments, Query = query, Headers = request.Headers });
        var root = JsonNode.Parse(response.Body!)!.AsObject();
        var items = root["value"] is JsonArray array ? array.OfType<JsonObject>() : [root];
        foreach (var item in items)
        {
            if (names.Contains("principal"))
            {
                item["principal"] = State.Objects.TryGetValue(item["principalId"]?.GetValue<string>() ?? string.Empty, out var principal) ? Serialise(principal, all: true) : null;
            }

            if (names.Contains("roleDefinition"))
            {
                var definition = State.RoleDefinitions.FirstOrDefault(d => d.Id == item["roleDefinitionId"]?.GetValue<string>());
                item["roleDefinition"] = definition is null ? null : Serialise(definition, all: false);
            }
        }

        if (root["@odata.nextLink"] is JsonValue next)
        {
            root["@odata.nextLink"] = next.GetValue<string>() + "&$expand=" + Uri.EscapeDataString(expand);
        }

        return GraphResponse.Json(response.Status, w => root.WriteTo(w));
    }

    private static JsonNode Serialise(Entity entity, bool all)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            QueryEngine.WriteEntity(writer, entity, all ? [.. entity.Schema.Properties.Where(p => !p.IsWriteOnly).Select(p => p.Name)] : null, includeType: all);
        }

        return JsonNode.Parse(stream.ToArray())!;
    }
}
