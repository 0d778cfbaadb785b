using System.Text.Json;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>A user's manager (get, <c>$ref</c> put and delete), direct reports, and owned and registered devices.</summary>
internal sealed partial class GraphApi
{
    private static readonly CollectionRules DeviceLinks = CollectionRules.Links with { AllowSearch = false };

    private GraphRoute ReportingRoutes(GraphRequest request, string[] rest, string idOrUpn)
    {
        var method = request.Method;
        var sub = rest[0];
        switch (sub)
        {
            case "manager" when rest.Length == 1 && method == "GET":
                return new GraphRoute(GraphOperation.UsersManagerRead, () =>
                {
                    var manager = State.ManagerOfLocked(FindUser(idOrUpn)) ?? throw NoManager();
                    return QueryEngine.Entity(request, Base, manager, "directoryObjects", includeType: true);
                });
            case "manager" when rest.Length == 2 && rest[1] == "$ref":
                return method switch
                {
                    "GET" => new GraphRoute(GraphOperation.UsersManagerRead, () =>
                    {
                        var manager = State.ManagerOfLocked(FindUser(idOrUpn)) ?? throw NoManager();
                        return GraphResponse.Json(200, w =>
                        {
                            w.WriteStartObject();
                            w.WriteString("@odata.context", Base + "/$metadata#directoryObjects/$entity");
                            w.WriteString("@odata.id", $"{Base}/directoryObjects/{manager.Id}/Microsoft.DirectoryServices.User");
                            w.WriteEndObject();
                        });
                    }),
                    "PUT" => new GraphRoute(GraphOperation.UsersManagerWrite, () => SetManager(request, FindUser(idOrUpn)), IsWrite: true),
                    "DELETE" => new GraphRoute(GraphOperation.UsersManagerWrite, () =>
                    {
                        var user = FindUser(idOrUpn);
                        if (State.ManagerOfLocked(user) is null)
                        {
                            throw NoManager();
                        }

                        State.Managers.Remove(user.Id);
                        return GraphResponse.NoContent();
                    }, IsWrite: true),
                    _ => throw MethodNotAllowed(),
                };
            case "directReports" when method == "GET":
                return new GraphRoute(GraphOperation.UsersManagerRead, () => LinkCollection(request, State.DirectReportsLocked(FindUser(idOrUpn)), rest[1..]));
            case "ownedDevices" or "registeredDevices" when method == "GET":
                return new GraphRoute(GraphOperation.UsersDevicesRead, () =>
                {
                    var user = FindUser(idOrUpn);
                    var devices = State.Devices.Where(d => (sub == "ownedDevices" ? d.RegisteredOwners : d.RegisteredUsers).Contains(user)).ToList();
                    var tail = rest[1..];
                    var cast = tail.Length > 0 && tail[0] == "microsoft.graph.device";
                    var count = tail.Length > 0 && tail[^1] == "$count";
                    if (tail.Length > (cast ? 1 : 0) + (count ? 1 : 0))
                    {
                        throw GraphException.NoRoute(tail[^1]);
                    }

                    var rules = cast ? CollectionRules.CastLinks with { AllowSearch = false } : DeviceLinks;
                    return count
                        ? QueryEngine.Count(request, devices, rules, [AppSchemas.Device])
                        : QueryEngine.Collection(request, Base, devices, cast ? "devices" : "directoryObjects", rules, [AppSchemas.Device]);
                }, Cost: 2);
            default:
                throw GraphException.NoRoute(sub);
        }
    }

    private static GraphException NoManager() => GraphException.NotFound("manager");

    private GraphResponse SetManager(GraphRequest request, UserObject user)
    {
        var body = RequireBody(request);
        if (!body.TryGetProperty("@odata.id", out var reference) || reference.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(reference.GetString()))
        {
            throw GraphException.BadRequest("The request body must name the manager in '@odata.id'.");
        }

        var managerId = Uri.UnescapeDataString(IdFromReference(reference.GetString()!));
        var manager = State.FindUserLocked(managerId) ?? throw GraphException.NotFound(managerId);
        if (manager == user)
        {
            throw GraphException.BadRequest("A user cannot be their own manager.");
        }

        State.Managers[user.Id] = manager;
        return GraphResponse.NoContent();
    }
}
