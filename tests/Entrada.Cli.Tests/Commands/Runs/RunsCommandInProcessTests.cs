using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Commands.Runs;

/// <summary><c>entrada runs list|show</c>: a run made with <c>entrada run</c> is in the run list, with its output.</summary>
public sealed class RunsCommandInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    [Fact]
    public async Task ARunMadeByRun_ShowsInRunsList_AndRunsShowGivesItsOutput()
    {
        (await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);
        var run = await _entrada.RunAsync("run", "users.list", "-c", "Tenant", "--set", "max=3", "-o", "json");
        run.ExitCode.ShouldBe(0, run.ToString());
        var listed = JsonDocument.Parse(run.Stdout).RootElement.EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();

        var list = await _entrada.RunAsync("runs", "list", "-o", "json");
        var table = await _entrada.RunAsync("runs", "list");

        list.ExitCode.ShouldBe(0, list.ToString());
        var runs = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().ToList();
        var made = runs.ShouldHaveSingleItem();
        made.GetProperty("action").GetString().ShouldBe("users.list");
        made.GetProperty("connection").GetString().ShouldBe("Tenant");
        made.GetProperty("status").GetString().ShouldBe("succeeded");
        made.GetProperty("interface").GetString().ShouldBe("cli");
        made.GetProperty("itemCount").GetInt64().ShouldBe(3);
        var id = made.GetProperty("id").GetString()!;
        table.ExitCode.ShouldBe(0, table.ToString());
        table.Stdout.ShouldContain(id);
        table.Stdout.ShouldContain("users.list");

        var show = await _entrada.RunAsync("runs", "show", id, "-o", "json");
        show.ExitCode.ShouldBe(0, show.ToString());
        var output = JsonDocument.Parse(show.Stdout).RootElement.GetProperty("output").EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();
        output.ShouldBe(listed);
        output.ShouldAllBe(u => tenant.Server.State.FindUser(u!) != null);
        var shownTable = await _entrada.RunAsync("runs", "show", id);
        shownTable.Stdout.ShouldContain("Output");
        shownTable.Stdout.ShouldContain(listed[0]!);
    }

    [Fact]
    public async Task AFailedRunFromTheCli_ShowsInRunsListAsFailed_WithItsProblem()
    {
        (await _entrada.RunAsync(tenant.AddArgs("Unconsented", tenant.NoConsent), tenant.NoConsent.ClientSecret)).ExitCode.ShouldBe(0);
        (await _entrada.RunAsync("run", "users.list", "-c", "Unconsented")).ExitCode.ShouldBe(4);

        var list = await _entrada.RunAsync("runs", "list", "--connection", "unconsented", "-o", "json");

        list.ExitCode.ShouldBe(0, list.ToString());
        var failed = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().ShouldHaveSingleItem();
        failed.GetProperty("action").GetString().ShouldBe("users.list");
        failed.GetProperty("status").GetString().ShouldBe("failed");
        failed.GetProperty("problem").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task RunsShow_OfAnUnknownRun_Exits2AndSaysHowToList()
    {
        var show = await _entrada.RunAsync("runs", "show", "run_nope");

        show.ExitCode.ShouldBe(2);
        show.Stderr.ShouldBe("error: There is no run 'run_nope'. List them with 'entrada runs list'.\n");
    }
}
