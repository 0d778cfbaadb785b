using System.Security.Claims;
using System.Text.Encodings.Web;
using Entrada.Core.Runners;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Entrada.Server.Runners;

/// <summary>Names of the runners' authentication.</summary>
internal static class RunnerAuth
{
    /// <summary>The scheme: <c>Authorization: Bearer</c> a signed, timestamped proof (<see cref="RunnerCredentials"/>).</summary>
    public const string Scheme = "Runner";
    /// <summary>The hub's policy.</summary>
    public const string Policy = "runner";
    /// <summary>The claim holding the runner's id.</summary>
    public const string RunnerIdClaim = "entrada:runner";
}

/// <summary>
/// Authenticates a runner's connection by the proof it signs with its own key: recent, signed
/// with the public key recorded at registration, and the runner not revoked. Every refusal is the
/// same 401, which does not say which check failed.
/// </summary>
internal sealed class RunnerAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    RunnerService runners)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        var proof = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header[7..].Trim()
            : Request.Query["access_token"].FirstOrDefault();
        if (!RunnerCredentials.IsProof(proof))
        {
            return AuthenticateResult.NoResult();
        }

        var runner = await runners.AuthenticateAsync(proof, Context.RequestAborted);
        if (runner is null)
        {
            return AuthenticateResult.Fail("The runner is not registered, was revoked, or its proof is not valid.");
        }

        var identity = new ClaimsIdentity([new Claim(RunnerAuth.RunnerIdClaim, runner.Id), new Claim(ClaimTypes.Name, runner.Name)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
