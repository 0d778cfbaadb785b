using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using Entrada.Emulator.Tests.Support;

namespace Entrada.Emulator.Tests.Identity;

public sealed class ClientCredentialsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private Dictionary<string, string> Form(string? secret = null, string? clientId = null, string scope = "https://graph.microsoft.com/.default") => new()
    {
        ["client_id"] = clientId ?? fixture.Demo.ClientId,
        ["client_secret"] = secret ?? fixture.Demo.ClientSecret,
        ["scope"] = scope,
        ["grant_type"] = "client_credentials",
    };

    private static JsonNode Payload(string jwt) => JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]))!;

    [Fact]
    public async Task Token_WithSecretInBody_ReturnsAccessTokenOnly()
    {
        var result = await fixture.TokenAsync(Form());

        result.Status.ShouldBe(200);
        result.Json!.AsObject().Select(p => p.Key).Order().ShouldBe(["access_token", "expires_in", "ext_expires_in", "token_type"]);
        result.Json["token_type"]!.GetValue<string>().ShouldBe("Bearer");
    }

    [Fact]
    public async Task Token_ForDemoApp_CarriesGraphV1ClaimsAndEveryRole()
    {
        var result = await fixture.TokenAsync(Form());
        var jwt = result.Json!["access_token"]!.GetValue<string>();
        var header = JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[0]))!;
        var claims = Payload(jwt);

        header["alg"]!.GetValue<string>().ShouldBe("RS256");
        claims["aud"]!.GetValue<string>().ShouldBe("https://graph.microsoft.com");
        claims["iss"]!.GetValue<string>().ShouldBe($"https://sts.windows.net/{fixture.Server.TenantId}/");
        claims["tid"]!.GetValue<string>().ShouldBe(fixture.Server.TenantId);
        claims["appid"]!.GetValue<string>().ShouldBe(fixture.Demo.ClientId);
        claims["idtyp"]!.GetValue<string>().ShouldBe("app");
        claims["oid"].ShouldNotBeNull();
        claims["roles"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(fixture.Demo.Permissions, ignoreOrder: true);
        (claims["exp"]!.GetValue<long>() - claims["iat"]!.GetValue<long>()).ShouldBe(3600);
    }

    [Fact]
    public async Task Token_WithSecretByBasicAuth_IsAccepted()
    {
        var form = Form();
        form.Remove("client_secret");
        form.Remove("client_id");
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(fixture.Demo.ClientId) + ":" + Uri.EscapeDataString(fixture.Demo.ClientSecret)));

        var result = await fixture.TokenAsync(form, authorization: new AuthenticationHeaderValue("Basic", basic));

        result.Status.ShouldBe(200);
    }

    [Fact]
    public async Task Token_WithTenantDomainInPath_IsAccepted()
    {
        var result = await fixture.TokenAsync(Form(), tenant: fixture.Server.TenantDomain);

        result.Status.ShouldBe(200);
    }

    [Fact]
    public async Task Token_WithWrongSecret_ReturnsAadsts7000215()
    {
        var result = await fixture.TokenAsync(Form(secret: "not-the-secret"));

        result.Status.ShouldBe(401);
        result.Json!["error"]!.GetValue<string>().ShouldBe("invalid_client");
        result.Json["error_description"]!.GetValue<string>().ShouldStartWith("AADSTS7000215: ");
        result.Json["error_codes"]!.AsArray().Single()!.GetValue<int>().ShouldBe(7000215);
        foreach (var field in (string[])["timestamp", "trace_id", "correlation_id"])
        {
            result.Json[field].ShouldNotBeNull(field);
        }
    }

    [Fact]
    public async Task Token_WithExpiredSecret_ReturnsAadsts7000222()
    {
        fixture.Server.State.AddAppSecret(fixture.Demo.ClientId, "expired-secret-value", DateTimeOffset.UtcNow.AddDays(-1)).ShouldBeTrue();

        var result = await fixture.TokenAsync(Form(secret: "expired-secret-value"));

        result.Status.ShouldBe(401);
        result.Json!["error_codes"]!.AsArray().Single()!.GetValue<int>().ShouldBe(7000222);
    }

    [Fact]
    public async Task Token_ForUnknownClient_ReturnsAadsts700016()
    {
        var result = await fixture.TokenAsync(Form(clientId: Guid.NewGuid().ToString()));

        result.Status.ShouldBe(400);
        result.Json!["error"]!.GetValue<string>().ShouldBe("unauthorized_client");
        result.Json["error_codes"]!.AsArray().Single()!.GetValue<int>().ShouldBe(700016);
    }

    [Fact]
    public async Task Token_ForUnknownTenant_ReturnsAadsts90002()
    {
        var result = await fixture.TokenAsync(Form(), tenant: Guid.NewGuid().ToString());

        result.Status.ShouldBe(400);
        result.Json!["error_codes"]!.AsArray().Single()!.GetValue<int>().ShouldBe(90002);
    }

    [Fact]
    public async Task Token_WithDelegatedScope_ReturnsAadsts70011()
    {
        var result = await fixture.TokenAsync(Form(scope: "https://graph.microsoft.com/User.Read.All"));

        result.Status.ShouldBe(400);
        result.Json!["error"]!.GetValue<string>().ShouldBe("invalid_scope");
        result.Json["error_codes"]!.AsArray().Single()!.GetValue<int>().ShouldBe(70011);
    }

    [Fact]
    public async Task Token_ForNoConsentApp_HasNoRoles()
    {
        var result = await fixture.TokenAsync(Form(secret: fixture.NoConsent.ClientSecret, clientId: fixture.NoConsent.ClientId));

        result.Status.ShouldBe(200);
        Payload(result.Json!["access_token"]!.GetValue<string>())["roles"].ShouldBeNull();
    }

    [Fact]
    public async Task ClientSecretCredential_GetsATokenThroughAzureIdentity()
    {
        var token = await fixture.Credential().GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), default);

        token.Token.ShouldNotBeNullOrEmpty();
        token.ExpiresOn.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(50));
    }

    [Fact]
    public async Task ClientSecretCredential_WithWrongSecret_FailsWithAadsts7000215()
    {
        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() =>
            fixture.Credential(secret: "wrong").GetTokenAsync(new TokenRequestContext(["https://graph.microsoft.com/.default"]), default).AsTask());

        failure.ToString().ShouldContain("AADSTS7000215");
    }
}
