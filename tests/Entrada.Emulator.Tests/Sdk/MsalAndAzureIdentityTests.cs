using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Entrada.Emulator.Tests.Support;
using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensibility;

namespace Entrada.Emulator.Tests.Sdk;

/// <summary>Azure.Identity and MSAL.NET, unchanged apart from authority and certificate trust, for every flow.</summary>
public sealed class MsalAndAzureIdentityTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private static readonly string[] GraphScopes = ["https://graph.microsoft.com/User.Read", "https://graph.microsoft.com/User.Read.All"];

    private string Authority => fixture.Server.AuthorityHost + fixture.Server.TenantId;

    private static X509Certificate2 NewCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=entrada-test-client", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    private IPublicClientApplication PublicClient(EmulatorApp? app = null) =>
        PublicClientApplicationBuilder.Create((app ?? fixture.Demo).ClientId)
            .WithAuthority(Authority)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new EmulatorHttpClientFactory(fixture.Server))
            .WithRedirectUri("http://localhost")
            .Build();

    private IConfidentialClientApplication ConfidentialClient() =>
        ConfidentialClientApplicationBuilder.Create(fixture.Demo.ClientId)
            .WithClientSecret(fixture.Demo.ClientSecret)
            .WithAuthority(Authority)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new EmulatorHttpClientFactory(fixture.Server))
            .WithRedirectUri("https://localhost/callback")
            .Build();

    private static JsonNode Claims(string jwt) => JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]))!;

    [Fact]
    public async Task ClientCertificateCredential_WithRegisteredCertificate_GetsAToken()
    {
        using var certificate = NewCertificate();
        fixture.Server.State.AddAppCertificate(fixture.Demo.ClientId, certificate).ShouldBeTrue();
        var credential = new ClientCertificateCredential(fixture.Server.TenantId, fixture.Demo.ClientId, certificate, new ClientCertificateCredentialOptions
        {
            AuthorityHost = fixture.Server.AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(fixture.Server.CreateHttpHandler()),
        });

        var token = await credential.GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), default);

        var claims = Claims(token.Token);
        claims["appidacr"]!.GetValue<string>().ShouldBe("2");
        claims["roles"]!.AsArray().Count.ShouldBe(fixture.Demo.Permissions.Count);
    }

    [Fact]
    public async Task ClientCertificateCredential_WithUnregisteredCertificate_FailsWithAadsts700027()
    {
        using var certificate = NewCertificate();
        var credential = new ClientCertificateCredential(fixture.Server.TenantId, fixture.NoConsent.ClientId, certificate, new ClientCertificateCredentialOptions
        {
            AuthorityHost = fixture.Server.AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(fixture.Server.CreateHttpHandler()),
            Retry = { MaxRetries = 0 },
        });

        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => credential.GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), default).AsTask());

        failure.ToString().ShouldContain("AADSTS700027");
    }

    [Fact]
    public async Task Msal_ConfidentialClientCredentials_WithSecretAndCertificate()
    {
        using var certificate = NewCertificate();
        fixture.Server.State.AddAppCertificate(fixture.Demo.ClientId, certificate);
        var withCertificate = ConfidentialClientApplicationBuilder.Create(fixture.Demo.ClientId)
            .WithCertificate(certificate)
            .WithAuthority(Authority)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new EmulatorHttpClientFactory(fixture.Server))
            .Build();

        var bySecret = await ConfidentialClient().AcquireTokenForClient(["https://graph.microsoft.com/.default"]).ExecuteAsync();
        var byCertificate = await withCertificate.AcquireTokenForClient(["https://graph.microsoft.com/.default"]).ExecuteAsync();

        Claims(bySecret.AccessToken)["idtyp"]!.GetValue<string>().ShouldBe("app");
        Claims(byCertificate.AccessToken)["appidacr"]!.GetValue<string>().ShouldBe("2");
    }

    [Fact]
    public async Task Msal_DeviceCode_PendsUntilApprovedOnThePage_ThenRefreshes()
    {
        var userId = fixture.Server.State.GetUserIds()[1];
        var client = PublicClient();
        Task<string>? approval = null;

        var result = await client.AcquireTokenWithDeviceCode(GraphScopes, code =>
        {
            code.VerificationUrl.ShouldBe(fixture.Server.AuthorityHost + "devicelogin");
            approval = Task.Run(async () =>
            {
                await Task.Delay(1500);
                return await SignInDriver.EnterDeviceCodeAsync(fixture.Server, code.UserCode, userId);
            });
            return Task.CompletedTask;
        }).ExecuteAsync();

        (await approval!).ShouldContain("You have signed in");
        var claims = Claims(result.AccessToken);
        claims["idtyp"]!.GetValue<string>().ShouldBe("user");
        claims["oid"]!.GetValue<string>().ShouldBe(userId);
        claims["scp"]!.GetValue<string>().Split(' ').ShouldBe(["User.Read", "User.Read.All"], ignoreOrder: true);
        result.Account.Username.ShouldBe(fixture.Server.State.FindUser(userId)!.UserPrincipalName);

        var refreshed = await client.AcquireTokenSilent(GraphScopes, result.Account).WithForceRefresh(true).ExecuteAsync();
        refreshed.AccessToken.ShouldNotBe(result.AccessToken);
    }

    [Fact]
    public async Task Msal_DeviceCode_Declined_FailsWithAuthorizationDeclined()
    {
        var userId = fixture.Server.State.GetUserIds()[1];

        var failure = await Should.ThrowAsync<MsalServiceException>(() => PublicClient().AcquireTokenWithDeviceCode(GraphScopes, async code =>
        {
            await SignInDriver.EnterDeviceCodeAsync(fixture.Server, code.UserCode, userId, action: "cancel");
        }).ExecuteAsync());

        failure.ErrorCode.ShouldBe("authorization_declined");
    }

    [Fact]
    public async Task DeviceCode_BothGrantTypeSpellings_AreAccepted()
    {
        foreach (var grantType in (string[])["device_code", "urn:ietf:params:oauth:grant-type:device_code"])
        {
            using var start = await fixture.Http.PostAsync($"{fixture.Server.TenantId}/oauth2/v2.0/devicecode", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = fixture.Demo.ClientId, ["scope"] = "User.Read openid offline_access" }));
            var code = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
            var form = new Dictionary<string, string> { ["client_id"] = fixture.Demo.ClientId, ["grant_type"] = grantType, ["device_code"] = code["device_code"]!.GetValue<string>() };

            var pending = await fixture.TokenAsync(form);
            using var approve = new HttpRequestMessage(HttpMethod.Post, $"_emulator/devicecodes/{code["user_code"]}/approve") { Content = new StringContent($$"""{"user":"{{fixture.Server.State.GetUserIds()[3]}}"}""") };
            approve.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Server.ControlKey);
            (await fixture.Http.SendAsync(approve)).StatusCode.ShouldBe(System.Net.HttpStatusCode.NoContent);
            var granted = await fixture.TokenAsync(form);

            pending.Json!["error"]!.GetValue<string>().ShouldBe("authorization_pending");
            pending.Json["error_codes"]![0]!.GetValue<int>().ShouldBe(70016);
            granted.Status.ShouldBe(200, granted.Text);
            granted.Json!["refresh_token"].ShouldNotBeNull();
            granted.Json["id_token"].ShouldNotBeNull();
        }
    }

    [Fact]
    public async Task Msal_AuthorizationCodeWithPkce_ThroughTheSignInPage_ThenRefreshUntilRevoked()
    {
        var user = fixture.Server.State.FindUser(fixture.Server.State.GetUserIds()[6])!;
        var client = ConfidentialClient();
        var url = await client.GetAuthorizationRequestUrl(GraphScopes).WithPkce(out var verifier).WithLoginHint(user.UserPrincipalName).WithExtraQueryParameters(new Dictionary<string, (string, bool)> { ["state"] = ("xyz", false) }).ExecuteAsync();

        var redirect = await SignInDriver.SignInAsync(fixture.Server, url, user.Id);
        var query = SignInDriver.Query(redirect);
        query["state"].ShouldBe("xyz");
        var result = await client.AcquireTokenByAuthorizationCode(GraphScopes, query["code"]).WithPkceCodeVerifier(verifier).ExecuteAsync();

        Claims(result.AccessToken)["oid"]!.GetValue<string>().ShouldBe(user.Id);
        using var me = new HttpRequestMessage(HttpMethod.Get, fixture.Server.GraphEndpoint + "/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", result.AccessToken);
        var meJson = JsonNode.Parse(await (await fixture.Http.SendAsync(me)).Content.ReadAsStringAsync())!;
        meJson["userPrincipalName"]!.GetValue<string>().ShouldBe(user.UserPrincipalName);

        var account = await client.GetAccountAsync(result.Account.HomeAccountId.Identifier);
        (await client.AcquireTokenSilent(GraphScopes, account).WithForceRefresh(true).ExecuteAsync()).AccessToken.ShouldNotBeNullOrEmpty();

        fixture.Server.State.RevokeSignInSessions(user.Id).ShouldBeTrue();
        var revoked = await Should.ThrowAsync<MsalUiRequiredException>(() => client.AcquireTokenSilent(GraphScopes, account).WithForceRefresh(true).ExecuteAsync());
        revoked.Message.ShouldContain("AADSTS50173");

        // A sign-in after the revocation works again at once.
        var again = await client.GetAuthorizationRequestUrl(GraphScopes).WithPkce(out var verifier2).ExecuteAsync();
        var code2 = SignInDriver.Query(await SignInDriver.SignInAsync(fixture.Server, again, user.Id))["code"];
        var fresh = await client.AcquireTokenByAuthorizationCode(GraphScopes, code2).WithPkceCodeVerifier(verifier2).ExecuteAsync();
        (await client.AcquireTokenSilent(GraphScopes, fresh.Account).WithForceRefresh(true).ExecuteAsync()).AccessToken.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Msal_PublicClientInteractive_ThroughTheSignInPage_UsesPkceAndCachesTheAccount()
    {
        var user = fixture.Server.State.FindUser(fixture.Server.State.GetUserIds()[8])!;
        var client = PublicClient();

        var result = await client.AcquireTokenInteractive(GraphScopes)
            .WithLoginHint(user.UserPrincipalName)
            .WithCustomWebUi(new PageDrivingWebUi(fixture.Server, user.Id))
            .ExecuteAsync();

        Claims(result.AccessToken)["upn"]!.GetValue<string>().ShouldBe(user.UserPrincipalName);
        Claims(result.AccessToken)["appidacr"]!.GetValue<string>().ShouldBe("0");
        var account = (await client.GetAccountsAsync()).Single();
        (await client.AcquireTokenSilent(GraphScopes, account).WithForceRefresh(true).ExecuteAsync()).Account.Username.ShouldBe(user.UserPrincipalName);
    }

    /// <summary>MSAL's hook for a custom browser: here an HttpClient that picks the user and consents.</summary>
    private sealed class PageDrivingWebUi(EmulatorServer server, string userId) : ICustomWebUi
    {
        public async Task<Uri> AcquireAuthorizationCodeAsync(Uri authorizationUri, Uri redirectUri, CancellationToken cancellationToken)
        {
            SignInDriver.Query(authorizationUri)["code_challenge_method"].ShouldBe("S256");
            return await SignInDriver.SignInAsync(server, authorizationUri, userId);
        }
    }

    [Fact]
    public async Task AuthorizationCode_WithWrongVerifier_IsInvalidGrant()
    {
        var userId = fixture.Server.State.GetUserIds()[6];
        var url = new Uri($"{Authority}/oauth2/v2.0/authorize?client_id={fixture.Demo.ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString("https://localhost/callback")}&scope=openid%20User.Read&code_challenge=plain-challenge-value-long-enough-for-pkce-0123456789&code_challenge_method=plain&state=s");

        var code = SignInDriver.Query(await SignInDriver.SignInAsync(fixture.Server, url, userId))["code"];
        var form = new Dictionary<string, string>
        {
            ["client_id"] = fixture.Demo.ClientId,
            ["client_secret"] = fixture.Demo.ClientSecret,
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = "https://localhost/callback",
            ["code_verifier"] = "something-else",
        };
        var result = await fixture.TokenAsync(form);

        result.Status.ShouldBe(400);
        result.Json!["error"]!.GetValue<string>().ShouldBe("invalid_grant");
        result.Json["error_codes"]![0]!.GetValue<int>().ShouldBe(501481);
    }

    [Fact]
    public async Task Authorize_ForAdminOnlyScopeWithoutConsent_RedirectsWithAadsts65001_UntilAdminConsent()
    {
        var member = fixture.Server.State.GetUserIds()[5];
        var admin = fixture.Server.State.GetUserIds()[0];
        var redirectUri = "https://localhost/callback";
        var url = new Uri($"{Authority}/oauth2/v2.0/authorize?client_id={fixture.NoConsent.ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString(redirectUri)}&scope={Uri.EscapeDataString("openid User.Read.All")}&state=a");

        var denied = SignInDriver.Query(await SignInDriver.SignInAsync(fixture.Server, url, member));
        denied["error"].ShouldBe("invalid_grant");
        denied["error_description"].ShouldStartWith("AADSTS65001:");

        var consentUrl = new Uri($"{fixture.Server.AuthorityHost}{fixture.Server.TenantId}/adminconsent?client_id={fixture.NoConsent.ClientId}&redirect_uri={Uri.EscapeDataString(redirectUri)}&state=c");
        var form = await SignInDriver.FormOfAsync(fixture.Http, consentUrl);
        form["user"] = member;
        form["action"] = "accept";
        using var notAdmin = await fixture.Http.PostAsync(consentUrl.GetLeftPart(UriPartial.Path), new FormUrlEncodedContent(form));
        notAdmin.StatusCode.ShouldBe(System.Net.HttpStatusCode.Forbidden);
        (await notAdmin.Content.ReadAsStringAsync()).ShouldContain("AADSTS90094");
        var consented = SignInDriver.Query(await SignInDriver.SignInAsync(fixture.Server, consentUrl, admin));
        consented["admin_consent"].ShouldBe("True");
        consented["tenant"].ShouldBe(fixture.Server.TenantId);

        var allowed = SignInDriver.Query(await SignInDriver.SignInAsync(fixture.Server, url, member));
        allowed.ShouldContainKey("code");
        var token = await fixture.AppTokenAsync(fixture.NoConsent);
        Claims(token)["roles"]!.AsArray().Count.ShouldBe(fixture.Demo.Permissions.Count);
    }

    [Fact]
    public async Task Authorize_WithUnregisteredRedirectUri_ShowsAadsts50011()
    {
        using var response = await fixture.Http.GetAsync($"{fixture.Server.TenantId}/oauth2/v2.0/authorize?client_id={fixture.Demo.ClientId}&response_type=code&redirect_uri=https%3A%2F%2Fevil.example%2F&scope=openid");

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("AADSTS50011");
    }

    [Fact]
    public async Task RefreshToken_ForScopeWithoutConsent_IsAadsts65001()
    {
        using var start = await fixture.Http.PostAsync($"organizations/oauth2/v2.0/devicecode", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = fixture.Demo.ClientId, ["scope"] = "User.Read offline_access" }));
        var code = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
        await SignInDriver.EnterDeviceCodeAsync(fixture.Server, code["user_code"]!.GetValue<string>(), fixture.Server.State.GetUserIds()[2]);
        var tokens = await fixture.TokenAsync(new() { ["client_id"] = fixture.Demo.ClientId, ["grant_type"] = "device_code", ["device_code"] = code["device_code"]!.GetValue<string>() }, tenant: "organizations");

        var refreshed = await fixture.TokenAsync(new() { ["client_id"] = fixture.Demo.ClientId, ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.Json!["refresh_token"]!.GetValue<string>(), ["scope"] = "Mail.Read offline_access" }, tenant: "organizations");

        refreshed.Status.ShouldBe(400);
        refreshed.Json!["error"]!.GetValue<string>().ShouldBe("invalid_grant");
        refreshed.Json["suberror"]!.GetValue<string>().ShouldBe("consent_required");
        refreshed.Json["error_codes"]![0]!.GetValue<int>().ShouldBe(65001);
    }
}
