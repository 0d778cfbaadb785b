using Entrada.Emulator.Hosting;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Identity;

/// <summary>
/// <c>grant_type=refresh_token</c>: redeems a refresh token of the same client, refused once it is 90 days
/// old or the user's sessions were revoked after it was issued. The token stays redeemable; a new one is
/// issued beside it when the scopes include <c>offline_access</c>.
/// </summary>
internal sealed class RefreshTokenGrantHandler(EmulatorContext context, TokenMinter minter) : DelegatedGrantHandler(context, minter)
{
    public override IReadOnlyList<string> GrantTypes { get; } = ["refresh_token"];

    public override TokenResponse Execute(TokenRequest request)
    {
        RequireCredentialUnlessPublicClient(request);
        var refresh = request.Value("refresh_token") ?? throw new AadErrorException(AadError.MissingParameter("refresh_token"));
        RefreshTokenGrant? grant;
        UserObject? user;
        lock (Context.State.Sync)
        {
            Context.Flows.RefreshTokens.TryGetValue(refresh, out grant);
            user = grant is null ? null : Context.State.FindUserLocked(grant.UserId);
        }

        if (grant is null || grant.ClientId != request.App.ClientId)
        {
            throw new AadErrorException(AadError.InvalidGrant(9002313, "Invalid request. Request is malformed or invalid. The refresh token is unknown or was issued to another client."));
        }

        if (grant.Expires <= request.Now)
        {
            throw new AadErrorException(AadError.InvalidGrant(700082, "The refresh token has expired due to inactivity. The token was issued on " + AadError.Timestamp(grant.IssuedAt) + " and was inactive for 90.00:00:00."));
        }

        if (user is null || grant.IssuedAt < user.SessionsValidFrom)
        {
            throw new AadErrorException(AadError.InvalidGrant(50173,
                $"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{AadError.Timestamp(grant.IssuedAt)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{AadError.Timestamp(user?.SessionsValidFrom ?? request.Now)}'."));
        }

        var requested = request.Value("scope");
        var scopes = requested is null ? grant.Scopes : DelegatedScopes.Parse(requested);
        return IssueUserTokens(request, grant.UserId, scopes, nonce: null);
    }
}
