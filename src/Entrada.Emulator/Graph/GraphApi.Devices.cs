using System.Text.Json;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>
/// Devices (<c>/devices</c>): list (with <c>$filter</c> on <c>extensionAttributes</c>, <c>$search</c>, <c>$count</c>),
/// get, create, update and delete. As Microsoft's page says, an application may change only
/// <c>extensionAttributes</c> of a device whose operating system is not Windows.
/// </summary>
internal sealed partial class GraphApi
{
    private GraphRoute DeviceRoutes(GraphRequest request, string[] s)
    {
        var method = request.Method;
        if (s.Length == 1)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.DevicesRead, () => QueryEngine.Collection(request, Base, State.Devices, "devices", CollectionRules.TopLevel, [AppSchemas.Device])),
                "POST" => new GraphRoute(GraphOperation.DevicesWrite, () => CreateDevice(request), IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 2 && s[1] == "$count")
        {
            return new GraphRoute(GraphOperation.DevicesRead, () => QueryEngine.Count(request, State.Devices, CollectionRules.TopLevel, [AppSchemas.Device]));
        }

        var id = s[1];
        DeviceObject Find() => State.FindDeviceLocked(id) ?? throw GraphException.NotFound(id);
        if (s.Length == 2)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.DevicesRead, () => QueryEngine.Entity(request, Base, Find(), "devices")),
                "PATCH" => new GraphRoute(GraphOperation.DevicesWrite, () => UpdateDevice(request, Find()), IsWrite: true),
                "DELETE" => new GraphRoute(GraphOperation.DevicesWrite, () =>
                {
                    State.Devices.Remove(Find());
                    return GraphResponse.NoContent();
                }, IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length >= 3 && s[2] is "registeredOwners" or "registeredUsers" && method == "GET")
        {
            return new GraphRoute(GraphOperation.DevicesRead, () =>
            {
                var device = Find();
                return LinkCollection(request, s[2] == "registeredOwners" ? [.. device.RegisteredOwners] : [.. device.RegisteredUsers], s[3..]);
            });
        }

        throw GraphException.NoRoute(s[^1]);
    }

    private GraphResponse CreateDevice(GraphRequest request)
    {
        var body = RequireBody(request);
        foreach (var required in (string[])["accountEnabled", "alternativeSecurityIds", "deviceId", "displayName", "operatingSystem", "operatingSystemVersion"])
        {
            if (!body.TryGetProperty(required, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                throw GraphException.BadRequest($"Invalid value specified for property '{required}' of resource 'Device'.");
            }
        }

        var device = AppDirectory.NewDevice(State, EmulatorState.NewId(), string.Empty, null, null, null, Now);
        try
        {
            ApplyProperties(device, body);
        }
        catch (GraphException)
        {
            State.Devices.Remove(device);
            throw;
        }

        return Created(request, device, "devices");
    }

    private GraphResponse UpdateDevice(GraphRequest request, DeviceObject device)
    {
        var body = RequireBody(request);
        var others = body.EnumerateObject().Where(p => !p.Name.StartsWith('@') && !p.Name.Equals("extensionAttributes", StringComparison.OrdinalIgnoreCase)).ToList();
        if (request.Token!.IsApp && others.Count > 0 && !string.Equals(device.OperatingSystem, "Windows", StringComparison.OrdinalIgnoreCase))
        {
            throw new GraphException(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }

        // extensionAttributes merges: the attributes named are set, the others kept.
        JsonElement? attributes = null;
        ApplyProperties(device, body, (name, value) =>
        {
            if (!name.Equals("extensionAttributes", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                throw GraphException.BadRequest("Cannot convert the literal to the expected type 'microsoft.graph.onPremisesExtensionAttributes' of property 'extensionAttributes'.");
            }

            attributes = value;
            return true;
        });
        if (attributes is { } set && device.Get("extensionAttributes") is System.Text.Json.Nodes.JsonObject current)
        {
            foreach (var property in set.EnumerateObject())
            {
                if (!current.ContainsKey(property.Name))
                {
                    throw GraphException.BadRequest($"Property '{property.Name}' does not exist on type 'microsoft.graph.onPremisesExtensionAttributes'.");
                }

                current[property.Name] = property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.GetString();
            }
        }

        return GraphResponse.NoContent();
    }
}
