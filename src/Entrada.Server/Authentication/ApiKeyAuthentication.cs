using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Entrada.Server.Apis;
using Entrada.Core.Keys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Entrada.Server.Authentication;

/// <summary>Names shared by the authentication schemes.</summary>
internal static class EntradaAuth
{
    /// <summary>The API's scheme: <c>Authorization: Bearer KEY</c>.</summary>
    public const string ApiKeyScheme = "ApiKey";
    /// <summary>The pages' scheme: a cookie made at sign-in.</summary>
    public const string CookieScheme = "Cookies";
    /// <summary>The API's authorization policy.</summary>
    public const string ApiPolicy = "api";
    /// <summary>The claim holding the API key's id.</summary>
    public const string KeyIdClaim = "entrada:key";
    /// <summary>The HttpContext item set when the caller is throttled.</summary>
    public const string ThrottledItem = "entrada:throttled";

    /// <summary>The principal of a key: its id is the actor in the audit log.</summary>
    public static ClaimsPrincipal PrincipalOf(ApiKeyInfo key, string scheme) => new(new ClaimsIdentity(
        [new Claim(KeyIdClaim, key.Id), new Claim(ClaimTypes.Name, key.Name is null ? $"key {key.Id}" : $"{key.Name} ({key.Id})")],
        scheme));

    /// <summary>The actor recorded for a request: <c>key:ID</c>.</summary>
    public static string? ActorOf(ClaimsPrincipal user) =>
        user.FindFirst(KeyIdClaim)?.Value is { } id ? $"key:{id}" : null;
}

/// <summary>
/// Authenticates API requests by <c>Authorization: Bearer KEY</c>. A wrong key and a missing key
/// get the same 401, which never says whether any key exists; failures are counted per address
/// by <see cref="SignInThrottle"/>, and a wrong key from an address that has used up its failures
/// gets 429 with <c>Retry-After</c>. A valid key is always accepted.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    SignInThrottle throttle,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        // The key is checked first: failures from an address (behind a proxy, everyone's) slow
        // down only further failures, never a caller who holds a valid key.
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var key = await keys.ValidateAsync(presented, Context.RequestAborted);
        if (key is null)
        {
            if (throttle.TryRecordFailure(Context.Connection.RemoteIpAddress, out var retryAfter))
            {
                return AuthenticateResult.Fail("The API key is not valid.");
            }

            Context.Items[EntradaAuth.ThrottledItem] = retryAfter;
            return AuthenticateResult.Fail("Too many failed attempts.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(EntradaAuth.PrincipalOf(key, Scheme.Name), Scheme.Name));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.TryGetValue(EntradaAuth.ThrottledItem, out var value) && value is TimeSpan retryAfter)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await WriteAsync(Problems.Of(StatusCodes.Status429TooManyRequests, $"Too many requests with a wrong API key came from this address; try again in {seconds} seconds."));
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteAsync(Problems.Of(StatusCodes.Status401Unauthorized, "Send a valid API key as 'Authorization: Bearer KEY'. Keys are made with 'entrada keys create'."));
    }

    private async Task WriteAsync(Microsoft.AspNetCore.Mvc.ProblemDetails problem) =>
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
}
