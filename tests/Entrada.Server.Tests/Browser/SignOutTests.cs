using System.Text.RegularExpressions;
using Entrada.Server.Tests.Support;
using Microsoft.Playwright;

namespace Entrada.Server.Tests.Browser;

/// <summary>Signing out with the header's button, in Chromium: the session ends on the server.</summary>
[Collection(ServerCollection.Name)]
public sealed class SignOutTests(ServerFixture server, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Url.ToString() });
        _context.SetDefaultTimeout(120_000);
        _context.SetDefaultNavigationTimeout(120_000);
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Theory]
    [InlineData("/connections")]
    [InlineData("/actions")]
    public async Task TheHeadersSignOutButton_EndsTheSession_SoTheOldCookieReplayedGetsTheSignInPage(string page)
    {
        await _page.GotoAsync("/sign-in");
        await _page.GetByLabel("API key").FillAsync(server.ApiKey);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex("/connections"));
        var session = (await _context.CookiesAsync()).Single(c => c.Name == "entrada.session");

        await _page.GotoAsync(page);
        await _page.Locator("header.top").GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex("/sign-in"));
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Entrada" })).ToBeVisibleAsync();
        (await _context.CookiesAsync()).ShouldNotContain(c => c.Name == "entrada.session");

        // A copy of the cookie kept from before the sign-out, replayed in a fresh browser.
        await using var replay = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Url.ToString() });
        await replay.AddCookiesAsync([new Cookie { Name = session.Name, Value = session.Value, Domain = session.Domain, Path = session.Path, HttpOnly = true, SameSite = SameSiteAttribute.Strict }]);
        var replayed = await replay.NewPageAsync();
        await replayed.GotoAsync(page);
        await Assertions.Expect(replayed).ToHaveURLAsync(new Regex("/sign-in"));
        await Assertions.Expect(replayed.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Entrada" })).ToBeVisibleAsync();
        await Assertions.Expect(replayed.GetByRole(AriaRole.Link, new() { Name = "Demo tenant" })).ToHaveCountAsync(0);
    }
}
