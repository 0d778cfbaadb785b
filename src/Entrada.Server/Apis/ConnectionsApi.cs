using Entrada.Core.Audit;
using Entrada.Core.Testing;
using Entrada.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Server.Apis;

/// <summary><c>/api/v1/connections</c>: list, get, create, update, delete and test connections.</summary>
internal static class ConnectionsApi
{
    public static RouteGroupBuilder MapConnectionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/connections").WithTags("Connections");
        group.MapGet("/", ListAsync).WithSummary("Lists connections with their method, cloud and last test.");
        group.MapGet("/{name}", GetAsync).WithSummary("Gets one connection (secrets are never returned).");
        group.MapPost("/", CreateAsync).WithSummary("Creates a connection; its name is fixed from then on.");
        group.MapPut("/{name}", UpdateAsync).WithSummary("Updates a connection: fields left out keep their values; the name cannot change.");
        group.MapPatch("/{name}", UpdateAsync).WithSummary("Same as PUT: fields left out keep their values.");
        group.MapDelete("/{name}", DeleteAsync).WithSummary("Deletes a connection and its secrets.");
        group.MapPost("/{name}/test", TestAsync).WithSummary("Tests a connection: permissions granted, which actions are ready, the admin-consent link.");
        return group;
    }

    private static Caller CallerOf(HttpContext http) => new(AuditInterfaces.Api, EntradaAuth.ActorOf(http.User));

    private static async Task<Ok<ConnectionView[]>> ListAsync(ConnectionService connections, CancellationToken cancellationToken) =>
        TypedResults.Ok((await connections.ListAsync(cancellationToken)).Select(ConnectionView.From).ToArray());

    private static async Task<Ok<ConnectionView>> GetAsync(string name, ConnectionService connections, CancellationToken cancellationToken) =>
        TypedResults.Ok(ConnectionView.From(await connections.GetAsync(name, cancellationToken)));

    private static async Task<Created<ConnectionView>> CreateAsync(ConnectionBody body, ConnectionService connections, HttpContext http, CancellationToken cancellationToken)
    {
        var connection = await connections.CreateAsync(body.ToRequest(), CallerOf(http), cancellationToken);
        return TypedResults.Created($"/api/v1/connections/{Uri.EscapeDataString(connection.Name)}", ConnectionView.From(connection));
    }

    private static async Task<Ok<ConnectionView>> UpdateAsync(string name, ConnectionBody body, ConnectionService connections, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(ConnectionView.From(await connections.UpdateAsync(name, body.ToRequest(), CallerOf(http), cancellationToken)));

    private static async Task<NoContent> DeleteAsync(string name, ConnectionService connections, HttpContext http, CancellationToken cancellationToken)
    {
        await connections.DeleteAsync(name, CallerOf(http), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ConnectionTestReport>> TestAsync(string name, ConnectionService connections, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await connections.TestSavedAsync(name, CallerOf(http), cancellationToken));
}
