using System.Text.RegularExpressions;

namespace Entrada.Conventions.Tests;

/// <summary>
/// What the edges and the core may say and do: SQL lives with its tables in Core, and messages
/// from Core, Graph and Ldap are in product terms (each edge adds its own hint: the CLI names its
/// command from an error's NextStep, the API its route).
/// </summary>
public sealed partial class EdgeTests
{
    [Theory]
    [InlineData("Entrada.Cli")]
    [InlineData("Entrada.Server")]
    public void NoSourceFileOfAnEdge_ContainsSql(string project)
    {
        var offending = Repository.SourceFiles(project)
            .SelectMany(f => Repository.CodeLines(f).Where(l => Sql().IsMatch(l.Text)).Select(l => $"{Repository.Relative(f)}:{l.Line}: {l.Text.Trim()}"))
            .ToList();
        offending.ShouldBeEmpty("SQL belongs in the stores of Entrada.Core, next to their tables");
    }

    [Theory]
    [InlineData("Entrada.Core")]
    [InlineData("Entrada.Graph")]
    [InlineData("Entrada.Ldap")]
    public void NoMessageOfTheCore_NamesAnEntradaCommand(string project)
    {
        var offending = Repository.SourceFiles(project)
            .SelectMany(f => Repository.CodeLines(f).Where(l => Command().IsMatch(l.Text)).Select(l => $"{Repository.Relative(f)}:{l.Line}: {l.Text.Trim()}"))
            .ToList();
        offending.ShouldBeEmpty("say what to do in product terms and give the exception a NextStep; the edge words it as its command or route");
    }

    [Fact]
    public void TheSqlPattern_FindsSql_AndTheCommandPattern_FindsACommand()
    {
        // The two patterns above must be able to fail.
        Sql().IsMatch("""command.CommandText = "SELECT id FROM runs WHERE x = 1";""").ShouldBeTrue();
        Sql().IsMatch("""output.Line("Select an action to run.");""").ShouldBeFalse();
        Command().IsMatch("""throw new X($"Run 'entrada connections test \"{name}\"'.");""").ShouldBeTrue();
        Command().IsMatch("""var text = "Entrada connects tenants";""").ShouldBeFalse();
    }

    [GeneratedRegex(@"""[^""]*\b(SELECT\s+[\w*,\s]+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE|ALTER\s+TABLE|PRAGMA)\b")]
    private static partial Regex Sql();

    [GeneratedRegex(@"""[^""]*\bentrada\s+(connections|actions|run|runs|jobs|keys|audit|serve|emulator)\b")]
    private static partial Regex Command();
}
