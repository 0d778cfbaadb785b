using Entrada.Emulator.Hosting;

namespace Entrada.Emulator.Identity;

/// <summary>
/// <c>grant_type=device_code</c> (both spellings): answers the polling client with <c>authorization_pending</c>
/// until the user settles the code on <c>/devicelogin</c>, then redeems it once.
/// </summary>
internal sealed class DeviceCodeGrantHandler(EmulatorContext context, TokenMinter minter) : DelegatedGrantHandler(context, minter)
{
    public override IReadOnlyList<string> GrantTypes { get; } = ["device_code", "urn:ietf:params:oauth:grant-type:device_code"];

    public override TokenResponse Execute(TokenRequest request)
    {
        var deviceCode = request.Value("device_code") ?? request.Value("code") ?? throw new AadErrorException(AadError.MissingParameter("device_code"));
        DeviceCodeGrant? grant;
        lock (Context.State.Sync)
        {
            Context.Flows.DeviceCodes.TryGetValue(deviceCode, out grant);
        }

        if (grant is null || grant.ClientId != request.App.ClientId || grant.Redeemed)
        {
            throw new AadErrorException(new AadError(400, "bad_verification_code", 70000, "The provided value for the input parameter 'device_code' is not valid."));
        }

        if (grant.Expires <= request.Now)
        {
            throw new AadErrorException(new AadError(400, "expired_token", 70019, "Verification code expired."));
        }

        switch (grant.Status)
        {
            case DeviceCodeStatus.Pending:
                throw new AadErrorException(new AadError(400, "authorization_pending", 70016, "The provided request has not yet been authorized by the user. The user must input their code."));
            case DeviceCodeStatus.Declined:
                throw new AadErrorException(new AadError(400, "authorization_declined", 70000, "The user declined the authorization request."));
        }

        lock (Context.State.Sync)
        {
            grant.Redeemed = true;
        }

        return IssueUserTokens(request, grant.UserId!, grant.Scopes, nonce: null);
    }
}
