using System.Text;
using System.Text.Json;
using Entrada.Cli.Tests.Support;
using Spectre.Console;

namespace Entrada.Cli.Tests.Commands;

/// <summary>
/// <c>entrada run</c> in this process against an emulated tenant of more users than one Graph page
/// holds: every output format, a dry run, and a missing permission, each checked against the tenant.
/// </summary>
public sealed class RunCommandInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private async Task AddAsync(string name = "Tenant", Entrada.Emulator.EmulatorApp? app = null)
    {
        var add = await _entrada.RunAsync(tenant.AddArgs(name, app), (app ?? tenant.Demo).ClientSecret);
        add.ExitCode.ShouldBe(0, add.ToString());
    }

    private string EnabledUser(int skip) =>
        tenant.Server.State.GetUserIds().Where(id => tenant.Server.State.FindUser(id)!.AccountEnabled && tenant.Server.State.FindUser(id)!.UserType == "Member").Skip(skip).First();

    [Fact]
    public async Task Run_WithTable_ShowsTheFirstUsersOfTheTenant()
    {
        await AddAsync();

        var run = await _entrada.RunAsync("run", "users.list", "--connection", "Tenant", "--set", "max=5");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldContain("5 item(s)");
        run.Stdout.ShouldContain("userPrincipalName");
        var shown = System.Text.RegularExpressions.Regex.Matches(run.Stdout, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").Select(m => m.Value).Distinct().ToList();
        shown.Count.ShouldBe(5, run.Stdout);
        shown.ShouldAllBe(id => tenant.Server.State.FindUser(id) != null);
        shown.ForEach(id => run.Stdout.ShouldContain(tenant.Server.State.FindUser(id)!.DisplayName!));
    }

    [Fact]
    public async Task Run_WithJson_WritesOneDocumentOfEveryUser_NotWrappedAtTheConsoleWidthAndWithoutAnsi()
    {
        await AddAsync();
        using var narrow = new InProcessEntrada { Width = 40 };
        (await narrow.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);

        var run = await narrow.RunAsync("run", "users.list", "-c", "Tenant", "-o", "json");

        run.ExitCode.ShouldBe(0, run.ToString());
        run.Stdout.ShouldNotContain("\u001b");
        var ids = JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();
        ids.ShouldBe(tenant.Server.State.GetUserIds(), ignoreOrder: true);
        var lines = run.Stdout.TrimEnd('\n').Split('\n');
        lines.Length.ShouldBe(EmulatedTenant.UserCount + 2, "one line per user between the brackets: nothing wrapped");
        lines.Skip(1).SkipLast(1).ShouldAllBe(l => l.Length > 40 && l.StartsWith("  {", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WithNdjson_WritesOneLinePerItemAsTheyArrive()
    {
        await AddAsync();
        var before = tenant.UserPageRequests;
        var stdout = new ObservingWriter(() => tenant.UserPageRequests - before);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(stdout) });

        var run = await _entrada.RunAsync(["run", "users.list", "-c", "Tenant", "--set", "select=id,displayName", "-o", "ndjson"], stdin: null, console);

        run.ExitCode.ShouldBe(0, run.ToString());
        var lines = stdout.ToString().TrimEnd('\n').Split('\n');
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ShouldBe(tenant.Server.State.GetUserIds(), ignoreOrder: true);
        stdout.PagesRequestedAtEachLine.Count.ShouldBe(EmulatedTenant.UserCount);
        stdout.PagesRequestedAtEachLine[0].ShouldBe(1, "the first user is written before the second page is asked for");
        stdout.PagesRequestedAtEachLine[^1].ShouldBe(2);
    }

    [Fact]
    public async Task Run_WithDryRun_PrintsThePlannedRequestAndTheUserStaysEnabled()
    {
        await AddAsync();
        var user = EnabledUser(0);

        var table = await _entrada.RunAsync("run", "users.disable", "-c", "Tenant", "--set", $"userIds={user}", "--dry-run");
        var json = await _entrada.RunAsync("run", "users.disable", "-c", "Tenant", "--set", $"userIds={user}", "--dry-run", "-o", "json");

        table.ExitCode.ShouldBe(0, table.ToString());
        table.Stdout.ShouldContain("Dry run of users.disable: nothing was sent. It would send 1 request(s):");
        table.Stdout.ShouldContain("PATCH");
        table.Stdout.ShouldContain(user);
        json.ExitCode.ShouldBe(0, json.ToString());
        var plan = JsonDocument.Parse(json.Stdout).RootElement;
        plan.GetProperty("dryRun").GetBoolean().ShouldBeTrue();
        plan.GetProperty("requests").GetArrayLength().ShouldBe(1);
        tenant.Server.State.FindUser(user)!.AccountEnabled.ShouldBeTrue();
    }

    [Fact]
    public async Task Run_WithoutThePermission_Exits4WithOneLineOnStandardError_AndChangesNothing()
    {
        await AddAsync("Unconsented", tenant.NoConsent);
        var user = EnabledUser(1);

        var run = await _entrada.RunAsync("run", "users.disable", "-c", "Unconsented", "--set", $"userIds={user}");

        run.ExitCode.ShouldBe(4, run.ToString());
        run.Stdout.ShouldBeEmpty();
        run.Stderr.ShouldStartWith("error: ");
        run.Stderr.TrimEnd('\n').Split('\n').Length.ShouldBe(1, run.ToString());
        run.Stderr.ShouldContain("User.");
        run.Stderr.ShouldNotContain("   at ");
        tenant.Server.State.FindUser(user)!.AccountEnabled.ShouldBeTrue();
    }

    [Fact]
    public async Task Run_OfAnUnknownConnection_Exits2AndSaysHowToList()
    {
        var run = await _entrada.RunAsync("run", "users.list", "-c", "Ghost");

        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldBe("error: There is no connection named 'Ghost'. List them with 'entrada connections list'.\n");
    }

    [Fact]
    public async Task Run_WithBadInput_OnAFreshHome_MakesNoDatabaseNorKey()
    {
        // The start-up warm-up (StartupWarmUp) opens only a database and a key ring that exist.
        var run = await _entrada.RunAsync("run", "users.list", "--set", "max=5");

        run.ExitCode.ShouldBe(2, run.ToString());
        File.Exists(_entrada.Home.DatabasePath).ShouldBeFalse();
        (Directory.Exists(_entrada.Home.KeysPath) ? Directory.GetFiles(_entrada.Home.KeysPath) : []).ShouldBeEmpty();
    }

    /// <summary>Standard output that notes, at each line, how many user pages the emulator had been asked for.</summary>
    private sealed class ObservingWriter(Func<int> pagesRequested) : TextWriter
    {
        private readonly StringBuilder _text = new();

        public List<int> PagesRequestedAtEachLine { get; } = [];

        public override Encoding Encoding => Encoding.UTF8;

        // Every other Write and WriteAsync of TextWriter ends here.
        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
                if (value == '\n')
                {
                    PagesRequestedAtEachLine.Add(pagesRequested());
                }
            }
        }

        public override string ToString()
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }
}
