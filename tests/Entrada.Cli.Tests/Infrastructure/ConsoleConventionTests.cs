using System.Text.RegularExpressions;

namespace Entrada.Cli.Tests.Infrastructure;

/// <summary>Commands write only through their consoles: only the composition root touches <c>System.Console</c>'s streams.</summary>
public sealed partial class ConsoleConventionTests
{
    [GeneratedRegex(@"(?<![\w.])(System\.)?Console\.(Out|Error|In|Write|WriteLine|Read|ReadLine|OpenStandard\w+|IsInputRedirected|IsOutputRedirected|IsErrorRedirected|WindowWidth)\b")]
    private static partial Regex SystemConsoleUse();

    private static string SourceFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Entrada.slnx")))
        {
            dir = dir.Parent;
        }

        dir.ShouldNotBeNull("the repository root (Entrada.slnx) is above the test's output folder");
        return Path.Combine(dir.FullName, "src", "Entrada.Cli");
    }

    [Fact]
    public void NothingButTheCompositionRoot_UsesSystemConsoleStreams()
    {
        var files = Directory.EnumerateFiles(SourceFolder(), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        files.Count.ShouldBeGreaterThan(10);

        var uses = files
            .Where(f => Path.GetFileName(f) is not ("EntradaCli.cs" or "Program.cs"))
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line.Trim())))
            .Where(l => !l.Text.StartsWith("//", StringComparison.Ordinal) && SystemConsoleUse().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text}")
            .ToList();

        uses.ShouldBeEmpty();
    }

    [Fact]
    public void TheConventionCheck_FindsADirectWrite()
    {
        SystemConsoleUse().IsMatch("await Console.Out.WriteLineAsync(json);").ShouldBeTrue();
        SystemConsoleUse().IsMatch("System.Console.Error.WriteLine(text);").ShouldBeTrue();
        SystemConsoleUse().IsMatch("output.Console.MarkupLine(text);").ShouldBeFalse();
        SystemConsoleUse().IsMatch("using Spectre.Console.Cli;").ShouldBeFalse();
    }
}
