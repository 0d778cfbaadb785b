using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Entrada.Emulator;
using Entrada.Server.Tests.Support;
using Microsoft.Playwright;

namespace Entrada.Server.Tests.Browser;

/// <summary>
/// The web page's OAuth sign-in, end to end in Chromium: an OAuth connection to the in-process
/// emulated tenant, Sign in with Microsoft, the emulator's own sign-in page, the callback, and
/// actions run with the delegated token.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed partial class OAuthSignInTests(ServerFixture server, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = server.Url.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            // The emulator's HTTPS certificate comes from its own CA, trusted by the connection only.
            IgnoreHTTPSErrors = true,
        });
        _context.SetDefaultTimeout(30_000);
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task AMember_SignsInWithMicrosoftOnTheConnectionPage_ComesBackSignedIn_RunsUsersList_AndSignsOut()
    {
        var member = await SomeMemberAsync(skip: 2);
        await SignInWithKeyAsync();
        await CreateOAuthConnectionOnTheAddPageAsync("OAuth browser");
        await Assertions.Expect(_page.Locator("#signed-in-status")).ToContainTextAsync("not signed in");
        await Assertions.Expect(_page.Locator("#oauth-redirect-uri")).ToHaveTextAsync(new Uri(server.Url, "/connections/oauth-callback").ToString());
        await ShotAsync("20-oauth-connection-not-signed-in", fullPage: true);

        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Microsoft" }).ClickAsync();
        await PickUserOnTheEmulatorAsync(member, "21-oauth-emulator-sign-in");

        await _page.WaitForURLAsync(new Regex(Regex.Escape("/connections/by-name/OAuth%20browser?signedIn=true")));
        await Assertions.Expect(_page.Locator("#signed-in-user")).ToHaveTextAsync(member.UserPrincipalName);
        await Assertions.Expect(_page.Locator("main .notice")).ToContainTextAsync($"Signed in as {member.UserPrincipalName}.");
        var html = await _page.ContentAsync();
        html.ShouldNotContain("eyJ", Case.Sensitive, "no token (JWT) is rendered");
        html.ShouldNotContain("refresh_token");
        await ShotAsync("22-oauth-signed-in", fullPage: true);

        // The REST API shows the same sign-in, without any token.
        using (var client = server.Client())
        {
            var view = await client.GetFromJsonAsync<JsonObject>("/api/v1/connections/OAuth%20browser");
            view!["signedInUser"]!.GetValue<string>().ShouldBe(member.UserPrincipalName);
            view["credential"]!.GetValue<string>().ShouldBe("delegated");
            view.ToJsonString().ShouldNotContain("eyJ");
        }

        // users.list with the delegated token.
        await _page.GotoAsync("/actions?connection=OAuth%20browser&action=users.list");
        await _page.GetByLabel("Max").FillAsync("3");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#run-status")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(_page.Locator("table.output-table tbody tr")).ToHaveCountAsync(3);
        await ShotAsync("23-oauth-actions-users-list", fullPage: true);

        // Sign out removes the kept tokens.
        await _page.GotoAsync("/connections/by-name/OAuth%20browser");
        await _page.Locator("#oauth-sign-out-button").ClickAsync();
        await Assertions.Expect(_page.Locator("#signed-in-status")).ToContainTextAsync("not signed in");
        var store = server.Server.Services.GetService(typeof(Core.Connections.ConnectionStore)) as Core.Connections.ConnectionStore;
        var saved = await store!.GetAsync("OAuth browser", CancellationToken.None);
        saved.OAuth!.TokenCache.ShouldBeNull();
        saved.OAuth.SignedInUser.ShouldBeNull();
    }

    [Fact]
    public async Task AGuest_IsRefusedWithTheMessage_AndAReplayedCallbackShowsAClearError()
    {
        var guest = await SomeMemberAsync(skip: 4);
        server.Emulator.State.SetUserType(guest.Id, "Guest").ShouldBeTrue();
        try
        {
            await SignInWithKeyAsync();
            await CreateOAuthConnectionOnTheAddPageAsync("OAuth guest");
            await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Microsoft" }).ClickAsync();
            await PickUserOnTheEmulatorAsync(guest, null);

            await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Guest users cannot sign in with OAuth" })).ToBeVisibleAsync();
            var error = _page.Locator("#sign-in-error");
            await Assertions.Expect(error).ToContainTextAsync("the OAuth method does not work for Guest user types");
            await Assertions.Expect(error).ToContainTextAsync("App Registration is the alternative");
            await ShotAsync("24-oauth-guest-refused", fullPage: true);
            var callback = _page.Url;

            // The connection stays signed out.
            await _page.GetByRole(AriaRole.Link, new() { Name = "Back to connection 'OAuth guest'" }).ClickAsync();
            await Assertions.Expect(_page.Locator("#signed-in-status")).ToContainTextAsync("not signed in");

            // The same callback again (its state was used) and a forged state: an error page, no stack trace.
            foreach (var url in new[] { callback, new Uri(server.Url, "/connections/oauth-callback?code=forged&state=forged").ToString() })
            {
                var response = await _page.GotoAsync(url);
                response!.Status.ShouldBe(400);
                await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Sign-in failed" })).ToBeVisibleAsync();
                await Assertions.Expect(_page.Locator("#sign-in-error")).ToContainTextAsync("matches no sign-in in progress");
                (await _page.ContentAsync()).ShouldNotContain("   at ");
            }

            await ShotAsync("25-oauth-state-refused");
        }
        finally
        {
            server.Emulator.State.SetUserType(guest.Id, "Member");
        }
    }

    [Fact]
    public async Task AnAppWithoutConsent_ShowsNeedAdminApproval_WithTheAdminConsentLink()
    {
        var member = await SomeMemberAsync(skip: 6);
        await SignInWithKeyAsync();
        await CreateOAuthConnectionOnTheAddPageAsync("OAuth no consent", server.NoConsentApp);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in with Microsoft" }).ClickAsync();
        await PickUserOnTheEmulatorAsync(member, null);

        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Need admin approval" })).ToBeVisibleAsync();
        await Assertions.Expect(_page.Locator("#sign-in-error")).ToHaveAttributeAsync("data-code", "AADSTS65001");
        var link = _page.Locator("#admin-consent-link");
        (await link.GetAttributeAsync("href")).ShouldBe($"{server.Emulator.AuthorityHost.GetLeftPart(UriPartial.Authority)}/{server.Emulator.TenantId}/adminconsent?client_id={server.NoConsentApp.ClientId}");
        await ShotAsync("26-oauth-need-admin-approval");
    }

    private async Task<EmulatedUser> SomeMemberAsync(int skip)
    {
        var run = await server.RunAsync("users.list", new JsonObject { ["max"] = 40 });
        return run["output"]!.AsArray()
            .Select(u => server.Emulator.State.FindUser(u!["id"]!.GetValue<string>())!)
            .Where(u => u.AccountEnabled && u.UserType == "Member")
            .Skip(skip)
            .First();
    }

    private async Task CreateOAuthConnectionOnTheAddPageAsync(string name, EmulatorApp? app = null)
    {
        await _page.GotoAsync("/connections/new");
        await _page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync(name);
        await _page.GetByRole(AriaRole.Radio, new() { Name = "OAuth" }).CheckAsync();
        await _page.GetByLabel("Cloud").SelectOptionAsync("custom");
        await _page.GetByLabel("Authority host").FillAsync(server.Emulator.AuthorityHost.ToString());
        await _page.GetByLabel("Graph endpoint").FillAsync(server.Emulator.GraphEndpoint.ToString());
        await _page.Locator("#caCertificate").FillAsync(server.Emulator.CaCertificatePem);
        await _page.GetByLabel("Tenant ID").FillAsync(server.Emulator.TenantId);
        await _page.GetByLabel("Client ID").FillAsync((app ?? server.DemoApp).ClientId);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Create connection" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = $"Connection: {name}" })).ToBeVisibleAsync();
        await Assertions.Expect(_page.Locator("main .notice")).ToContainTextAsync("Sign in with Microsoft below to use it.");
    }

    private async Task PickUserOnTheEmulatorAsync(EmulatedUser user, string? shot)
    {
        await _page.WaitForURLAsync(new Regex("^" + Regex.Escape(server.Emulator.AuthorityHost.GetLeftPart(UriPartial.Authority)) + "/.*/authorize"));
        await _page.Locator("#user").SelectOptionAsync(user.Id);
        if (shot is not null)
        {
            await ShotAsync(shot);
        }

        await _page.Locator("#accept").ClickAsync();
    }

    private async Task SignInWithKeyAsync()
    {
        await _page.GotoAsync("/sign-in");
        await _page.GetByLabel("API key").FillAsync(server.ApiKey);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex(Regex.Escape("/connections")));
    }

    private Task ShotAsync(string name, bool fullPage = false) =>
        _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = fullPage });
}
