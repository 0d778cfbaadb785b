using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

[Collection(ServerCollection.Name)]
public sealed class OAuthSignInApiTests(ServerFixture server)
{
    [Fact]
    public async Task SignIn_ReturnsTheAuthorizeUrlWithStateAndPkce_ForTheGivenRedirectUri_AndSignOutClearsTheSignIn()
    {
        using var client = server.Client();
        (await client.PostAsJsonAsync("/api/v1/connections", OAuthBody("OAuth api"))).EnsureSuccessStatusCode();
        var redirect = new Uri(server.Url, "/connections/oauth-callback").ToString();

        using var started = await client.PostAsJsonAsync("/api/v1/connections/OAuth%20api/sign-in", new JsonObject { ["redirectUri"] = redirect });
        var body = await started.Content.ReadAsStringAsync();
        started.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var url = new Uri(JsonNode.Parse(body)!["authorizationUrl"]!.GetValue<string>());
        url.GetLeftPart(UriPartial.Path).ShouldBe($"{server.Emulator.AuthorityHost.GetLeftPart(UriPartial.Authority)}/{server.Emulator.TenantId}/oauth2/v2.0/authorize");
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        query["redirect_uri"].ShouldBe(redirect);
        query["state"].ShouldNotBeNullOrEmpty();
        query["code_challenge_method"].ShouldBe("S256");
        query["client_id"].ShouldBe(server.DemoApp.ClientId);

        using var signedOut = await client.PostAsync("/api/v1/connections/OAuth%20api/sign-out", null);
        signedOut.StatusCode.ShouldBe(HttpStatusCode.OK);
        var view = (await signedOut.Content.ReadFromJsonAsync<JsonObject>())!;
        view["signedInUser"].ShouldBeNull();
    }

    [Fact]
    public async Task SignIn_IsRefusedWithAProblem_ForAnAppRegistrationConnection_AndForAPlainHttpRedirectElsewhere()
    {
        using var client = server.Client();
        using var appRegistration = await client.PostAsJsonAsync("/api/v1/connections/Demo%20tenant/sign-in", new JsonObject());
        appRegistration.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await appRegistration.Content.ReadAsStringAsync()).ShouldContain("only OAuth connections sign in");

        (await client.PostAsJsonAsync("/api/v1/connections", OAuthBody("OAuth api plain"))).EnsureSuccessStatusCode();
        using var plain = await client.PostAsJsonAsync("/api/v1/connections/OAuth%20api%20plain/sign-in", new JsonObject { ["redirectUri"] = "http://example.com/callback" });
        plain.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        plain.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await plain.Content.ReadAsStringAsync()).ShouldContain("must be an absolute https URL");
    }

    private JsonObject OAuthBody(string name) => new()
    {
        ["name"] = name,
        ["method"] = "oauth",
        ["cloud"] = "custom",
        ["tenantId"] = server.Emulator.TenantId,
        ["clientId"] = server.DemoApp.ClientId,
        ["authorityHost"] = server.Emulator.AuthorityHost.ToString(),
        ["graphEndpoint"] = server.Emulator.GraphEndpoint.ToString(),
        ["caCertificate"] = server.Emulator.CaCertificatePem,
    };
}
