using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests;

public sealed class CommandLineTests : IDisposable
{
    private readonly EntradaProcess _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private static void ShouldBeOneLineWithoutStackTrace(CliResult result)
    {
        result.Stderr.TrimEnd().Split('\n').Length.ShouldBe(1, result.ToString());
        result.Stderr.ShouldStartWith("error: ");
        result.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Help_ShowsTheCommandsAndExamples()
    {
        var result = await _entrada.RunAsync("--help");
        result.ExitCode.ShouldBe(0);
        result.Stdout.ShouldContain("EXAMPLES:");
        result.Stdout.ShouldContain("connections");
        result.Stdout.ShouldContain("entrada serve --demo");
    }

    [Theory]
    [InlineData("connections", "add")]
    [InlineData("connections", "update")]
    [InlineData("connections", "test")]
    [InlineData("run")]
    [InlineData("actions", "show")]
    [InlineData("audit", "list")]
    public async Task EachCommandsHelp_ShowsAnExample(params string[] command)
    {
        var result = await _entrada.RunAsync([.. command, "--help"]);
        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("EXAMPLES:");
        result.Stdout.ShouldContain("entrada " + command[0]);
    }

    [Fact]
    public async Task AnUnknownCommand_Exits2WithOneLine()
    {
        var result = await _entrada.RunAsync("conections", "list");
        result.ExitCode.ShouldBe(2);
        ShouldBeOneLineWithoutStackTrace(result);
        result.Stderr.ShouldContain("Unknown command 'conections'");
        result.Stderr.ShouldContain("entrada --help");
    }

    [Fact]
    public async Task AnUnknownOption_Exits2WithOneLine()
    {
        var result = await _entrada.RunAsync("connections", "list", "--colour");
        result.ExitCode.ShouldBe(2);
        ShouldBeOneLineWithoutStackTrace(result);
        result.Stderr.ShouldContain("colour");
    }

    [Fact]
    public async Task ABadValue_Exits2WithOneLine()
    {
        var result = await _entrada.RunAsync("audit", "list", "--limit", "lots");
        result.ExitCode.ShouldBe(2);
        ShouldBeOneLineWithoutStackTrace(result);
    }

    [Fact]
    public async Task AnUnknownOutputFormat_SaysWhichExist()
    {
        var result = await _entrada.RunAsync("connections", "list", "--output", "xml");
        result.ExitCode.ShouldBe(2);
        ShouldBeOneLineWithoutStackTrace(result);
        result.Stderr.ShouldContain("The output format 'xml' is not known: use table or json.");
    }

    [Fact]
    public async Task AMissingConnection_Exits2AndSaysHowToList()
    {
        var result = await _entrada.RunAsync("connections", "show", "ghost");
        result.ExitCode.ShouldBe(2);
        ShouldBeOneLineWithoutStackTrace(result);
        result.Stderr.ShouldBe("error: There is no connection named 'ghost'. List them with 'entrada connections list'.\n");
    }

    [Fact]
    public async Task WithDebug_AFailureAlsoShowsTheStackTrace()
    {
        var result = await _entrada.RunAsync("connections", "show", "ghost", "--debug");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("error: There is no connection named 'ghost'.");
        result.Stderr.ShouldContain("   at ");
    }

    [Fact]
    public async Task AnUnknownAction_SuggestsNothingFromAnEmptyCatalogueButExits2() 
    {
        var result = await _entrada.RunAsync("actions", "show", "users.frobnicate");
        result.ExitCode.ShouldBe(2);
        ShouldBeOneLineWithoutStackTrace(result);
        result.Stderr.ShouldContain("There is no action 'users.frobnicate'");
    }
}

public sealed class ProgressDisplayTests
{
    [Fact]
    public void TheFirstPlainReport_IsPrintedWithoutFailing()
    {
        using var display = new Entrada.Cli.Infrastructure.ProgressDisplay(TextWriter.Null, live: false);
        var line = display.Line(new Entrada.Core.Actions.ActionProgress(400, 1200) { Retries = 3, ThrottleWait = TimeSpan.FromSeconds(12) });
        line.ShouldStartWith("[########................] 400/1200");
        line.ShouldContain("3 retried");
        line.ShouldContain("throttled 12 s");
        Should.NotThrow(() => display.Report(new Entrada.Core.Actions.ActionProgress(400, 1200)));
    }
}
