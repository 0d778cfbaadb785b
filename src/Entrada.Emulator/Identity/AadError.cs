using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Entrada.Emulator.Identity;

/// <summary>An identity-platform error in Microsoft's body shape (error, AADSTS description, codes, ids, timestamp).</summary>
internal sealed record AadError(int Status, string Error, int Code, string Description, string? SubError = null)
{
    public static AadError UnknownTenant(string tenant) => new(400, "invalid_request", 90002,
        $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.");

    public static AadError UnknownClient(string clientId, string tenant) => new(400, "unauthorized_client", 700016,
        $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.");

    public static AadError WrongSecret(string clientId) => new(401, "invalid_client", 7000215,
        $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.");

    public static AadError ExpiredSecret(string clientId) => new(401, "invalid_client", 7000222,
        $"The provided client secret keys for app '{clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.");

    public static AadError MissingCredential() => new(401, "invalid_client", 7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");

    public static AadError MissingParameter(string name) => new(400, "invalid_request", 900144,
        $"The request body must contain the following parameter: '{name}'.");

    public static AadError InvalidScope(string scope) => new(400, "invalid_scope", 70011,
        $"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.");

    public static AadError ConsentRequired(string clientId, string appName) => new(400, "invalid_grant", 65001,
        $"The user or administrator has not consented to use the application with ID '{clientId}' named '{appName}'. Send an interactive authorization request for this user and resource.", "consent_required");

    public static AadError InvalidGrant(int code, string description) => new(400, "invalid_grant", code, description);

    public static AadError UnsupportedGrant(string grantType) => new(400, "unsupported_grant_type", 70003,
        $"The app requested an unsupported grant type '{grantType}'.");

    public string FullDescription(string traceId, string correlationId, DateTimeOffset now) =>
        $"AADSTS{Code}: {Description}\r\nTrace ID: {traceId}\r\nCorrelation ID: {correlationId}\r\nTimestamp: {Timestamp(now)}";

    public static string Timestamp(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public async Task WriteAsync(HttpContext context, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var traceId = Guid.NewGuid().ToString();
        var correlationId = context.Request.Headers["client-request-id"].FirstOrDefault() is { } c && Guid.TryParse(c, out _) ? c : Guid.NewGuid().ToString();
        context.Response.StatusCode = Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store, no-cache";
        context.Response.Headers["x-ms-request-id"] = traceId;
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("error", Error);
        writer.WriteString("error_description", FullDescription(traceId, correlationId, now));
        writer.WriteStartArray("error_codes");
        writer.WriteNumberValue(Code);
        writer.WriteEndArray();
        writer.WriteString("timestamp", Timestamp(now));
        writer.WriteString("trace_id", traceId);
        writer.WriteString("correlation_id", correlationId);
        writer.WriteString("error_uri", $"{context.Request.Scheme}://{context.Request.Host}/error?code={Code}");
        if (SubError is not null)
        {
            writer.WriteString("suberror", SubError);
        }

        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
    }
}

/// <summary>Thrown inside the token endpoint to answer with an AADSTS error.</summary>
internal sealed class AadErrorException(AadError error) : Exception(error.Description)
{
    public AadError Error { get; } = error;
}
