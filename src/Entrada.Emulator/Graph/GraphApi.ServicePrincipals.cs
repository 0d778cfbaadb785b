using System.Text.Json;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>
/// Enterprise apps (<c>/servicePrincipals</c>): list, get, create (for an app of this tenant or Microsoft's),
/// update (<c>accountEnabled</c> blocks or allows the app's sign-in), delete, addPassword and removePassword.
/// </summary>
internal sealed partial class GraphApi
{
    private GraphRoute ServicePrincipalRoutes(GraphRequest request, string[] s)
    {
        var method = request.Method;
        if (s.Length == 1)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.ServicePrincipalsRead, () => QueryEngine.Collection(request, Base, State.ServicePrincipals, "servicePrincipals", CollectionRules.TopLevel, [AppSchemas.ServicePrincipal])),
                "POST" => new GraphRoute(GraphOperation.ServicePrincipalsCreate, () => CreateServicePrincipal(request), IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 2 && s[1] == "$count")
        {
            return new GraphRoute(GraphOperation.ServicePrincipalsRead, () => QueryEngine.Count(request, State.ServicePrincipals, CollectionRules.TopLevel, [AppSchemas.ServicePrincipal]));
        }

        var id = s[1];
        ServicePrincipalObject Find() => State.FindServicePrincipalLocked(id) ?? throw GraphException.NotFound(id);
        if (s.Length == 2)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.ServicePrincipalsRead, () => QueryEngine.Entity(request, Base, Find(), "servicePrincipals")),
                "PATCH" => new GraphRoute(GraphOperation.ServicePrincipalsWrite, () =>
                {
                    ApplyProperties(Find(), RequireBody(request), (name, _) => name.Equals("passwordCredentials", StringComparison.OrdinalIgnoreCase)
                        ? throw GraphException.BadRequest("Property 'passwordCredentials' cannot be updated; use the addPassword and removePassword actions.")
                        : false);
                    return GraphResponse.NoContent();
                }, IsWrite: true),
                "DELETE" => new GraphRoute(GraphOperation.ServicePrincipalsWrite, () =>
                {
                    State.ServicePrincipals.Remove(Find());
                    return GraphResponse.NoContent();
                }, IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 3 && method == "POST")
        {
            return s[2] switch
            {
                "addPassword" => new GraphRoute(GraphOperation.ServicePrincipalsWrite, () => AddPassword(request, Find(), null), IsWrite: true),
                "removePassword" => new GraphRoute(GraphOperation.ServicePrincipalsWrite, () => RemovePassword(request, Find(), null), IsWrite: true),
                _ => throw GraphException.NoRoute(s[2]),
            };
        }

        throw GraphException.NoRoute(s[^1]);
    }

    private GraphResponse CreateServicePrincipal(GraphRequest request)
    {
        var body = RequireBody(request);
        if (!body.TryGetProperty("appId", out var appIdElement) || appIdElement.ValueKind != JsonValueKind.String || appIdElement.GetString() is not { Length: > 0 } appId)
        {
            throw GraphException.BadRequest("Invalid value specified for property 'appId' of resource 'ServicePrincipal'.");
        }

        if (State.ServicePrincipals.Any(sp => sp.AppId.Equals(appId, StringComparison.OrdinalIgnoreCase)))
        {
            throw new GraphException(409, "Request_MultipleObjectsWithSameKeyValue", "The service principal cannot be created because the service principal name is already in use.");
        }

        var app = State.Applications.FirstOrDefault(a => a.AppId.Equals(appId, StringComparison.OrdinalIgnoreCase))
            ?? throw GraphException.BadRequest($"The appId '{appId}' of the service principal does not reference a valid application object.");
        var sp = AppDirectory.NewServicePrincipal(State, app);
        try
        {
            ApplyProperties(sp, body, (name, _) => name.Equals("appId", StringComparison.OrdinalIgnoreCase));
        }
        catch (GraphException)
        {
            State.ServicePrincipals.Remove(sp);
            throw;
        }

        return Created(request, sp, "servicePrincipals");
    }
}
