using System.Text.Json;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>Groups: list, get, create, update (with <c>members@odata.bind</c>), delete, members and owners.</summary>
internal sealed partial class GraphApi
{
    private const int MaxBinds = 20;

    private GraphRoute GroupRoutes(GraphRequest request, string[] s)
    {
        var method = request.Method;
        if (s.Length == 1)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.GroupsRead, () => QueryEngine.Collection(request, Base, State.Groups, "groups", CollectionRules.TopLevel, [Schemas.Group])),
                "POST" => new GraphRoute(GraphOperation.GroupsCreate, () => CreateGroup(request), IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 2 && s[1] == "delta")
        {
            return method == "GET" ? new GraphRoute(GraphOperation.GroupsRead, () => Delta(request, DeltaKind.Groups), Cost: 2) : throw MethodNotAllowed();
        }

        var id = s[1];
        if (s.Length == 2)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.GroupsRead, () => QueryEngine.Entity(request, Base, FindGroup(id), "groups")),
                "PATCH" => new GraphRoute(IsBindOnly(request) ? GraphOperation.GroupMembersWrite : GraphOperation.GroupsUpdate, () => UpdateGroup(request, id), IsWrite: true),
                "DELETE" => new GraphRoute(GraphOperation.GroupsUpdate, () =>
                {
                    State.DeleteObjectLocked(FindGroup(id));
                    return GraphResponse.NoContent();
                }, IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        var sub = s[2];
        var rest = s[3..];
        switch (sub)
        {
            case "members" or "owners" when rest.Length == 1 && rest[0] == "$ref":
                if (method != "POST")
                {
                    throw MethodNotAllowed();
                }

                return new GraphRoute(GraphOperation.GroupMembersWrite, () => AddReference(request, id, sub == "owners"), IsWrite: true);
            case "members" or "owners" when rest.Length == 2 && rest[1] == "$ref":
                if (method != "DELETE")
                {
                    throw MethodNotAllowed();
                }

                return new GraphRoute(GraphOperation.GroupMembersWrite, () => RemoveReference(id, rest[0], sub == "owners"), IsWrite: true);
            case "members" when method == "GET":
                return new GraphRoute(GraphOperation.GroupMembersRead, () => LinkCollection(request, FindGroup(id).Members, rest), Cost: 3);
            case "transitiveMembers" when method == "GET":
                return new GraphRoute(GraphOperation.GroupMembersRead, () => LinkCollection(request, TransitiveMembers(FindGroup(id)), rest), Cost: 5);
            case "owners" when method == "GET":
                return new GraphRoute(GraphOperation.GroupMembersRead, () => LinkCollection(request, FindGroup(id).Owners, rest), Cost: 3);
            case "memberOf" or "transitiveMemberOf" when method == "GET":
                return new GraphRoute(GraphOperation.GroupsRead, () =>
                {
                    var group = FindGroup(id);
                    var items = sub == "memberOf" ? [.. group.MemberOf.OrderBy(m => m.Seq)] : TransitiveMemberOf(group);
                    return LinkCollection(request, items, rest);
                }, Cost: 2);
        }

        return MembershipFunction(request, sub, () => FindGroup(id)) ?? throw GraphException.NoRoute(sub);
    }

    private static bool IsBindOnly(GraphRequest request) =>
        request.Body is { ValueKind: JsonValueKind.Object } body
        && body.EnumerateObject().Any()
        && body.EnumerateObject().All(p => p.Name.Equals("members@odata.bind", StringComparison.OrdinalIgnoreCase) || p.Name.Equals("owners@odata.bind", StringComparison.OrdinalIgnoreCase));

    private GraphResponse CreateGroup(GraphRequest request)
    {
        var body = RequireBody(request);
        var schema = Schemas.Group;
        foreach (var required in (string[])["displayName", "mailEnabled", "mailNickname", "securityEnabled"])
        {
            if (!schema.TryGetValue(body, required, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                throw GraphException.BadRequest($"Invalid value specified for property '{required}' of resource 'Group'.");
            }
        }

        var unified = schema.TryGetValue(body, "groupTypes", out var types) && types.ValueKind == JsonValueKind.Array
            && types.EnumerateArray().Any(t => string.Equals(t.GetString(), "Unified", StringComparison.OrdinalIgnoreCase));
        schema.TryGetValue(body, "mailEnabled", out var mailEnabled);
        if (mailEnabled.ValueKind == JsonValueKind.True && !unified)
        {
            throw GraphException.BadRequest("Creating mail-enabled security groups or distribution groups is not supported through Microsoft Graph.");
        }

        var members = Binds(body, "members@odata.bind");
        var owners = Binds(body, "owners@odata.bind");
        var now = Now;
        schema.TryGetValue(body, "mailNickname", out var nickname);
        schema.TryGetValue(body, "displayName", out var displayName);
        var group = TenantGenerator.NewGroup(State, EmulatorState.NewId(), displayName.ValueKind == JsonValueKind.String ? displayName.GetString()! : string.Empty, nickname.ValueKind == JsonValueKind.String ? nickname.GetString()! : string.Empty, unified, now);
        ApplyProperties(group, body, (name, _) => name.EndsWith("@odata.bind", StringComparison.OrdinalIgnoreCase));
        State.AddGroupLocked(group);
        foreach (var member in members)
        {
            group.AddMember(member);
        }

        group.Owners.AddRange(owners);
        var response = QueryEngine.Entity(request, Base, group, "groups");
        return new GraphResponse { Status = 201, ContentType = response.ContentType, Body = response.Body, Headers = { ["Location"] = $"{Base}/groups/{group.Id}" } };
    }

    /// <summary>Resolves an <c>@odata.bind</c> array (at most 20; every object must exist).</summary>
    private List<DirectoryObject> Binds(JsonElement body, string property)
    {
        if (!body.TryGetPropertyIgnoringCase(property, out var binds))
        {
            return [];
        }

        if (binds.ValueKind != JsonValueKind.Array)
        {
            throw GraphException.BadRequest($"The value of '{property}' must be an array of URLs.");
        }

        if (binds.GetArrayLength() > MaxBinds)
        {
            throw GraphException.BadRequest($"The request contains {binds.GetArrayLength()} references in '{property}'; at most {MaxBinds} can be added in one request.");
        }

        return [.. binds.EnumerateArray().Select(b => FindObject(IdFromReference(b.GetString() ?? string.Empty)))];
    }

    private GraphResponse UpdateGroup(GraphRequest request, string id)
    {
        var group = FindGroup(id);
        var body = RequireBody(request);
        var members = Binds(body, "members@odata.bind");
        var owners = Binds(body, "owners@odata.bind");
        if (members.Distinct().Count() != members.Count || members.Any(group.HasMember))
        {
            throw AlreadyExists("members");
        }

        if (owners.Any(group.Owners.Contains))
        {
            throw AlreadyExists("owners");
        }

        ApplyProperties(group, body, (name, _) => name.EndsWith("@odata.bind", StringComparison.OrdinalIgnoreCase));
        foreach (var member in members)
        {
            if (member == group)
            {
                throw GraphException.BadRequest("A group cannot be a member of itself.");
            }

            group.AddMember(member);
        }

        group.Owners.AddRange(owners);
        return GraphResponse.NoContent();
    }

    private static GraphException AlreadyExists(string property) =>
        GraphException.BadRequest($"One or more added object references already exist for the following modified properties: '{property}'.");

    private GraphResponse AddReference(GraphRequest request, string groupId, bool owner)
    {
        var group = FindGroup(groupId);
        var body = RequireBody(request);
        if (!body.TryGetPropertyIgnoringCase("@odata.id", out var reference) || reference.GetString() is not { } url)
        {
            throw GraphException.BadRequest("The request body must contain '@odata.id'.");
        }

        var target = FindObject(IdFromReference(url));
        if (owner)
        {
            if (group.Owners.Contains(target))
            {
                throw AlreadyExists("owners");
            }

            group.Owners.Add(target);
            return GraphResponse.NoContent();
        }

        if (target == group)
        {
            throw GraphException.BadRequest("A group cannot be a member of itself.");
        }

        if (!group.AddMember(target))
        {
            throw AlreadyExists("members");
        }

        return GraphResponse.NoContent();
    }

    private GraphResponse RemoveReference(string groupId, string memberId, bool owner)
    {
        var group = FindGroup(groupId);
        var target = FindObject(memberId);
        var removed = owner ? group.Owners.Remove(target) : group.RemoveMember(target);
        return removed ? GraphResponse.NoContent() : throw GraphException.NotFound(memberId);
    }
}
