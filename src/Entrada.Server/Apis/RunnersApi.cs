using System.ComponentModel;
using System.Text.Json.Serialization;
using Entrada.Core;
using Entrada.Core.Runners;
using Entrada.Core.Secrets;
using Entrada.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Server.Apis;

/// <summary>A request for a registration token.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RunnerTokenBody([property: Description("The runner group the token registers a runner in, such as corp.")] string? Group);

/// <summary>A registration token, shown once.</summary>
internal sealed record RunnerTokenView(
    [property: Description("The one-time registration token: give it to 'entrada runner register' on standard input or in ENTRADA_RUNNER_TOKEN. Kept only as a hash.")] string Token,
    string Group,
    DateTimeOffset ExpiresAt);

/// <summary>What a runner sends to register.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RunnerRegisterBody(string? Token, string? Group, string? Name, string? PublicKey, string? Version);

/// <summary>A registered runner.</summary>
internal sealed record RunnerRegisteredView(string Id, string Group, string Name, DateTimeOffset RegisteredAt);

/// <summary>
/// <c>/api/v1/runners</c>: registration tokens, the runners with their live state, revocation; and
/// the registration a runner makes with its token (no API key: the token is its authority).
/// </summary>
internal static class RunnersApi
{
    public static RouteGroupBuilder MapRunnersApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/runners").WithTags("Runners");
        group.MapGet("/", ListAsync).WithSummary("Lists runners: group, name, version, address seen, connected since, last heartbeat, runs in progress, status.");
        group.MapPost("/tokens", CreateTokenAsync).WithSummary("Makes a one-time registration token for a runner group (it expires after an hour).");
        group.MapPost("/{id}/revoke", RevokeAsync).WithSummary("Revokes a runner: it is refused from now on and its open connection is dropped.");
        return group;
    }

    /// <summary>The registration endpoint, outside the API-key policy.</summary>
    public static IEndpointConventionBuilder MapRunnerRegistration(this IEndpointRouteBuilder app) =>
        app.MapPost(RunnerProtocol.RegisterPath, RegisterAsync).AllowAnonymous().WithTags("Runners")
            .WithSummary("A runner registers its public key with a one-time registration token.");

    private static async Task<Ok<RunnerView[]>> ListAsync(RunnerService runners, CancellationToken cancellationToken) =>
        TypedResults.Ok((await runners.ListAsync(cancellationToken)).ToArray());

    private static async Task<Created<RunnerTokenView>> CreateTokenAsync(RunnerTokenBody? body, RunnerService runners, HttpContext http, CancellationToken cancellationToken)
    {
        var token = await runners.CreateTokenAsync(body?.Group, CallerOf(http), cancellationToken);
        return TypedResults.Created("/api/v1/runners", new RunnerTokenView(token.Token.Reveal(), token.Group, token.ExpiresAt));
    }

    private static async Task<Ok<RunnerView>> RevokeAsync(string id, RunnerService runners, HttpContext http, CancellationToken cancellationToken)
    {
        var revoked = await runners.RevokeAsync(id, CallerOf(http), cancellationToken);
        return TypedResults.Ok((await runners.ListAsync(cancellationToken)).First(r => r.Id == revoked.Id));
    }

    private static async Task<Results<Created<RunnerRegisteredView>, ProblemHttpResult>> RegisterAsync(RunnerRegisterBody body, RunnerService runners, HttpContext http, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Token))
        {
            throw new EntradaValidationException("token", "A registration token is required.");
        }

        try
        {
            var runner = await runners.RegisterAsync(
                new RunnerRegistration(new Secret(body.Token.Trim()), body.Group ?? string.Empty, body.Name ?? string.Empty, body.PublicKey ?? string.Empty, body.Version),
                http.Connection.RemoteIpAddress?.ToString(),
                cancellationToken);
            return TypedResults.Created("/api/v1/runners", new RunnerRegisteredView(runner.Id, runner.Group, runner.Name, runner.RegisteredAt));
        }
        catch (RunnerTokenRefusedException ex)
        {
            // The token is the caller's credential here: a refused one is a 401, not a failure of a remote service.
            return TypedResults.Problem(Problems.Of(StatusCodes.Status401Unauthorized, ex.Message));
        }
    }

    private static Caller CallerOf(HttpContext http) => new(CallerInterface.Api, EntradaAuth.ActorOf(http.User));
}
