using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Entrada.Emulator.Hosting;

namespace Entrada.Emulator.Identity;

/// <summary><c>grant_type=authorization_code</c>: redeems a code from <c>/authorize</c> once, checking its redirect URI and PKCE verifier.</summary>
internal sealed class AuthorizationCodeGrantHandler(EmulatorContext context, TokenMinter minter) : DelegatedGrantHandler(context, minter)
{
    public override IReadOnlyList<string> GrantTypes { get; } = ["authorization_code"];

    public override TokenResponse Execute(TokenRequest request)
    {
        RequireCredentialUnlessPublicClient(request);
        var code = request.Value("code") ?? throw new AadErrorException(AadError.MissingParameter("code"));
        AuthorizationCode? grant;
        lock (Context.State.Sync)
        {
            // Removed before any check: a code is spent by its first redemption, good or bad.
            Context.Flows.Codes.Remove(code, out grant);
        }

        if (grant is null || grant.ClientId != request.App.ClientId)
        {
            throw new AadErrorException(AadError.InvalidGrant(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."));
        }

        if (grant.Expires <= request.Now)
        {
            throw new AadErrorException(AadError.InvalidGrant(70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."));
        }

        var redirectUri = request.Value("redirect_uri");
        if (redirectUri != grant.RedirectUri)
        {
            throw new AadErrorException(AadError.InvalidGrant(50011, $"The redirect URI '{redirectUri}' specified in the request does not match the redirect URI of the authorization request."));
        }

        if (grant.CodeChallenge is not null)
        {
            var verifier = request.Value("code_verifier");
            var expected = grant.CodeChallengeMethod == "S256" && verifier is not null
                ? Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))
                : verifier;
            if (verifier is null || expected != grant.CodeChallenge)
            {
                throw new AadErrorException(AadError.InvalidGrant(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."));
            }
        }

        return IssueUserTokens(request, grant.UserId, grant.Scopes, grant.Nonce);
    }
}
