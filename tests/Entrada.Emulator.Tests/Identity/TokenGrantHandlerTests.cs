using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Emulator.Identity;
using Microsoft.Extensions.Primitives;

namespace Entrada.Emulator.Tests.Identity;

public sealed class TokenGrantHandlerTests : IDisposable
{
    private readonly GrantHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static JsonNode Claims(string jwt) => JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]))!;

    // ---- client credentials ----------------------------------------------------------------------------

    private ClientCredentialsGrantHandler ClientCredentials => new(_harness.Context, _harness.Minter);

    [Fact]
    public void ClientCredentials_ForAuthenticatedApp_IssuesAnAppTokenWithItsRolesInOrdinalOrder()
    {
        var response = ClientCredentials.Execute(_harness.Request(_harness.Demo, authenticated: true, GrantHarness.Form(("scope", "https://graph.microsoft.com/.default"))));

        var claims = Claims(response.AccessToken);
        claims["idtyp"]!.GetValue<string>().ShouldBe("app");
        claims["appidacr"]!.GetValue<string>().ShouldBe("1");
        claims["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(_harness.Demo.GrantedApplicationPermissions.Order(StringComparer.Ordinal));
        response.Scope.ShouldBeNull();
        response.RefreshToken.ShouldBeNull();
        response.ExpiresIn.ShouldBe(3599);
    }

    [Fact]
    public void ClientCredentials_WithoutACredential_IsRefusedWithAadsts7000218EvenForAPublicClient()
    {
        _harness.Demo.IsPublicClient.ShouldBeTrue();

        GrantHarness.RefusalCode(() => ClientCredentials.Execute(_harness.Request(_harness.Demo, authenticated: false, GrantHarness.Form(("scope", "https://graph.microsoft.com/.default")))))
            .ShouldBe(7000218);
    }

    [Theory]
    [InlineData("organizations")]
    [InlineData("common")]
    public void ClientCredentials_OnAMultiTenantAlias_IsRefusedWithAadsts900023(string tenant)
    {
        GrantHarness.RefusalCode(() => ClientCredentials.Execute(_harness.Request(_harness.Demo, authenticated: true, GrantHarness.Form(("scope", "https://graph.microsoft.com/.default")), tenant)))
            .ShouldBe(900023);
    }

    [Fact]
    public void ClientCredentials_ForAnotherResource_IsRefusedWithAadsts500011()
    {
        GrantHarness.RefusalCode(() => ClientCredentials.Execute(_harness.Request(_harness.Demo, authenticated: true, GrantHarness.Form(("scope", "https://vault.azure.net/.default")))))
            .ShouldBe(500011);
    }

    // ---- refresh token ---------------------------------------------------------------------------------

    private RefreshTokenGrantHandler Refresh => new(_harness.Context, _harness.Minter);

    private TokenRequest RefreshRequest(string refreshToken) =>
        _harness.Request(_harness.Demo, authenticated: false, GrantHarness.Form(("refresh_token", refreshToken)));

    [Fact]
    public void Refresh_OfTheSameClient_IssuesUserTokensAndANewRefreshToken()
    {
        var refresh = _harness.IssueRefreshToken(_harness.Demo, _harness.UserId, "User.Read", "offline_access");

        var response = Refresh.Execute(RefreshRequest(refresh));

        var claims = Claims(response.AccessToken);
        claims["idtyp"]!.GetValue<string>().ShouldBe("user");
        claims["oid"]!.GetValue<string>().ShouldBe(_harness.UserId);
        claims["scp"]!.GetValue<string>().ShouldBe("User.Read");
        claims["appidacr"]!.GetValue<string>().ShouldBe("0");
        response.Scope.ShouldBe("User.Read offline_access");
        response.RefreshToken.ShouldNotBeNull().ShouldNotBe(refresh);
        response.IdToken.ShouldBeNull();
        response.ClientInfo.ShouldNotBeNull();
    }

    [Fact]
    public void Refresh_IssuedToAnotherClient_IsRefusedWithAadsts9002313()
    {
        var refresh = _harness.IssueRefreshToken(_harness.NoConsent, _harness.UserId, "openid", "offline_access");

        var error = Should.Throw<AadErrorException>(() => Refresh.Execute(RefreshRequest(refresh))).Error;

        error.Code.ShouldBe(9002313);
        error.Error.ShouldBe("invalid_grant");
        error.Status.ShouldBe(400);
    }

    [Fact]
    public void Refresh_Unknown_IsRefusedWithAadsts9002313()
    {
        GrantHarness.RefusalCode(() => Refresh.Execute(RefreshRequest("1.AEmu-never-issued"))).ShouldBe(9002313);
    }

    [Fact]
    public void Refresh_AfterNinetyDays_IsRefusedWithAadsts700082()
    {
        var refresh = _harness.IssueRefreshToken(_harness.Demo, _harness.UserId, "User.Read");
        _harness.Time.Advance(DelegatedGrantHandler.RefreshTokenLifetime);

        GrantHarness.RefusalCode(() => Refresh.Execute(RefreshRequest(refresh))).ShouldBe(700082);
    }

    [Fact]
    public void Refresh_AfterTheUsersSessionsWereRevoked_IsRefusedWithAadsts50173()
    {
        var refresh = _harness.IssueRefreshToken(_harness.Demo, _harness.UserId, "User.Read");
        _harness.Time.Advance(TimeSpan.FromSeconds(1));
        _harness.Context.State.RevokeSignInSessions(_harness.UserId).ShouldBeTrue();

        GrantHarness.RefusalCode(() => Refresh.Execute(RefreshRequest(refresh))).ShouldBe(50173);
    }

    [Fact]
    public void Refresh_ForAScopeWithoutConsent_IsRefusedWithAadsts65001()
    {
        var refresh = _harness.IssueRefreshToken(_harness.NoConsent, _harness.UserId, "openid");
        var request = _harness.Request(_harness.NoConsent, authenticated: false, GrantHarness.Form(("refresh_token", refresh), ("scope", "User.Read.All")));

        var error = Should.Throw<AadErrorException>(() => Refresh.Execute(request)).Error;

        error.Code.ShouldBe(65001);
        error.SubError.ShouldBe("consent_required");
    }

    [Fact]
    public void Refresh_ByAConfidentialClientWithoutCredential_IsRefusedWithAadsts7000218()
    {
        _harness.Demo.IsPublicClient = false;
        var refresh = _harness.IssueRefreshToken(_harness.Demo, _harness.UserId, "User.Read");

        GrantHarness.RefusalCode(() => Refresh.Execute(RefreshRequest(refresh))).ShouldBe(7000218);
    }

    // ---- authorization code ----------------------------------------------------------------------------

    private AuthorizationCodeGrantHandler AuthorizationCode => new(_harness.Context, _harness.Minter);

    private string StoreCode(string? challenge = null, string? method = null)
    {
        var code = FlowStore.NewOpaque("1.AEmuCode");
        _harness.Context.Flows.Codes[code] = new AuthorizationCode(_harness.Demo.ClientId, _harness.UserId, "http://localhost", ["openid", "User.Read"], challenge, method, "n-0S6", _harness.Time.GetUtcNow().AddMinutes(10));
        return code;
    }

    [Fact]
    public void AuthorizationCode_RedeemedTwice_IsRefusedTheSecondTimeWithAadsts54005()
    {
        var code = StoreCode();
        var request = _harness.Request(_harness.Demo, authenticated: false, GrantHarness.Form(("code", code), ("redirect_uri", "http://localhost")));

        var first = AuthorizationCode.Execute(request);

        Claims(first.IdToken.ShouldNotBeNull())["nonce"]!.GetValue<string>().ShouldBe("n-0S6");
        GrantHarness.RefusalCode(() => AuthorizationCode.Execute(request)).ShouldBe(54005);
    }

    [Fact]
    public void AuthorizationCode_WithTheWrongPkceVerifier_IsRefusedWithAadsts501481()
    {
        const string Verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        var challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(Verifier)));

        var wrong = _harness.Request(_harness.Demo, authenticated: false, GrantHarness.Form(("code", StoreCode(challenge, "S256")), ("redirect_uri", "http://localhost"), ("code_verifier", Verifier + "x")));
        var right = _harness.Request(_harness.Demo, authenticated: false, GrantHarness.Form(("code", StoreCode(challenge, "S256")), ("redirect_uri", "http://localhost"), ("code_verifier", Verifier)));

        GrantHarness.RefusalCode(() => AuthorizationCode.Execute(wrong)).ShouldBe(501481);
        Should.NotThrow(() => AuthorizationCode.Execute(right));
    }

    [Fact]
    public void AuthorizationCode_WithAnotherRedirectUri_IsRefusedWithAadsts50011()
    {
        var request = _harness.Request(_harness.Demo, authenticated: false, GrantHarness.Form(("code", StoreCode()), ("redirect_uri", "https://localhost/callback")));

        GrantHarness.RefusalCode(() => AuthorizationCode.Execute(request)).ShouldBe(50011);
    }

    // ---- device code -----------------------------------------------------------------------------------

    private DeviceCodeGrantHandler DeviceCode => new(_harness.Context, _harness.Minter);

    private DeviceCodeGrant StoreDeviceCode()
    {
        var grant = new DeviceCodeGrant { DeviceCode = FlowStore.NewOpaque("DAQABAAEAAAD"), UserCode = FlowStore.NewUserCode(), ClientId = _harness.Demo.ClientId, Scopes = ["User.Read"], Expires = _harness.Time.GetUtcNow().AddMinutes(15) };
        _harness.Context.Flows.DeviceCodes[grant.DeviceCode] = grant;
        return grant;
    }

    [Fact]
    public void DeviceCode_UntilApproved_AnswersAuthorizationPendingThenRedeemsOnce()
    {
        var grant = StoreDeviceCode();
        var request = _harness.Request(_harness.Demo, authenticated: false, GrantHarness.Form(("device_code", grant.DeviceCode)));

        Should.Throw<AadErrorException>(() => DeviceCode.Execute(request)).Error.Error.ShouldBe("authorization_pending");
        grant.UserId = _harness.UserId;
        grant.Status = DeviceCodeStatus.Approved;

        Claims(DeviceCode.Execute(request).AccessToken)["oid"]!.GetValue<string>().ShouldBe(_harness.UserId);
        Should.Throw<AadErrorException>(() => DeviceCode.Execute(request)).Error.Error.ShouldBe("bad_verification_code");
    }

    [Fact]
    public void DeviceCode_AfterFifteenMinutes_AnswersExpiredToken()
    {
        var grant = StoreDeviceCode();
        _harness.Time.Advance(TimeSpan.FromMinutes(15));

        Should.Throw<AadErrorException>(() => DeviceCode.Execute(_harness.Request(_harness.Demo, authenticated: false, GrantHarness.Form(("device_code", grant.DeviceCode)))))
            .Error.Error.ShouldBe("expired_token");
    }

    [Fact]
    public void DeviceCode_OfAnotherClient_AnswersBadVerificationCode()
    {
        var grant = StoreDeviceCode();

        Should.Throw<AadErrorException>(() => DeviceCode.Execute(_harness.Request(_harness.NoConsent, authenticated: false, GrantHarness.Form(("device_code", grant.DeviceCode)))))
            .Error.Code.ShouldBe(70000);
    }

    // ---- client authentication -------------------------------------------------------------------------

    [Fact]
    public void Authenticate_WithTheSecretByBasicAuth_IsAuthenticated()
    {
        var secret = _harness.Demo.Secrets[0].Value;
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_harness.Demo.ClientId + ":" + Uri.EscapeDataString(secret))));

        var client = _harness.Authenticator.Authenticate(basic.ToString(), GrantHarness.Form(), "tenant", _harness.Time.GetUtcNow());

        client.App.ShouldBeSameAs(_harness.Demo);
        client.Authenticated.ShouldBeTrue();
    }

    [Fact]
    public void Authenticate_WithASecretThatExpiredOnTheEmulatorsClock_IsRefusedWithAadsts7000222()
    {
        _harness.Context.State.AddAppSecret(_harness.Demo.ClientId, "short-lived", _harness.Time.GetUtcNow().AddHours(1)).ShouldBeTrue();
        var form = GrantHarness.Form(("client_id", _harness.Demo.ClientId), ("client_secret", "short-lived"));
        _harness.Authenticator.Authenticate(StringValues.Empty, form, "tenant", _harness.Time.GetUtcNow()).Authenticated.ShouldBeTrue();

        _harness.Time.Advance(TimeSpan.FromHours(1));

        GrantHarness.RefusalCode(() => _harness.Authenticator.Authenticate(StringValues.Empty, form, "tenant", _harness.Time.GetUtcNow())).ShouldBe(7000222);
    }

    [Fact]
    public void Authenticate_WithAnAssertionOfTheWrongType_IsRefusedWithAadsts900144()
    {
        using var certificate = GrantHarness.NewCertificate();
        _harness.Demo.Certificates.Add(certificate);
        var form = GrantHarness.Form(("client_id", _harness.Demo.ClientId), ("client_assertion", _harness.Assertion(certificate, _harness.Demo.ClientId)), ("client_assertion_type", "jwt"));

        GrantHarness.RefusalCode(() => _harness.Authenticator.Authenticate(StringValues.Empty, form, "tenant", _harness.Time.GetUtcNow())).ShouldBe(900144);
    }

    [Fact]
    public void Authenticate_WithNeitherSecretNorAssertion_FindsTheAppUnauthenticated()
    {
        var client = _harness.Authenticator.Authenticate(StringValues.Empty, GrantHarness.Form(("client_id", _harness.Demo.ClientId)), "tenant", _harness.Time.GetUtcNow());

        client.Authenticated.ShouldBeFalse();
    }
}
