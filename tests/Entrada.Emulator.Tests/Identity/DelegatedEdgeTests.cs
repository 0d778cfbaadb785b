using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Entrada.Emulator.Tests.Support;

namespace Entrada.Emulator.Tests.Identity;

public sealed class DelegatedEdgeTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private async Task<JsonNode> DeviceTokensAsync(string userId, string scope = "User.Read offline_access openid")
    {
        using var start = await fixture.Http.PostAsync($"{fixture.Server.TenantId}/oauth2/v2.0/devicecode", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = fixture.Demo.ClientId, ["scope"] = scope }));
        var code = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
        await SignInDriver.EnterDeviceCodeAsync(fixture.Server, code["user_code"]!.GetValue<string>(), userId);
        var tokens = await fixture.TokenAsync(new() { ["client_id"] = fixture.Demo.ClientId, ["grant_type"] = "device_code", ["device_code"] = code["device_code"]!.GetValue<string>() });
        tokens.Status.ShouldBe(200, tokens.Text);
        return tokens.Json!;
    }

    [Fact]
    public async Task Authorize_WithLoginHint_OffersOnlyThatUser()
    {
        var user = fixture.Server.State.FindUser(fixture.Server.State.GetUserIds()[4])!;

        var html = await fixture.Http.GetStringAsync($"{fixture.Server.TenantId}/oauth2/v2.0/authorize?client_id={fixture.Demo.ClientId}&response_type=code&redirect_uri={Uri.EscapeDataString("http://localhost")}&scope=openid&login_hint={Uri.EscapeDataString(user.UserPrincipalName)}");

        html.Split("<option ").Length.ShouldBe(2);
        html.ShouldContain($"value=\"{user.Id}\"");
    }

    [Fact]
    public async Task RefreshToken_AfterControlApiRevocation_IsAadsts50173()
    {
        var userId = fixture.Server.State.GetUserIds()[10];
        var tokens = await DeviceTokensAsync(userId);
        var refreshForm = new Dictionary<string, string> { ["client_id"] = fixture.Demo.ClientId, ["grant_type"] = "refresh_token", ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>() };
        (await fixture.TokenAsync(refreshForm)).Status.ShouldBe(200);

        using var revoke = new HttpRequestMessage(HttpMethod.Post, $"_emulator/users/{userId}/revokeSignInSessions");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Server.ControlKey);
        (await fixture.Http.SendAsync(revoke)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var refused = await fixture.TokenAsync(refreshForm);

        refused.Status.ShouldBe(400);
        refused.Json!["error"]!.GetValue<string>().ShouldBe("invalid_grant");
        refused.Json["error_codes"]![0]!.GetValue<int>().ShouldBe(50173);
    }

    [Fact]
    public async Task DelegatedToken_ForDisabledUser_IsRefused()
    {
        var userId = fixture.Server.State.GetUserIds()[12];
        fixture.Server.State.SetAccountEnabled(userId, false);
        try
        {
            using var start = await fixture.Http.PostAsync($"{fixture.Server.TenantId}/oauth2/v2.0/devicecode", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = fixture.Demo.ClientId, ["scope"] = "User.Read" }));
            var code = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;

            var page = await SignInDriver.EnterDeviceCodeAsync(fixture.Server, code["user_code"]!.GetValue<string>(), userId);

            page.ShouldContain("AADSTS50057");
        }
        finally
        {
            fixture.Server.State.SetAccountEnabled(userId, true);
        }
    }

    [Fact]
    public async Task Me_WithDelegatedToken_ReturnsTheSignedInUser_AndScpIsChecked()
    {
        var user = fixture.Server.State.FindUser(fixture.Server.State.GetUserIds()[11])!;
        var tokens = await DeviceTokensAsync(user.Id);
        var token = tokens["access_token"]!.GetValue<string>();

        var me = await fixture.GraphAsync(HttpMethod.Get, "/me", token: token);
        var alerts = await fixture.GraphAsync(HttpMethod.Get, "/security/alerts_v2", token: token);

        me.Json!["id"]!.GetValue<string>().ShouldBe(user.Id);
        alerts.Status.ShouldBe(403);
        tokens["scope"]!.GetValue<string>().Split(' ').ShouldBe(["User.Read", "offline_access", "openid"], ignoreOrder: true);
        tokens["client_info"].ShouldNotBeNull();
    }

    [Fact]
    public async Task Token_WithUnknownGrantTypeOrNone_AnswersAadstsCodes()
    {
        var unknown = await fixture.TokenAsync(new() { ["client_id"] = fixture.Demo.ClientId, ["client_secret"] = fixture.Demo.ClientSecret, ["grant_type"] = "password" });
        var missing = await fixture.TokenAsync(new() { ["client_id"] = fixture.Demo.ClientId });
        var common = await fixture.TokenAsync(new() { ["client_id"] = fixture.Demo.ClientId, ["client_secret"] = fixture.Demo.ClientSecret, ["grant_type"] = "client_credentials", ["scope"] = "https://graph.microsoft.com/.default" }, tenant: "common");

        unknown.Json!["error"]!.GetValue<string>().ShouldBe("unsupported_grant_type");
        missing.Json!["error_codes"]![0]!.GetValue<int>().ShouldBe(900144);
        common.Status.ShouldBe(400);
    }
}
