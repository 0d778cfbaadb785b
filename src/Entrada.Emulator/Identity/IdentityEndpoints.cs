using System.Text.Json;
using Entrada.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Emulator.Identity;

/// <summary>Maps the identity platform v2.0 endpoints under <c>/{tenant}/</c>.</summary>
internal static class IdentityEndpoints
{
    public static void MapIdentityPlatform(this IEndpointRouteBuilder app, EmulatorContext context, SignInConsent signIn, DeviceLoginPages deviceLogin)
    {
        var token = new TokenEndpoint(context);
        var authorize = new AuthorizePages(context, signIn);
        var adminConsent = new AdminConsentPages(context, signIn);
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (HttpContext http, string tenant, CancellationToken cancellationToken) => OpenIdConfigurationAsync(http, context, tenant, cancellationToken));
        app.MapGet("/{tenant}/.well-known/openid-configuration", (HttpContext http, string tenant, CancellationToken cancellationToken) => OpenIdConfigurationAsync(http, context, tenant, cancellationToken));
        app.MapGet("/{tenant}/discovery/v2.0/keys", (HttpContext http, string tenant, CancellationToken cancellationToken) => JwksAsync(http, context, tenant, cancellationToken));
        app.MapGet("/{tenant}/discovery/keys", (HttpContext http, string tenant, CancellationToken cancellationToken) => JwksAsync(http, context, tenant, cancellationToken));
        app.MapPost("/{tenant}/oauth2/v2.0/token", (HttpContext http, string tenant, CancellationToken cancellationToken) => token.HandleAsync(http, tenant, cancellationToken));
        app.MapPost("/{tenant}/oauth2/v2.0/devicecode", (HttpContext http, string tenant, CancellationToken cancellationToken) => deviceLogin.DeviceCodeAsync(http, tenant, cancellationToken));
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", (HttpContext http, string tenant, CancellationToken cancellationToken) => authorize.GetAsync(http, tenant, cancellationToken));
        app.MapPost("/{tenant}/oauth2/v2.0/authorize", (HttpContext http, string tenant, CancellationToken cancellationToken) => authorize.PostAsync(http, tenant, cancellationToken));
        app.MapGet("/devicelogin", (HttpContext http, CancellationToken cancellationToken) => deviceLogin.DeviceLoginGetAsync(http, cancellationToken));
        app.MapPost("/devicelogin", (HttpContext http, CancellationToken cancellationToken) => deviceLogin.DeviceLoginPostAsync(http, cancellationToken));
        app.MapGet("/{tenant}/adminconsent", (HttpContext http, string tenant, CancellationToken cancellationToken) => adminConsent.GetAsync(http, tenant, cancellationToken));
        app.MapPost("/{tenant}/adminconsent", (HttpContext http, string tenant, CancellationToken cancellationToken) => adminConsent.PostAsync(http, tenant, cancellationToken));
        app.MapGet("/{tenant}/v2.0/adminconsent", (HttpContext http, string tenant, CancellationToken cancellationToken) => adminConsent.GetAsync(http, tenant, cancellationToken));
    }

    private static async Task OpenIdConfigurationAsync(HttpContext http, EmulatorContext context, string tenant, CancellationToken cancellationToken)
    {
        var tenantId = context.ResolveTenant(tenant);
        if (tenantId is null && !EmulatorContext.IsMultiTenantAlias(tenant))
        {
            await AadError.UnknownTenant(tenant).WriteAsync(http, context.Time.GetUtcNow(), cancellationToken);
            return;
        }

        var b = context.BaseAddress;
        var t = tenantId ?? tenant;
        var issuerTenant = tenantId ?? "{tenantid}";
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var w = new Utf8JsonWriter(http.Response.Body);
        w.WriteStartObject();
        w.WriteString("token_endpoint", $"{b}/{t}/oauth2/v2.0/token");
        WriteArray(w, "token_endpoint_auth_methods_supported", "client_secret_post", "private_key_jwt", "client_secret_basic");
        w.WriteString("jwks_uri", $"{b}/{t}/discovery/v2.0/keys");
        WriteArray(w, "response_modes_supported", "query", "fragment", "form_post");
        WriteArray(w, "subject_types_supported", "pairwise");
        WriteArray(w, "id_token_signing_alg_values_supported", "RS256");
        WriteArray(w, "response_types_supported", "code", "id_token", "code id_token", "id_token token");
        WriteArray(w, "scopes_supported", "openid", "profile", "email", "offline_access");
        w.WriteString("issuer", $"{b}/{issuerTenant}/v2.0");
        w.WriteBoolean("request_uri_parameter_supported", false);
        w.WriteString("userinfo_endpoint", $"{b}/oidc/userinfo");
        w.WriteString("authorization_endpoint", $"{b}/{t}/oauth2/v2.0/authorize");
        w.WriteString("device_authorization_endpoint", $"{b}/{t}/oauth2/v2.0/devicecode");
        w.WriteBoolean("http_logout_supported", true);
        w.WriteBoolean("frontchannel_logout_supported", true);
        w.WriteString("end_session_endpoint", $"{b}/{t}/oauth2/v2.0/logout");
        WriteArray(w, "claims_supported", "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email");
        w.WriteString("kerberos_endpoint", $"{b}/{t}/kerberos");
        w.WriteString("tenant_region_scope", "NA");
        w.WriteString("cloud_instance_name", "microsoftonline.com");
        w.WriteString("cloud_graph_host_name", "graph.windows.net");
        w.WriteString("msgraph_host", new Uri(context.BaseAddress).Authority);
        w.WriteString("rbac_url", "https://pas.windows.net");
        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, string name, params string[] values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static async Task JwksAsync(HttpContext http, EmulatorContext context, string tenant, CancellationToken cancellationToken)
    {
        var tenantId = context.ResolveTenant(tenant);
        if (tenantId is null && !EmulatorContext.IsMultiTenantAlias(tenant))
        {
            await AadError.UnknownTenant(tenant).WriteAsync(http, context.Time.GetUtcNow(), cancellationToken);
            return;
        }

        http.Response.ContentType = "application/json; charset=utf-8";
        await using var w = new Utf8JsonWriter(http.Response.Body);
        context.Tokens.WriteJwks(w, $"{context.BaseAddress}/{tenantId ?? "{tenantid}"}/v2.0");
    }
}
