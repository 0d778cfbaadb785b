using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Emulator.Control;

/// <summary>
/// <c>/_emulator/</c>: a test's levers, authorised by the control key (<c>Authorization: Bearer KEY</c>
/// or <c>X-Emulator-Key: KEY</c>). Faults, device-code approval, user type and risk, state read-back.
/// </summary>
internal static class ControlApi
{
    /// <summary>camelCase JSON for the control API's answers.</summary>
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapControl(this IEndpointRouteBuilder app, EmulatorContext context, DeviceLoginPages deviceLogin)
    {
        var group = app.MapGroup("/_emulator");
        group.AddEndpointFilter(async (invocation, next) =>
        {
            var request = invocation.HttpContext.Request;
            var presented = request.Headers["X-Emulator-Key"].ToString();
            var authorization = request.Headers.Authorization.ToString();
            if (presented.Length == 0 && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                presented = authorization[7..].Trim();
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(context.ControlKey)))
            {
                return Results.Json(new { error = "unauthorized", message = "The control API needs the emulator's control key (Authorization: Bearer KEY)." }, statusCode: 401);
            }

            try
            {
                return await next(invocation);
            }
            catch (Exception e) when (IsBodyError(e))
            {
                // A body that is not JSON, not an object, or has a member of the wrong type is the
                // caller's mistake: a 400 that says so, never a 500.
                return Results.Json(new { error = "invalid_request", message = $"The request body is not the JSON object this route takes: {e.Message}" }, statusCode: 400);
            }
        });

        group.MapGet("/state", () => Results.Text(context.State.DescribeJson(), "application/json"));
        group.MapGet("/users/{id}", (string id) => context.State.FindUser(id) is { } user ? Results.Json(user, Json) : NotFound(id));
        group.MapPatch("/users/{id}", async (string id, HttpRequest request) =>
        {
            using var doc = await ReadObjectAsync(request);
            var body = doc.RootElement;
            if (context.State.FindUser(id) is null)
            {
                return NotFound(id);
            }

            try
            {
                if (body.TryGetProperty("userType", out var type))
                {
                    context.State.SetUserType(id, type.GetString() ?? string.Empty);
                }

                if (body.TryGetProperty("riskLevel", out var level))
                {
                    var state = body.TryGetProperty("riskState", out var s) ? s.GetString() ?? "atRisk" : "atRisk";
                    context.State.SetUserRisk(id, level.GetString() ?? "none", state);
                }

                if (body.TryGetProperty("accountEnabled", out var enabled))
                {
                    context.State.SetAccountEnabled(id, enabled.GetBoolean());
                }
            }
            catch (ArgumentException e)
            {
                return Results.Json(new { error = "invalid_request", message = e.Message }, statusCode: 400);
            }

            return Results.Json(context.State.FindUser(id), Json);
        });
        group.MapGet("/groups/{id}", (string id) => context.State.GetGroupMemberIds(id) is { } members
            ? Results.Json(new { id, memberIds = members }, Json)
            : NotFound(id));
        group.MapPost("/users/{id}/revokeSignInSessions", (string id) => context.State.RevokeSignInSessions(id) ? Results.NoContent() : NotFound(id));
        group.MapPost("/faults", async (HttpRequest request) =>
        {
            using var doc = await ReadObjectAsync(request);
            var body = doc.RootElement;
            var kindText = body.TryGetProperty("fault", out var f) ? f.ToString() : body.TryGetProperty("status", out var st) ? st.ToString() : string.Empty;
            FaultKind? kind = kindText.ToLowerInvariant() switch
            {
                "429" => FaultKind.TooManyRequests,
                "503" => FaultKind.ServiceUnavailable,
                "504" => FaultKind.GatewayTimeout,
                "reset" or "connection-reset" => FaultKind.ConnectionReset,
                _ => null,
            };
            int? count = body.TryGetProperty("count", out var c) ? c.GetInt32() : null;
            double? fraction = body.TryGetProperty("fraction", out var fr) ? fr.GetDouble() : null;
            if (kind is null || (count is null) == (fraction is null) || count <= 0 || fraction is < 0 or > 1)
            {
                return Results.Json(new { error = "invalid_request", message = "Give 'fault' (429, 503, 504 or reset) and either 'count' (> 0) or 'fraction' (0..1)." }, statusCode: 400);
            }

            context.Faults.Add(new FaultRule
            {
                Kind = kind.Value,
                Remaining = count,
                Fraction = fraction,
                RetryAfterSeconds = body.TryGetProperty("retryAfterSeconds", out var ra) ? ra.GetInt32() : null,
                PathContains = body.TryGetProperty("pathContains", out var pc) ? pc.GetString() : null,
            });
            return Results.NoContent();
        });
        group.MapDelete("/faults", () =>
        {
            context.Faults.Clear();
            return Results.NoContent();
        });
        group.MapPost("/devicecodes/{userCode}/{decision}", async (string userCode, string decision, HttpRequest request) =>
        {
            var grant = deviceLogin.FindDeviceCode(userCode);
            if (grant is null)
            {
                return NotFound(userCode);
            }

            if (decision == "deny")
            {
                deviceLogin.Decline(grant);
                return Results.NoContent();
            }

            if (decision != "approve")
            {
                return Results.NotFound();
            }

            using var doc = await ReadObjectAsync(request);
            var user = doc.RootElement.TryGetProperty("user", out var u) ? u.GetString() : null;
            var failure = deviceLogin.Approve(grant, user, consent: true);
            return failure is null ? Results.NoContent() : Results.Json(new { error = failure.Error, message = $"AADSTS{failure.Code}: {failure.Description}" }, statusCode: 400);
        });
        group.MapPost("/apps/{clientId}/certificates", async (string clientId, HttpRequest request) =>
        {
            using var doc = await ReadObjectAsync(request);
            var pem = doc.RootElement.TryGetProperty("pem", out var p) ? p.GetString() : null;
            if (pem is null)
            {
                return Results.Json(new { error = "invalid_request", message = "Give 'pem': the certificate in PEM." }, statusCode: 400);
            }

            using var certificate = X509Certificate2.CreateFromPem(pem);
            return context.State.AddAppCertificate(clientId, certificate) ? Results.NoContent() : NotFound(clientId);
        });
        group.MapPost("/apps/{clientId}/redirectUris", async (string clientId, HttpRequest request) =>
        {
            using var doc = await ReadObjectAsync(request);
            var uri = doc.RootElement.TryGetProperty("uri", out var u) ? u.GetString() : null;
            if (uri is null || !Uri.IsWellFormedUriString(uri, UriKind.Absolute))
            {
                return Results.Json(new { error = "invalid_request", message = "Give 'uri': the absolute redirect URI to register." }, statusCode: 400);
            }

            return context.State.AddAppRedirectUri(clientId, uri) ? Results.NoContent() : NotFound(clientId);
        });
        group.MapPost("/apps/{clientId}/secrets", async (string clientId, HttpRequest request) =>
        {
            using var doc = await ReadObjectAsync(request);
            var root = doc.RootElement;
            var value = root.TryGetProperty("value", out var v) ? v.GetString() : null;
            var expires = root.TryGetProperty("expires", out var e) ? e.GetDateTimeOffset() : context.Time.GetUtcNow().AddYears(1);
            if (value is null)
            {
                return Results.Json(new { error = "invalid_request", message = "Give 'value' and optionally 'expires'." }, statusCode: 400);
            }

            return context.State.AddAppSecret(clientId, value, expires) ? Results.NoContent() : NotFound(clientId);
        });
    }

    /// <summary>Reads the body as one JSON object; anything else throws a <see cref="JsonException"/>.</summary>
    private static async Task<JsonDocument> ReadObjectAsync(HttpRequest request)
    {
        var doc = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = doc.RootElement.ValueKind;
            doc.Dispose();
            throw new JsonException($"The body is a JSON {kind.ToString().ToLowerInvariant()}; give a JSON object.");
        }

        return doc;
    }

    /// <summary>Failures of reading the body: malformed JSON, or a member of the wrong type (thrown by System.Text.Json itself).</summary>
    private static bool IsBodyError(Exception e) =>
        e is JsonException || (e is InvalidOperationException or FormatException && e.TargetSite?.DeclaringType?.Assembly == typeof(JsonElement).Assembly);

    private static IResult NotFound(string id) => Results.Json(new { error = "not_found", message = $"Nothing named '{id}' exists in the emulator." }, statusCode: 404);
}
