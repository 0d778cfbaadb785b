using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Identity;

/// <summary>
/// The grants that act for a signed-in user (authorization code, refresh token, device code): once the
/// grant has named the user and scopes, the tokens are issued here in one way for all three.
/// </summary>
internal abstract class DelegatedGrantHandler(EmulatorContext context, TokenMinter minter) : TokenGrantHandler(context, minter)
{
    /// <summary>How long a refresh token lives when unused (Entra's 90 days of inactivity).</summary>
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(90);

    /// <summary>Issues an access token, and a refresh token and ID token when <c>offline_access</c> and <c>openid</c> are asked for.</summary>
    /// <param name="request">The request.</param>
    /// <param name="userId">The signed-in user's object ID.</param>
    /// <param name="scopes">The scopes as requested.</param>
    /// <param name="nonce">The authorization request's nonce, for the ID token.</param>
    /// <exception cref="AadErrorException">The user is gone (50034) or disabled (50057), or consent is missing (65001).</exception>
    protected TokenResponse IssueUserTokens(TokenRequest request, string userId, IReadOnlyList<string> scopes, string? nonce)
    {
        var app = request.App;
        var now = request.Now;
        UserObject? user;
        HashSet<string> permissions;
        lock (Context.State.Sync)
        {
            user = Context.State.FindUserLocked(userId);
            if (user is null)
            {
                throw new AadErrorException(AadError.InvalidGrant(50034, $"The user account {userId} does not exist in the {Context.State.TenantDomain} directory."));
            }

            if (!user.AccountEnabled)
            {
                throw new AadErrorException(AadError.InvalidGrant(50057, "The user account is disabled."));
            }

            permissions = DelegatedScopes.ResolvePermissionsLocked(app, user.Id, scopes);
        }

        var lifetime = Minter.Lifetime;
        var scp = string.Join(' ', permissions.Order(StringComparer.OrdinalIgnoreCase));
        var token = Minter.UserAccessToken(app, user, request.TenantId, scp, AppIdAcr(request), now, lifetime);

        string? refresh = null;
        if (scopes.Contains("offline_access", StringComparer.OrdinalIgnoreCase))
        {
            refresh = FlowStore.NewOpaque("1.AEmu");
            lock (Context.State.Sync)
            {
                Context.Flows.RefreshTokens[refresh] = new RefreshTokenGrant(app.ClientId, user.Id, scopes, now, now.Add(RefreshTokenLifetime));
            }
        }

        var idToken = scopes.Contains("openid", StringComparer.OrdinalIgnoreCase)
            ? Minter.IdToken(app, user, request.TenantId, scopes.Contains("email", StringComparer.OrdinalIgnoreCase), nonce, now, lifetime)
            : null;

        return new TokenResponse(token, lifetime)
        {
            Scope = string.Join(' ', DelegatedScopes.ForResponse(scopes, permissions)),
            RefreshToken = refresh,
            IdToken = idToken,
            ClientInfo = TokenMinter.ClientInfo(user.Id, request.TenantId),
        };
    }

    /// <summary><c>appidacr</c> of a user token: <c>0</c> when a public client sent no credential parameter at all, else <c>1</c>.</summary>
    private static string AppIdAcr(TokenRequest request) =>
        request.App.IsPublicClient && request.Form["client_secret"].Count == 0 && request.Form["client_assertion"].Count == 0 ? "0" : "1";
}
