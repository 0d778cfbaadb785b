using System.Text.RegularExpressions;
using Entrada.Server.Tests.Support;
using Microsoft.Playwright;

namespace Entrada.Server.Tests.Browser;

[Collection(ServerCollection.Name)]
public sealed partial class PagesTests(ServerFixture server, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private readonly BrowserFixture _browser = browser;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        _context = await _browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Url.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        // Generous: on a 2-core machine the whole suite runs in parallel with these pages.
        _context.SetDefaultTimeout(120_000);
        _context.SetDefaultNavigationTimeout(120_000);
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
    }

    [Fact]
    public async Task ANewUser_AddsAnAppRegistrationThroughTheDialog_TestsIt_CreatesIt_AndRunsActions()
    {
        await SignInAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Connections" })).ToBeVisibleAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Link, new() { Name = "Demo tenant" })).ToBeVisibleAsync();
        await ShotAsync("01-connections");

        // Add connection: Microsoft Entra ID, App Registration, the emulated tenant as a custom cloud.
        await _page.GetByRole(AriaRole.Link, new() { Name = "Add connection" }).ClickAsync();
        await Assertions.Expect(_page.GetByLabel("Service")).ToHaveValueAsync("entra");
        await _page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("Browser tenant");
        await _page.GetByRole(AriaRole.Radio, new() { Name = "App Registration" }).CheckAsync();
        await _page.GetByLabel("Cloud").SelectOptionAsync("custom");
        await _page.GetByLabel("Authority host").FillAsync(server.Emulator.AuthorityHost.ToString());
        await _page.GetByLabel("Graph endpoint").FillAsync(server.Emulator.GraphEndpoint.ToString());
        await _page.Locator("#caCertificate").FillAsync(server.Emulator.CaCertificatePem);
        await _page.GetByLabel("Tenant ID").FillAsync(server.Emulator.TenantId);
        await _page.GetByLabel("Client ID").FillAsync(server.DemoApp.ClientId);
        await _page.GetByLabel("Client secret", new() { Exact = true }).FillAsync(server.DemoApp.ClientSecret);
        await ShotAsync("02-add-connection");

        await _page.GetByRole(AriaRole.Button, new() { Name = "Test Connection" }).ClickAsync();
        var report = _page.Locator("#readiness-report");
        await Assertions.Expect(report).ToBeVisibleAsync();
        await Assertions.Expect(report.Locator("[data-outcome]")).ToHaveTextAsync("ready");
        await Assertions.Expect(report.GetByLabel("Permissions granted")).ToContainTextAsync("User.Read.All");
        await Assertions.Expect(_page.Locator("#ready-actions")).ToContainTextAsync("groups.members.add");
        (await _page.ContentAsync()).ShouldNotContain(server.DemoApp.ClientSecret);
        await ShotAsync("03-readiness-report", fullPage: true);

        // The secret typed before the test is kept on the server, not rendered back.
        await _page.GetByRole(AriaRole.Button, new() { Name = "Create connection" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Connection: Browser tenant" })).ToBeVisibleAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true })).ToHaveAttributeAsync("readonly", "");
        (await _page.ContentAsync()).ShouldNotContain(server.DemoApp.ClientSecret);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Re-test connection" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#readiness-report [data-outcome]")).ToHaveTextAsync("ready");
        await ShotAsync("04-connection-page", fullPage: true);

        // Actions: users.list shows a table and JSON.
        // Choosing the connection by URL: when "Browser tenant" is already the first (default)
        // choice, selecting it fires no change event, and waiting for a navigation would hang.
        await _page.GotoAsync("/actions?connection=Browser%20tenant");
        await Assertions.Expect(_page.GetByLabel("Connection", new() { Exact = true })).ToHaveValueAsync("Browser tenant");
        await _page.GetByLabel("Action", new() { Exact = true }).SelectOptionAsync("users.list");
        await _page.WaitForURLAsync(UrlWith("action=users.list"));
        await Assertions.Expect(_page.GetByText("Stop after this many items")).ToBeVisibleAsync();
        await _page.GetByLabel("Max").FillAsync("5");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#run-status")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(_page.Locator("table.output-table tbody tr")).ToHaveCountAsync(5);
        await Assertions.Expect(_page.Locator("#run-json")).ToContainTextAsync("userPrincipalName");
        await ShotAsync("05-actions-users-list", fullPage: true);

        // groups.members.add: a bulk change, with the outcome per member and the run history.
        var (groupId, userIds) = await server.SomeIdsAsync(2);
        await _page.GetByLabel("Action", new() { Exact = true }).SelectOptionAsync("groups.members.add");
        await _page.WaitForURLAsync(UrlWith("action=groups.members.add"));
        await _page.GetByLabel("Group id").FillAsync(groupId);
        await _page.GetByLabel("Member ids").FillAsync(string.Join('\n', userIds));
        await _page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#run-status")).ToHaveTextAsync("succeeded");
        await Assertions.Expect(_page.Locator("table.output-table").Last).ToContainTextAsync(userIds[0]);
        var history = _page.Locator("#run-history");
        await Assertions.Expect(history).ToContainTextAsync("groups.members.add");
        await Assertions.Expect(history).ToContainTextAsync("users.list");
        await ShotAsync("06-actions-members-add-and-history", fullPage: true);

        // The run's own page.
        await history.Locator("tbody tr").First.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(_page.Locator("#run-status")).ToHaveTextAsync("succeeded");
        await ShotAsync("07-run-page", fullPage: true);
    }

    [Fact]
    public async Task AnInvalidField_ShowsItsMessageBesideTheField()
    {
        await SignInAsync();
        await _page.GotoAsync("/connections/new");
        await _page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true }).FillAsync("Invalid one");
        await _page.GetByLabel("Tenant ID").FillAsync("not a tenant!");
        await _page.GetByLabel("Client ID").FillAsync("12345");
        await _page.GetByLabel("Client secret", new() { Exact = true }).FillAsync("whatever");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Create connection" }).ClickAsync();

        var tenant = _page.GetByLabel("Tenant ID");
        await Assertions.Expect(tenant).ToHaveAttributeAsync("aria-invalid", "true");
        var tenantError = _page.Locator("#tenantId-error");
        await Assertions.Expect(tenantError).ToContainTextAsync("The tenant ID 'not a tenant!' is not valid");
        // Beside the field: the message follows the input inside the same field block, and describes it.
        (await tenant.GetAttributeAsync("aria-describedby"))!.ShouldContain("tenantId-error");
        (await _page.Locator(".field:has(#tenantId) #tenantId-error").CountAsync()).ShouldBe(1);
        await Assertions.Expect(_page.Locator("#clientId-error")).ToContainTextAsync("The client ID '12345' is not valid");
        await Assertions.Expect(_page.GetByLabel("Client secret", new() { Exact = true })).ToHaveValueAsync(string.Empty);
        await ShotAsync("08-invalid-field", fullPage: true);

        // An action input is checked the same way.
        await _page.GotoAsync("/actions?connection=Demo%20tenant&action=users.list");
        await _page.GetByLabel("Max").FillAsync("-3");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Run" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#input-max-error")).ToContainTextAsync("'max' must be a positive number");
    }

    [Fact]
    public async Task AWrongKey_IsRefusedOnTheSignInPage_AndPagesNeedSignIn()
    {
        await _page.GotoAsync("/actions");
        await Assertions.Expect(_page).ToHaveURLAsync(UrlWith("/sign-in"));
        await _page.GetByLabel("API key").FillAsync("entrada_000000000000_wrong");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#apiKey-error")).ToHaveTextAsync("That key is not valid.");
        await ShotAsync("09-sign-in-refused");

        var cookies = await _context.CookiesAsync();
        cookies.ShouldNotContain(c => c.Name == "entrada.session");
        await SignInAsync();
        var session = (await _context.CookiesAsync()).Single(c => c.Name == "entrada.session");
        session.HttpOnly.ShouldBeTrue();
        session.SameSite.ShouldBe(SameSiteAttribute.Strict);
    }

    [Fact]
    public async Task AtPhoneWidth_ThePagesStayUsable_AndDeleteAsksForConfirmation()
    {
        await _page.SetViewportSizeAsync(390, 844);
        await SignInAsync();
        using (var client = server.Client())
        {
            (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, "/api/v1/connections", server.AppRegistrationBody("Phone delete"))).EnsureSuccessStatusCode();
        }

        await _page.GotoAsync("/connections");
        await Assertions.Expect(_page.GetByRole(AriaRole.Link, new() { Name = "Phone delete" })).ToBeVisibleAsync();
        (await _page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390);
        await ShotAsync("10-connections-phone", fullPage: true);

        await _page.GetByRole(AriaRole.Link, new() { Name = "Phone delete" }).ClickAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Delete connection" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#confirmDelete-error")).ToContainTextAsync("Tick the box");
        await _page.GetByLabel("Yes, delete 'Phone delete'").CheckAsync();
        await _page.GetByRole(AriaRole.Button, new() { Name = "Delete connection" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Connections" })).ToBeVisibleAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Link, new() { Name = "Phone delete" })).ToHaveCountAsync(0);

        await _page.GotoAsync("/actions?connection=Demo%20tenant&action=users.list");
        (await _page.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(390);
        await ShotAsync("11-actions-phone", fullPage: true);
    }

    [Fact]
    public async Task ConnectionsNamedLikeTheFixedPages_OpenFromTheList_AndTheAddFormKeepsItsAddress()
    {
        await SignInAsync();
        using (var client = server.Client())
        {
            foreach (var name in new[] { "new", "oauth-callback" })
            {
                (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(client, "/api/v1/connections", server.AppRegistrationBody(name))).EnsureSuccessStatusCode();
            }
        }

        await _page.GotoAsync("/connections");
        await _page.GetByRole(AriaRole.Link, new() { Name = "new", Exact = true }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Connection: new", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(UrlWith("/connections/by-name/new"));
        await _page.GetByRole(AriaRole.Button, new() { Name = "Re-test connection" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#readiness-report [data-outcome]")).ToHaveTextAsync("ready");
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Connection: new", Exact = true })).ToBeVisibleAsync();

        await _page.GotoAsync("/connections");
        await _page.GetByRole(AriaRole.Link, new() { Name = "oauth-callback", Exact = true }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Connection: oauth-callback", Exact = true })).ToBeVisibleAsync();

        await _page.GotoAsync("/connections");
        await _page.GetByRole(AriaRole.Link, new() { Name = "Add connection" }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Add connection" })).ToBeVisibleAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(UrlWith("/connections/new"));

        // A link to a connection's page from before it moved still leads there.
        await _page.GotoAsync("/connections/Demo%20tenant");
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Connection: Demo tenant", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(UrlWith("/connections/by-name/Demo%20tenant"));
    }

    private async Task SignInAsync()
    {
        await _page.GotoAsync("/sign-in");
        await _page.GetByLabel("API key").FillAsync(server.ApiKey);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(UrlWith("/connections"));
    }

    private Task ShotAsync(string name, bool fullPage = false) =>
        _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = fullPage });

    private static Regex UrlWith(string part) => new(Regex.Escape(part));
}
