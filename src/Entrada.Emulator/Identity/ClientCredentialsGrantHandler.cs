using Entrada.Emulator.Hosting;

namespace Entrada.Emulator.Identity;

/// <summary><c>grant_type=client_credentials</c>: an app-only token for Graph's <c>.default</c> scope with the app's granted roles.</summary>
internal sealed class ClientCredentialsGrantHandler(EmulatorContext context, TokenMinter minter) : TokenGrantHandler(context, minter)
{
    public override IReadOnlyList<string> GrantTypes { get; } = ["client_credentials"];

    public override TokenResponse Execute(TokenRequest request)
    {
        if (request.IsMultiTenantAlias)
        {
            throw new AadErrorException(new AadError(400, "invalid_request", 900023,
                $"Specified tenant identifier '{request.Tenant}' is neither a valid DNS name, nor a valid external domain. The client credentials grant needs the tenant ID or a verified domain."));
        }

        if (!request.Client.Authenticated)
        {
            throw new AadErrorException(AadError.MissingCredential());
        }

        var scope = request.Value("scope") ?? throw new AadErrorException(AadError.MissingParameter("scope"));
        var scopes = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (scopes.Length != 1 || !scopes[0].EndsWith("/.default", StringComparison.Ordinal))
        {
            throw new AadErrorException(AadError.InvalidScope(scope));
        }

        var resource = scopes[0][..^"/.default".Length];
        if (!IsGraphResource(resource))
        {
            throw new AadErrorException(new AadError(400, "invalid_resource", 500011,
                $"The resource principal named {resource} was not found in the tenant named {Context.State.TenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."));
        }

        string[] roles;
        lock (Context.State.Sync)
        {
            // An enterprise app whose service principal is disabled gets no tokens (service-principals.disable).
            if (Context.State.IsAppDisabledLocked(request.App.ClientId))
            {
                throw new AadErrorException(new AadError(400, "unauthorized_client", 7000112, $"Application '{request.App.ClientId}'({request.App.Name}) is disabled."));
            }

            roles = [.. request.App.GrantedApplicationPermissions.Order(StringComparer.Ordinal)];
        }

        // appidacr: 1 for a secret, 2 for a certificate (a client assertion).
        var acr = request.Value("client_assertion") is null ? "1" : "2";
        var lifetime = Minter.Lifetime;
        var token = Minter.AppAccessToken(request.App, request.TenantId, roles, acr, request.Now, lifetime);

        // Access token only: MSAL.NET refuses a client-credentials response that carries user tokens.
        return new TokenResponse(token, lifetime);
    }

    private static bool IsGraphResource(string resource) =>
        resource.TrimEnd('/') is TokenService.GraphResource or TokenService.GraphAppId
        || resource.Equals("https://graph.microsoft.com", StringComparison.OrdinalIgnoreCase);
}
