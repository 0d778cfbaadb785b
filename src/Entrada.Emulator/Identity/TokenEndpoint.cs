using Entrada.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Entrada.Emulator.Identity;

/// <summary>
/// <c>POST /{tenant}/oauth2/v2.0/token</c>: parses the form, resolves the tenant, authenticates the client and
/// hands the request to the handler of its <c>grant_type</c>; answers failures in Entra's AADSTS shape.
/// </summary>
internal sealed class TokenEndpoint
{
    private readonly EmulatorContext _context;
    private readonly ClientAuthenticator _authenticator;
    private readonly Dictionary<string, TokenGrantHandler> _grants = new(StringComparer.Ordinal);

    public TokenEndpoint(EmulatorContext context)
    {
        _context = context;
        _authenticator = new ClientAuthenticator(context, new ClientAssertionValidator(context));
        var minter = new TokenMinter(context);
        foreach (var grant in (TokenGrantHandler[])
            [
                new ClientCredentialsGrantHandler(context, minter),
                new AuthorizationCodeGrantHandler(context, minter),
                new RefreshTokenGrantHandler(context, minter),
                new DeviceCodeGrantHandler(context, minter),
            ])
        {
            foreach (var grantType in grant.GrantTypes)
            {
                _grants.Add(grantType, grant);
            }
        }
    }

    public async Task HandleAsync(HttpContext http, string tenant, CancellationToken cancellationToken)
    {
        var now = _context.Time.GetUtcNow();
        try
        {
            if (!http.Request.HasFormContentType)
            {
                throw new AadErrorException(AadError.MissingParameter("grant_type"));
            }

            var form = await http.Request.ReadFormAsync(cancellationToken);
            var tenantId = _context.ResolveTenant(tenant);
            if (tenantId is null && !EmulatorContext.IsMultiTenantAlias(tenant))
            {
                throw new AadErrorException(AadError.UnknownTenant(tenant));
            }

            var grantType = form.Value("grant_type") ?? throw new AadErrorException(AadError.MissingParameter("grant_type"));
            var client = _authenticator.Authenticate(http.Request.Headers.Authorization, form, tenant, now);
            var handler = _grants.GetValueOrDefault(grantType) ?? throw new AadErrorException(AadError.UnsupportedGrant(grantType));
            var response = handler.Execute(new TokenRequest(form, tenant, tenantId ?? _context.State.TenantId, client, now));
            await response.WriteAsync(http.Response, cancellationToken);
        }
        catch (AadErrorException e)
        {
            await e.Error.WriteAsync(http, now, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A defect of the emulator: answered as Entra answers its own failures, and logged.
            LogMessages.TokenEndpointFailed(_context.Logger, e);
            await new AadError(500, "server_error", 90000, "The emulator failed to process the request: " + e.Message).WriteAsync(http, now, cancellationToken);
        }
    }
}
