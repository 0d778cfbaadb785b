using Entrada.Core.Connections;
using Entrada.Core;
using Entrada.Core.Audit;
using Entrada.Core.Diagnostics;
using Entrada.Server.Authentication;
using Entrada.Server.OAuth;
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
        group.MapPost("/{name}/sign-in", SignInAsync).WithSummary("Starts an OAuth sign-in: send the person's browser to authorizationUrl; the identity platform returns to redirectUri (this server's /connections/oauth-callback unless given).");
        group.MapPost("/{name}/sign-out", SignOutAsync).WithSummary("Signs an OAuth connection out: its kept tokens are removed.");
        return group;
    }

    private static async Task<Ok<SignInStartView>> SignInAsync(string name, SignInBody? body, WebSignIns signIns, HttpContext http, CancellationToken cancellationToken)
    {
        Uri redirectUri;
        if (string.IsNullOrWhiteSpace(body?.RedirectUri))
        {
            redirectUri = WebSignIns.RedirectUriFor(http.Request);
        }
        else if (!Uri.TryCreate(body.RedirectUri, UriKind.Absolute, out redirectUri!))
        {
            throw new EntradaValidationException("redirectUri", $"The redirect URI '{body.RedirectUri}' is not an absolute URL.");
        }

        var start = await signIns.BeginAsync(name, redirectUri, cancellationToken);
        return TypedResults.Ok(new SignInStartView(start.AuthorizationUrl.ToString(), redirectUri.ToString(), start.ExpiresAt));
    }

    private static async Task<Ok<ConnectionView>> SignOutAsync(string name, WebSignIns signIns, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(ConnectionView.From(await signIns.SignOutAsync(name, CallerOf(http), cancellationToken)));

    private static Caller CallerOf(HttpContext http) => new(CallerInterface.Api, EntradaAuth.ActorOf(http.User));

    private static async Task<Ok<ConnectionView[]>> ListAsync(ConnectionService connections, CancellationToken cancellationToken) =>
        TypedResults.Ok((await connections.ListAsync(cancellationToken)).Select(ConnectionView.From).ToArray());

    private static async Task<Ok<ConnectionView>> GetAsync(string name, ConnectionService connections, CancellationToken cancellationToken) =>
        TypedResults.Ok(ConnectionView.From(await connections.GetAsync(name, cancellationToken)));

    private static async Task<Created<ConnectionView>> CreateAsync(ConnectionBody body, ConnectionService connections, HttpContext http, CancellationToken cancellationToken)
    {
        var connection = (await connections.AddAsync(body.ToRequest(), CallerOf(http), null, cancellationToken)).Connection;
        return TypedResults.Created($"/api/v1/connections/{Uri.EscapeDataString(connection.Name)}", ConnectionView.From(connection));
    }

    private static async Task<Ok<ConnectionView>> UpdateAsync(string name, ConnectionBody body, ConnectionService connections, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(ViewOf(await connections.UpdateAsync(name, body.ToRequest(), CallerOf(http), cancellationToken)));

    private static ConnectionView ViewOf(UpdateConnectionResult result) =>
        ConnectionView.From(result.Connection) with { ClearedSecrets = result.ClearedSecrets.Count > 0 ? result.ClearedSecrets : null };

    private static async Task<NoContent> DeleteAsync(string name, ConnectionService connections, HttpContext http, CancellationToken cancellationToken)
    {
        await connections.RemoveAsync(name, CallerOf(http), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ConnectionTestReport>> TestAsync(string name, ConnectionService connections, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(await connections.TestAsync(name, CallerOf(http), cancellationToken));
}

/// <summary>The body of <c>POST /connections/{name}/sign-in</c>.</summary>
/// <param name="RedirectUri">Where the identity platform returns the browser; this server's callback page unless given.</param>
internal sealed record SignInBody(string? RedirectUri);

/// <summary>A started OAuth sign-in: where to send the browser (its <c>state</c> is in the URL).</summary>
/// <param name="AuthorizationUrl">The identity platform's authorize URL.</param>
/// <param name="RedirectUri">Where the browser comes back.</param>
/// <param name="ExpiresAt">When the sign-in is abandoned if the browser did not come back.</param>
internal sealed record SignInStartView(string AuthorizationUrl, string RedirectUri, DateTimeOffset ExpiresAt);
