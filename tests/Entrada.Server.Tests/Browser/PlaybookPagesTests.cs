using System.Text.RegularExpressions;
using Entrada.Server.Tests.Support;
using Microsoft.Playwright;

namespace Entrada.Server.Tests.Browser;

/// <summary>
/// The playbook pages in Debian's Chromium: a signed-in user opens Playbooks, opens a playbook with
/// an approval step, fills its form for two users and runs it — first as a dry run, which changes
/// nothing, then for real: the run page shows the steps as a timeline with their counts, holds at
/// the approval step with Approve and Reject, and approving runs it to its end. The end state is read
/// from the emulated tenant. And the built-in <c>contain-user</c> run from its page for one user.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PlaybookPagesTests(ServerFixture server, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string Playbook = """
        id: page-lockout
        description: Revokes sessions, then, once a person approves, blocks sign-in.
        inputs:
          userIds:
            type: array
            items: string
            required: true
        steps:
          - id: revoke
            action: users.revoke-sessions
            input:
              userIds: ${{ inputs.userIds }}
          - id: disable
            action: users.disable
            approval: required
            input:
              userIds: ${{ inputs.userIds }}
        """;

    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(server.HomePath, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(server.HomePath, "playbooks", "page-lockout.yaml"), Playbook);
        await File.WriteAllTextAsync(Path.Combine(server.HomePath, "playbooks", "page-disable.yaml"), TestPlaybooks.Disable("page-disable"));
        _context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Url.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        // Generous: on a 2-core machine the whole suite runs in parallel with these pages.
        _context.SetDefaultTimeout(120_000);
        _context.SetDefaultNavigationTimeout(120_000);
        _page = await _context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
    }

    /// <summary>Enabled members at the end of the tenant (the API tests of playbooks take theirs from the start).</summary>
    private List<string> Users(int count = 2)
    {
        var state = server.Emulator.State;
        var users = state.GetUserIds().Reverse().Skip(2).Where(id => state.FindUser(id) is { AccountEnabled: true, UserType: "Member" }).Take(count).ToList();
        users.Count.ShouldBe(count);
        return users;
    }

    [Fact]
    public async Task TheBuiltInContainUser_RunFromItsPageForOneUser_ShowsEveryStep_AndContainsTheUser()
    {
        var user = Users(1).Single();
        var started = DateTimeOffset.UtcNow;
        await SignInAsync();
        await _page.GotoAsync("/playbooks");
        await _page.Locator("#playbooks").GetByRole(AriaRole.Link, new() { Name = "contain-user", Exact = true }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "contain-user", Exact = true })).ToBeVisibleAsync();
        await _page.Locator("#playbook-form").GetByRole(AriaRole.Combobox, new() { Name = "Connection" }).SelectOptionAsync("Demo tenant");
        await _page.Locator("#input-userId").FillAsync(user);
        await _page.Locator("#run-playbook").ClickAsync();
        await WaitForRunPageAsync();

        await Assertions.Expect(_page.Locator("#run-status")).ToContainTextAsync("succeeded");
        var steps = _page.Locator("#timeline li");
        await Assertions.Expect(steps).ToHaveCountAsync(8);
        await Assertions.Expect(_page.Locator("#timeline li[data-step=disable]")).ToContainTextAsync("1 done, 0 unchanged, 0 failed");
        await Assertions.Expect(_page.Locator("#timeline li[data-step=resetPassword]")).ToHaveAttributeAsync("data-status", "skipped");
        await Assertions.Expect(_page.Locator("#timeline li[data-step=evidence]")).ToHaveAttributeAsync("data-status", "succeeded");
        await ShotAsync("24-contain-user-run", fullPage: true);
        var contained = server.Emulator.State.FindUser(user)!;
        contained.AccountEnabled.ShouldBeFalse();
        contained.RiskState.ShouldBe("confirmedCompromised");
        contained.SignInSessionsValidFrom.ShouldNotBeNull();
        contained.SignInSessionsValidFrom.Value.ShouldBeGreaterThan(started.AddSeconds(-1));
    }

    [Fact]
    public async Task APlaybookRunFromItsPage_ShowsTheTimeline_HoldsForApproval_AndApprovingRunsItToTheEnd()
    {
        var users = Users();
        var state = server.Emulator.State;
        var sessionsBefore = users.Select(u => state.FindUser(u)!.SignInSessionsValidFrom).ToList();
        await SignInAsync();

        await _page.GetByRole(AriaRole.Link, new() { Name = "Playbooks", Exact = true }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Playbooks", Exact = true })).ToBeVisibleAsync();
        var list = _page.Locator("#playbooks");
        await Assertions.Expect(list).ToContainTextAsync("contain-user");
        await Assertions.Expect(list).ToContainTextAsync("page-lockout");
        await list.GetByRole(AriaRole.Link, new() { Name = "page-lockout", Exact = true }).ClickAsync();
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "page-lockout", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(_page.Locator("#steps")).ToContainTextAsync("after approval");

        // A dry run: the plan of every write, nothing sent.
        await FillAsync(users, dryRun: true);
        await _page.Locator("#run-playbook").ClickAsync();
        await WaitForRunPageAsync();
        var status = _page.Locator("#run-status");
        await Assertions.Expect(status).ToContainTextAsync("(dry run: nothing was changed)");
        await Assertions.Expect(status).ToContainTextAsync("succeeded");
        await Assertions.Expect(_page.Locator("#timeline li[data-step=disable]")).ToContainTextAsync("disable");
        await ShotAsync("20-playbook-dry-run", fullPage: true);
        users.ShouldAllBe(u => state.FindUser(u)!.AccountEnabled, "a dry run disables no one");
        users.Select(u => state.FindUser(u)!.SignInSessionsValidFrom).ToList().ShouldBe(sessionsBefore, "and revokes nothing");

        // For real: the first step runs, the second waits for a person.
        await _page.GetByRole(AriaRole.Link, new() { Name = "Back to the playbook" }).ClickAsync();
        var started = DateTimeOffset.UtcNow;
        await FillAsync(users, dryRun: false);
        await ShotAsync("21-playbook-form", fullPage: true);
        await _page.Locator("#run-playbook").ClickAsync();
        await WaitForRunPageAsync();
        await Assertions.Expect(status).ToContainTextAsync("awaiting-approval");
        var revoke = _page.Locator("#timeline li[data-step=revoke]");
        var disable = _page.Locator("#timeline li[data-step=disable]");
        await Assertions.Expect(revoke).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(revoke).ToContainTextAsync("2 done, 0 unchanged, 0 failed");
        await Assertions.Expect(disable).ToHaveAttributeAsync("data-status", "awaiting-approval");
        await Assertions.Expect(_page.GetByRole(AriaRole.Heading, new() { Name = "Step 'disable' (users.disable) waits for approval" })).ToBeVisibleAsync();
        await Assertions.Expect(_page.Locator("#approve")).ToBeVisibleAsync();
        await Assertions.Expect(_page.Locator("#reject")).ToBeVisibleAsync();
        await ShotAsync("22-playbook-awaiting-approval", fullPage: true);
        foreach (var id in users)
        {
            var user = state.FindUser(id)!;
            user.SignInSessionsValidFrom.ShouldNotBeNull(id);
            user.SignInSessionsValidFrom.Value.ShouldBeGreaterThan(started.AddSeconds(-1), "the step before the approval ran");
            user.AccountEnabled.ShouldBeTrue("the step that waits did not");
        }

        // Approved: the run goes on to its end (the page refreshes itself while it runs).
        await _page.Locator("#approve").ClickAsync();
        await Assertions.Expect(status).ToContainTextAsync("succeeded");
        await Assertions.Expect(disable).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(disable).ToContainTextAsync("2 done, 0 unchanged, 0 failed");
        await Assertions.Expect(disable).ToContainTextAsync("approved by web:");
        await Assertions.Expect(_page.Locator("#approve")).ToHaveCountAsync(0);
        await ShotAsync("23-playbook-approved", fullPage: true);
        users.ShouldAllBe(u => !state.FindUser(u)!.AccountEnabled, "every user is disabled in the tenant");

        // The playbook's page lists both runs.
        await _page.GetByRole(AriaRole.Link, new() { Name = "Back to the playbook" }).ClickAsync();
        await Assertions.Expect(_page.Locator("#playbook-runs tbody tr")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task SchedulesAndWatches_AddedFromThePlaybooksPage_FireWhileTheServerRuns_AndAreRemovedFromIt()
    {
        var (scheduled, watched) = Users(4).Skip(2).ToList() switch { var u => (u[0], u[1]) };
        var state = server.Emulator.State;
        await SignInAsync();
        await _page.GotoAsync("/playbooks/page-disable");
        await Assertions.Expect(_page.Locator("#playbook-triggers-none")).ToBeVisibleAsync();

        // A bad cron expression: the field says what is wrong, and nothing is stored.
        await _page.Locator("#add-schedule summary").ClickAsync();
        var schedule = _page.Locator("#schedule-form");
        await schedule.GetByRole(AriaRole.Combobox, new() { Name = "Connection" }).SelectOptionAsync("Demo tenant");
        await schedule.GetByLabel("Cron expression").FillAsync("0 25 * * *");
        await schedule.GetByLabel("Inputs (JSON)").FillAsync($$"""{"userIds": ["{{scheduled}}"]}""");
        await _page.Locator("#add-schedule-submit").ClickAsync();
        await Assertions.Expect(_page.Locator("#playbook-message")).ToContainTextAsync("The schedule was not added. Please correct the fields marked below.");
        await Assertions.Expect(_page.Locator("#schedule-cron-error")).ToContainTextAsync("hour");
        await Assertions.Expect(_page.Locator("#schedule-form")).ToBeVisibleAsync();
        await Assertions.Expect(schedule.GetByLabel("Inputs (JSON)")).ToHaveValueAsync($$"""{"userIds": ["{{scheduled}}"]}""");
        await Assertions.Expect(_page.Locator("#playbook-triggers-none")).ToBeVisibleAsync();
        await ShotAsync("25-playbook-schedule-refused", fullPage: true);

        // A refused form with a secret in it is not filled back: the page never shows the secret.
        await schedule.GetByLabel("Inputs (JSON)").FillAsync($$"""{"userIds": ["{{scheduled}}"], "newPassword": "Page-Secret-5r7!"}""");
        await _page.Locator("#add-schedule-submit").ClickAsync();
        await Assertions.Expect(_page.Locator("#playbook-message")).ToContainTextAsync("The schedule was not added.");
        await Assertions.Expect(schedule.GetByLabel("Inputs (JSON)")).ToHaveValueAsync(string.Empty);
        (await _page.ContentAsync()).ShouldNotContain("Page-Secret-5r7!");
        await schedule.GetByLabel("Inputs (JSON)").FillAsync($$"""{"userIds": ["{{scheduled}}"]}""");

        // Every two seconds (Quartz's form, seconds first): it fires in this server and disables the user.
        await schedule.GetByLabel("Cron expression").FillAsync("0/2 * * * * ?");
        await _page.Locator("#add-schedule-submit").ClickAsync();
        await Assertions.Expect(_page.Locator("#playbook-message")).ToContainTextAsync("added: 0/2 * * * * ? (UTC) on Demo tenant");
        var rows = _page.Locator("#playbook-triggers tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("schedule");
        await EventuallyAsync(() => !state.FindUser(scheduled)!.AccountEnabled, "the schedule added from the page disabled the user");

        // A watch over one user, handling what is already there on its first poll.
        await _page.Locator("#add-watch summary").ClickAsync();
        var watch = _page.Locator("#watch-form");
        await watch.GetByRole(AriaRole.Combobox, new() { Name = "Connection" }).SelectOptionAsync("Demo tenant");
        await watch.GetByRole(AriaRole.Combobox, new() { Name = "List action polled" }).SelectOptionAsync("users.list");
        await watch.GetByLabel("Its input (JSON)").FillAsync($$"""{"filter": "id eq '{{watched}}'", "select": "id"}""");
        await watch.GetByLabel("Seconds between polls").FillAsync("1");
        await watch.GetByLabel("Inputs (JSON templates over item)").FillAsync("""{"userIds": "${{ [item.id] }}"}""");
        await watch.GetByRole(AriaRole.Combobox, new() { Name = "First poll" }).SelectOptionAsync("handle");
        await _page.Locator("#add-watch-submit").ClickAsync();
        // The list action's own field is checked as a run would check it, and its message shown.
        await Assertions.Expect(_page.Locator("#playbook-message")).ToContainTextAsync("The watch was not added. ");
        await Assertions.Expect(_page.Locator("#playbook-message")).ToContainTextAsync("select");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await watch.GetByLabel("Its input (JSON)").FillAsync($$"""{"filter": "id eq '{{watched}}'", "select": ["id"]}""");
        await _page.Locator("#add-watch-submit").ClickAsync();
        await Assertions.Expect(_page.Locator("#playbook-message")).ToContainTextAsync("added: users.list every 1 s on Demo tenant");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        await EventuallyAsync(() => !state.FindUser(watched)!.AccountEnabled, "the watch added from the page started a run for the user it found");
        await _page.ReloadAsync();
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync("1 started of 1 seen");
        await Assertions.Expect(rows.Nth(1)).ToContainTextAsync($"\"filter\":\"id eq '{watched}'\"");
        await ShotAsync("26-playbook-triggers", fullPage: true);

        // Removed from the page: gone from the list the API gives too.
        await _page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Remove schedule sch_") }).ClickAsync();
        await Assertions.Expect(_page.Locator("#playbook-message")).ToContainTextAsync("removed: it does not fire again");
        await _page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Remove watch wat_") }).ClickAsync();
        await Assertions.Expect(_page.Locator("#playbook-message")).ToContainTextAsync("removed, with its record");
        await Assertions.Expect(_page.Locator("#playbook-triggers-none")).ToBeVisibleAsync();
        using var client = server.Client();
        (await client.GetStringAsync("/api/v1/playbooks/page-disable/schedules")).ShouldBe("[]");
        (await client.GetStringAsync("/api/v1/playbooks/page-disable/watches")).ShouldBe("[]");
    }

    /// <summary>
    /// Waits for the redirect to a run's page, at its commit: a run still going refreshes its page
    /// every 2 s, and a page that navigates again before its load event would keep a wait for
    /// "load" from ever ending. The expectations that follow wait for what the page shows.
    /// </summary>
    private async Task WaitForRunPageAsync()
    {
        try
        {
            await _page.WaitForURLAsync(new Regex("/playbook-runs/pbr_[0-9a-f]+$"), new() { WaitUntil = WaitUntilState.Commit });
        }
        catch (TimeoutException ex)
        {
            // What the run was doing, so that a wait that ends here says why.
            using var client = server.Client();
            throw new TimeoutException($"The form led to no run page; the browser is at {_page.Url}. The latest runs: {await client.GetStringAsync("/api/v1/playbook-runs?limit=2")}", ex);
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90), what);
            await Task.Delay(200);
        }
    }

    private async Task FillAsync(IReadOnlyList<string> users, bool dryRun)
    {
        await _page.Locator("#playbook-form").GetByRole(AriaRole.Combobox, new() { Name = "Connection" }).SelectOptionAsync("Demo tenant");
        await _page.Locator("#input-userIds").FillAsync(string.Join('\n', users));
        var check = _page.GetByLabel("Dry run: run the reads, show every write, send no change");
        if (dryRun)
        {
            await check.CheckAsync();
        }
        else
        {
            await check.UncheckAsync();
        }
    }

    private async Task SignInAsync()
    {
        await _page.GotoAsync("/sign-in");
        await _page.GetByLabel("API key").FillAsync(server.ApiKey);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex(Regex.Escape("/connections")));
    }

    private Task ShotAsync(string name, bool fullPage = false) =>
        _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png"), FullPage = fullPage });
}
