using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;
using Microsoft.AspNetCore.Http;

namespace Entrada.Emulator.Identity;

/// <summary>
/// One call to the token endpoint once the endpoint has parsed it: the form, the tenant it names and
/// the client that sent it (what MSAL.NET's <c>AuthenticationRequestParameters</c> is to a request class).
/// </summary>
internal sealed class TokenRequest(IFormCollection form, string tenant, string tenantId, ClientAuthentication client, DateTimeOffset now)
{
    /// <summary>The request body.</summary>
    public IFormCollection Form { get; } = form;

    /// <summary>The tenant path segment as sent: a GUID, a verified domain, <c>organizations</c> or <c>common</c>.</summary>
    public string Tenant { get; } = tenant;

    /// <summary>The tenant ID the tokens are issued in (the emulated tenant's, also for the multi-tenant aliases).</summary>
    public string TenantId { get; } = tenantId;

    /// <summary>Whether <see cref="Tenant"/> is <c>organizations</c> or <c>common</c>.</summary>
    public bool IsMultiTenantAlias => EmulatorContext.IsMultiTenantAlias(Tenant);

    /// <summary>The client and whether it proved who it is.</summary>
    public ClientAuthentication Client { get; } = client;

    /// <summary>The client's app registration.</summary>
    public AppRegistration App => Client.App;

    /// <summary>The request's instant, read once so that every check and claim agree on it.</summary>
    public DateTimeOffset Now { get; } = now;

    /// <summary>A form parameter, or <see langword="null"/> when it is missing or empty.</summary>
    public string? Value(string name) => Form.Value(name);
}
