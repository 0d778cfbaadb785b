using Entrada.Cli.Infrastructure;
using Entrada.Core.Actions;

namespace Entrada.Cli.Tests.Infrastructure;

public sealed class ProgressDisplayOutputTests
{
    [Fact]
    public void Report_WhenStandardErrorIsNotATerminal_WritesPlainLinesAndMessagesToIt()
    {
        using var error = new StringWriter();
        using (var display = new ProgressDisplay(error, live: false))
        {
            display.Report(new ActionProgress(0, 3) { Message = "Throttled: waiting 2 s." });
            display.Report(new ActionProgress(3, 3));
        }

        var lines = error.ToString().TrimEnd('\n').Split('\n');
        lines[0].ShouldBe("Throttled: waiting 2 s.");
        lines.ShouldContain(l => l.StartsWith("[########################] 3/3", StringComparison.Ordinal));
        error.ToString().ShouldNotContain("\r");
    }

    [Fact]
    public void Report_OnATerminal_RedrawsOneLineInPlace_AndEndsItOnDispose()
    {
        using var error = new StringWriter();
        using (var display = new ProgressDisplay(error, live: true, width: 40))
        {
            display.Report(new ActionProgress(1, 2));
            display.Report(new ActionProgress(2, 2));
        }

        error.ToString().ShouldStartWith("\r[");
        error.ToString().Split('\r').Length.ShouldBe(3);
        error.ToString().ShouldEndWith("\n");
    }
}
