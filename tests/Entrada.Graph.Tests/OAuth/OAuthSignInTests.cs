using System.Net;
using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Graph.OAuth;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Graph.Tests.OAuth;

/// <summary>OAuth connections against the emulated tenant: both sign-in flows, the kept sign-in, Guests, consent, Test Connection.</summary>
public sealed class OAuthSignInTests(OAuthFixture fixture) : IClassFixture<OAuthFixture>
{
    [Fact]
    public async Task BrowserSignIn_ThroughTheSignInPage_GivesAConnectionThatRunsActions()
    {
        var userId = fixture.UserId(3);

        var result = await fixture.BrowserSignInAsync(fixture.OAuthConnection("browser"), userId);
        await fixture.Store.AddAsync(result.Connection, default);
        var (_, users) = await fixture.RunAsync("users.list", "browser", new { max = 5 });

        fixture.LastRedirect!.Host.ShouldBe("localhost");
        fixture.LastRedirect.Query.ShouldContain("code=");
        result.UserPrincipalName.ShouldBe(fixture.Upn(userId));
        result.GrantedScopes.ShouldContain("User.Read.All");
        result.Connection.OAuth!.TokenCache.ShouldNotBeNull();
        result.Connection.OAuth.SignedInUser.ShouldBe(fixture.Upn(userId));
        users.Count.ShouldBe(5);
    }

    [Fact]
    public async Task DeviceCodeSignIn_ApprovedWhileEntradaPolls_GivesAConnectionThatRunsActions()
    {
        var userId = fixture.UserId(4);
        var before = fixture.Requests.Count("/oauth2/v2.0/token");

        var result = await fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("device"), userId);
        await fixture.Store.AddAsync(result.Connection, default);
        var (me, _) = await fixture.RunAsync("users.get", "device", new { id = fixture.Upn(userId) });

        // At least one 'authorization_pending' poll before the approval, then the token.
        (fixture.Requests.Count("/oauth2/v2.0/token") - before).ShouldBeGreaterThanOrEqualTo(2);
        result.UserPrincipalName.ShouldBe(fixture.Upn(userId));
        me.Value.ShouldNotBeNull();
    }

    [Fact]
    public async Task AfterARestart_ActionsRunOnTheKeptSignIn_WithoutSigningInAgainOrAskingForAToken()
    {
        var result = await fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("restart"), fixture.UserId(5));
        await fixture.Store.AddAsync(result.Connection, default);

        fixture.Restart();
        var tokens = fixture.TokenRequests;
        var (_, groups) = await fixture.RunAsync("groups.list", "restart");
        var (org, orgItems) = await fixture.RunAsync("directory.organization", "restart");

        groups.Count.ShouldBeGreaterThan(0);
        (org.Value ?? orgItems.FirstOrDefault()).ShouldNotBeNull();
        fixture.TokenRequests.ShouldBe(tokens, "the access token kept in the encrypted cache is still valid, so no token request is needed");
    }

    [Fact]
    public async Task WritesRunWithTheDelegatedToken_AndTheEmulatorSeesTheChange()
    {
        var result = await fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("writer"), fixture.UserId(0));
        await fixture.Store.AddAsync(result.Connection, default);
        var target = fixture.UserId(12);

        await fixture.RunAsync("users.disable", "writer", new { userIds = new[] { target } });
        var disabled = fixture.Server.State.FindUser(target)!.AccountEnabled;
        await fixture.RunAsync("users.enable", "writer", new { userIds = new[] { target } });

        disabled.ShouldBeFalse();
        fixture.Server.State.FindUser(target)!.AccountEnabled.ShouldBeTrue();
    }

    [Fact]
    public async Task DeviceCodeSignIn_CancelledWhileWaiting_StopsPollingAndSavesNothing()
    {
        using var cancellation = new CancellationTokenSource();
        string? userCode = null;

        await Should.ThrowAsync<OperationCanceledException>(() => fixture.SignIn.SignInWithDeviceCodeAsync(
            fixture.OAuthConnection("cancelled"),
            (code, _) =>
            {
                userCode = code.UserCode;
                cancellation.CancelAfter(TimeSpan.FromMilliseconds(1500));
                return Task.CompletedTask;
            },
            cancellation.Token));
        var polls = fixture.TokenRequests;
        await Task.Delay(2500);

        userCode.ShouldNotBeNull();
        fixture.TokenRequests.ShouldBe(polls, "no polling goes on after the cancellation");
        (await fixture.Store.FindAsync("cancelled", default)).ShouldBeNull();
    }

    [Fact]
    public async Task Guest_IsRefusedAfterSignIn_WithAppRegistrationAsTheAlternative()
    {
        var guest = fixture.UserId(7);
        (await fixture.ControlAsync(HttpMethod.Patch, $"users/{guest}", new { userType = "Guest" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var refused = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("guest"), guest));

        refused.Code.ShouldBe(OAuthErrors.GuestCode);
        refused.Kind.ShouldBe(ErrorKind.Authentication);
        refused.Message.ShouldContain("does not work for Guest user types");
        refused.Message.ShouldContain("App Registration");
        (await fixture.Store.FindAsync("guest", default)).ShouldBeNull();
    }

    [Fact]
    public async Task ConsentMissing_AtSignIn_SaysAnAdministratorMustApprove_WithTheConsentUrl()
    {
        var connection = fixture.OAuthConnection("no consent", fixture.NoConsent);

        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.BrowserSignInAsync(connection, fixture.UserId(6)));

        failure.Code.ShouldBe("AADSTS65001");
        failure.Message.ShouldContain($"{fixture.Server.AuthorityHost.GetLeftPart(UriPartial.Authority)}/{fixture.Server.TenantId}/adminconsent?client_id={fixture.NoConsent.ClientId}");
        SignInPageQuery(fixture.LastRedirect!).ShouldContainKey("error");
    }

    [Fact]
    public async Task TestConnection_ReportsTheSignedInUser_TheScopesOfTheToken_AndEveryActionReady()
    {
        var userId = fixture.UserId(8);
        var result = await fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("tested"), userId);
        await fixture.Store.AddAsync(result.Connection, default);

        var report = await fixture.Services.GetServices<Entrada.Core.Diagnostics.IConnectionTester>().First(t => t.Supports(ConnectionMethod.OAuth)).TestAsync(result.Connection, default);

        report.Authenticated.ShouldBeTrue(report.Error);
        report.Identity!.ShouldContain(fixture.Upn(userId));
        report.TenantId.ShouldBe(fixture.Server.TenantId);
        report.GrantedPermissions.ShouldContain("User.Read.All");
        report.GrantedPermissions.ShouldContain("GroupMember.ReadWrite.All");
        report.Actions.ShouldNotBeEmpty();
        report.Actions.Where(a => !a.Ready).Select(a => $"{a.ActionId}: {a.Reason}").ShouldBeEmpty();
        report.Outcome.ShouldBe("ready");
    }

    [Fact]
    public async Task TestConnection_WhenAdminConsentIsWithdrawn_GivesTheNeedAdminApprovalGuidance()
    {
        var result = await fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("withdrawn"), fixture.UserId(10));
        await fixture.Store.AddAsync(result.Connection, default);
        fixture.Server.State.SetAppPermission(fixture.Demo.ClientId, "User.Read.All", granted: false).ShouldBeTrue();
        try
        {
            var report = await fixture.Services.GetServices<Entrada.Core.Diagnostics.IConnectionTester>().First(t => t.Supports(ConnectionMethod.OAuth)).TestAsync(result.Connection, default);

            report.Authenticated.ShouldBeFalse();
            report.ErrorCode.ShouldBe("AADSTS65001");
            report.Error!.ShouldStartWith("Need admin approval");
            report.AdminConsentUrl.ShouldBe($"{fixture.Server.AuthorityHost.GetLeftPart(UriPartial.Authority)}/{fixture.Server.TenantId}/adminconsent?client_id={fixture.Demo.ClientId}");
            report.AdminSteps.ShouldContain(s => s.Contains("Delegated permissions", StringComparison.Ordinal));
            report.FailureKind.ShouldBe(ErrorKind.Authentication);
        }
        finally
        {
            fixture.Server.State.SetAppPermission(fixture.Demo.ClientId, "User.Read.All", granted: true);
        }
    }

    [Fact]
    public async Task SignOut_RemovesTheTokens_AndAnActionThenSaysToSignInAgain()
    {
        var result = await fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("signed out"), fixture.UserId(11));
        await fixture.Store.AddAsync(result.Connection, default);

        var signedOut = await fixture.Services.GetRequiredService<ConnectionService>().SignOutAsync("signed out", Caller.Cli(), default);
        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.RunAsync("users.list", "signed out"));

        signedOut.OAuth!.TokenCache.ShouldBeNull();
        (await fixture.Store.GetAsync("signed out", default)).OAuth!.TokenCache.ShouldBeNull();
        failure.Kind.ShouldBe(ErrorKind.Authentication);
        failure.Next.ShouldBe(new NextStep(NextStepKind.SignIn, "signed out"));
    }

    [Fact]
    public async Task SignInAgain_ReplacesTheKeptSignIn_WithTheNewUser()
    {
        var first = await fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("again"), fixture.UserId(13));
        await fixture.Store.AddAsync(first.Connection, default);

        var second = await fixture.BrowserSignInAsync(await fixture.Store.GetAsync("again", default), fixture.UserId(14));
        await fixture.Services.GetRequiredService<ConnectionService>().SignInAsync("again", Caller.Cli(), _ => Task.FromResult(second), default);
        var saved = await fixture.Store.GetAsync("again", default);
        var report = await fixture.Services.GetServices<Entrada.Core.Diagnostics.IConnectionTester>().First(t => t.Supports(ConnectionMethod.OAuth)).TestAsync(saved, default);

        (await fixture.Store.GetAsync("again", default)).OAuth!.SignedInUser.ShouldBe(fixture.Upn(fixture.UserId(14)));
        report.Identity!.ShouldContain(fixture.Upn(fixture.UserId(14)));
    }

    [Fact]
    public async Task ServerSideSignIn_RedeemsTheCodeForTheServersRedirect_AndRefusesAnUnknownOrReusedState()
    {
        var web = fixture.Services.GetRequiredService<OAuthWebSignIn>();
        var userId = fixture.UserId(15);
        var start = await web.BeginAsync(fixture.OAuthConnection("web"), new Uri("https://localhost:5443/callback"), default);

        var query = SignInPageQuery(start.AuthorizationUrl);
        var callback = await fixture.BrowseAsync(start.AuthorizationUrl, userId);
        var forged = await Should.ThrowAsync<AuthenticationFailedException>(() => web.CompleteAsync(new Uri("https://localhost:5443/callback?code=stolen&state=forged"), default));
        var result = await web.CompleteAsync(callback, default);
        var replay = await Should.ThrowAsync<AuthenticationFailedException>(() => web.CompleteAsync(callback, default));

        query["redirect_uri"].ShouldBe("https://localhost:5443/callback");
        query["code_challenge_method"].ShouldBe("S256");
        query["state"].ShouldBe(start.State);
        callback.GetLeftPart(UriPartial.Path).ShouldBe("https://localhost:5443/callback");
        result.UserPrincipalName.ShouldBe(fixture.Upn(userId));
        result.Connection.OAuth!.TokenCache.ShouldNotBeNull();
        forged.Code.ShouldBe("state-mismatch");
        replay.Code.ShouldBe("state-mismatch");
        web.PendingCount.ShouldBe(0);
    }

    private static Dictionary<string, string> SignInPageQuery(Uri uri) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty));
}
