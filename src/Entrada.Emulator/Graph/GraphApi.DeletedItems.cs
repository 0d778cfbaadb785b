using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>
/// <c>/directory/deletedItems</c>: deleted users and Microsoft 365 groups, listed by type cast, read, restored
/// (with their memberships) and deleted for good; each stays restorable for 30 days of emulator time.
/// </summary>
internal sealed partial class GraphApi
{
    private static readonly CollectionRules DeletedItemRules = new();

    private GraphRoute DeletedItemRoutes(GraphRequest request, string[] s)
    {
        var method = request.Method;
        if (s.Length == 2)
        {
            // Graph needs the type: GET /directory/deletedItems alone is not supported.
            throw GraphException.BadRequest("A type cast is required after 'deletedItems': use /directory/deletedItems/microsoft.graph.user or /directory/deletedItems/microsoft.graph.group.");
        }

        if (s.Length == 3 && DeletedSchema(s[2]) is { } listed)
        {
            return method == "GET"
                ? new GraphRoute(listed == Schemas.User ? GraphOperation.UsersRead : GraphOperation.GroupsRead, () => QueryEngine.Collection(
                    request, Base, [.. State.DeletedOrder.Where(d => d.Schema == listed)], listed == Schemas.User ? "users" : "groups", DeletedItemRules, [listed]))
                : throw MethodNotAllowed();
        }

        if (s.Length == 3 && s[2].StartsWith("microsoft.graph.", StringComparison.Ordinal))
        {
            // Deleted applications, service principals … are not kept here.
            throw GraphException.NoRoute(s[2]);
        }

        var id = s[2];
        var kind = State.DeletedItems.GetValueOrDefault(id)?.Schema;
        if (s.Length == 3 || (s.Length == 4 && DeletedSchema(s[3]) is not null))
        {
            var cast = s.Length == 4 ? DeletedSchema(s[3]) : null;
            return method switch
            {
                "GET" => new GraphRoute(kind == Schemas.Group ? GraphOperation.GroupsRead : GraphOperation.UsersRead, () =>
                {
                    var item = FindDeleted(id);
                    if (cast is not null && item.Schema != cast)
                    {
                        throw GraphException.NotFound(id);
                    }

                    return QueryEngine.Entity(request, Base, item, "directoryObjects", includeType: true);
                }),
                "DELETE" when s.Length == 3 => new GraphRoute(kind == Schemas.Group ? GraphOperation.GroupsUpdate : GraphOperation.UsersDelete, () =>
                {
                    State.PurgeLocked(FindDeleted(id));
                    return GraphResponse.NoContent();
                }, IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 4 && s[3] == "restore")
        {
            return method == "POST"
                ? new GraphRoute(kind == Schemas.Group ? GraphOperation.GroupsUpdate : GraphOperation.UsersDelete, () =>
                {
                    var item = FindDeleted(id);
                    if (State.RestoreLocked(item) is { } problem)
                    {
                        throw GraphException.BadRequest(problem);
                    }

                    return QueryEngine.Entity(request, Base, item, "directoryObjects", includeType: true);
                }, IsWrite: true)
                : throw MethodNotAllowed();
        }

        throw GraphException.NoRoute(s[^1]);
    }

    private static EntitySchema? DeletedSchema(string cast) => cast switch
    {
        "microsoft.graph.user" => Schemas.User,
        "microsoft.graph.group" => Schemas.Group,
        _ => null,
    };

    private DirectoryObject FindDeleted(string id) =>
        State.DeletedItems.TryGetValue(id, out var item) ? item : throw GraphException.NotFound(id);
}
