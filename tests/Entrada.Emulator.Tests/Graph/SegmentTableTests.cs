using System.Text.RegularExpressions;
using Entrada.Emulator.Graph;

namespace Entrada.Emulator.Tests.Graph;

/// <summary>
/// Case-insensitive routing is one table (<see cref="GraphSegments.Names"/>): these tests read the routes'
/// source and check that every literal segment a route compares with is in it, so a new route is
/// case-insensitive without anyone remembering to make it so.
/// </summary>
public sealed partial class SegmentTableTests
{
    private static readonly HashSet<string> HttpMethods = ["GET", "POST", "PATCH", "PUT", "DELETE"];

    // case "members" or "owners" when …:   (the labels before 'when' or ':')
    [GeneratedRegex(@"^\s*case\s+((?:""[^""]+""(?:\s+or\s+)?)+)")]
    private static partial Regex CaseLabel();

    // s[1] == "riskyUsers", rest[^1] is "$ref" or "x", sub == "members"
    [GeneratedRegex(@"\b(?:\w+\[[^\]]+\]|sub|segment)\s*(?:==|is)\s*((?:""[^""]+""(?:\s+or\s+)?)+)")]
    private static partial Regex SegmentComparison();

    // "checkMemberGroups" or "checkMemberObjects" => …   (arms of a switch expression)
    [GeneratedRegex(@"^\s*((?:""[^""]+""(?:\s+or\s+)?)+)\s*=>")]
    private static partial Regex SwitchArm();

    // switch (s[0])   (a switch statement: its case labels)
    [GeneratedRegex(@"\bswitch\s*\((?<subject>[^)]+)\)")]
    private static partial Regex StatementSubject();

    // function switch   (a switch expression: its arms)
    [GeneratedRegex(@"(?<subject>[\w\[\]\^.]+)\s+switch\b")]
    private static partial Regex ExpressionSubject();

    // What a switch on a path segment switches on: an element of a segment array, or a variable holding one.
    [GeneratedRegex(@"^(?:\w+\[[^\]]+\]|sub|segment|function|cast|action|relationship|navigation)$")]
    private static partial Regex SegmentSubject();

    [GeneratedRegex(@"""([^""]+)""")]
    private static partial Regex Literal();

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_.$]*$")]
    private static partial Regex SegmentLike();

    private static string RoutesFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Entrada.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("The repository root (Entrada.slnx) is not above the test binaries."), "src", "Entrada.Emulator", "Graph");
    }

    /// <summary>
    /// Every literal a route compares a path segment with, by file and line: case labels and switch arms of a
    /// switch on a segment (<c>switch (s[0])</c>, <c>sub switch</c>), and comparisons of a segment
    /// (<c>s[1] == "…"</c>, <c>rest[0] is "…" or "…"</c>). HTTP methods are not segments.
    /// </summary>
    private static List<(string Literal, string Where)> RouteLiterals()
    {
        var found = new List<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(RoutesFolder(), "*.cs", SearchOption.AllDirectories))
        {
            var lines = File.ReadAllLines(file);
            bool cases = false, arms = false;
            for (var i = 0; i < lines.Length; i++)
            {
                if (StatementSubject().Match(lines[i]) is { Success: true } statement)
                {
                    cases = SegmentSubject().IsMatch(statement.Groups["subject"].Value.Trim());
                }

                if (ExpressionSubject().Match(lines[i]) is { Success: true } expression)
                {
                    arms = SegmentSubject().IsMatch(expression.Groups["subject"].Value.Trim());
                }

                var patterns = new List<Regex> { SegmentComparison() };
                if (cases)
                {
                    patterns.Add(CaseLabel());
                }

                if (arms)
                {
                    patterns.Add(SwitchArm());
                }

                foreach (var pattern in patterns)
                {
                    foreach (Match match in pattern.Matches(lines[i]))
                    {
                        foreach (Match literal in Literal().Matches(match.Groups[1].Value))
                        {
                            var value = literal.Groups[1].Value;
                            if (SegmentLike().IsMatch(value) && !HttpMethods.Contains(value))
                            {
                                found.Add((value, $"{Path.GetFileName(file)}:{i + 1}"));
                            }
                        }
                    }
                }
            }
        }

        return found;
    }

    private static bool IsListed(string literal) =>
        GraphSegments.Names.Contains(literal, StringComparer.Ordinal)
        || (literal.StartsWith("microsoft.graph.", StringComparison.Ordinal) && GraphSegments.Types.Contains(literal["microsoft.graph.".Length..], StringComparer.Ordinal));

    [Fact]
    public void EveryLiteralSegmentARouteMatches_IsInTheCanonicalTable()
    {
        var literals = RouteLiterals();

        literals.Count.ShouldBeGreaterThan(40, "the scan must find the routes' literals");
        literals.Where(l => !IsListed(l.Literal)).Select(l => $"{l.Literal} ({l.Where})").ShouldBeEmpty("add these to GraphSegments.Names (or GraphSegments.Types for a cast)");
    }

    [Fact]
    public void TheTable_NamesEachSegmentOnce_WhateverItsCase()
    {
        GraphSegments.Names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("MEMBERS", "members")]
    [InlineData("auditlogs", "auditLogs")]
    [InlineData("SignIns", "signIns")]
    [InlineData("Microsoft.Graph.Group", "microsoft.graph.group")]
    [InlineData("graph.user", "microsoft.graph.user")]
    [InlineData("microsoft.graph.delta", "delta")]
    [InlineData("Microsoft.Graph.Restore", "restore")]
    [InlineData("87d349ed-44d7-43e1-9a83-5f2406dee5bd", "87d349ed-44d7-43e1-9a83-5f2406dee5bd")]
    [InlineData("AdeleV@contoso.com", "AdeleV@contoso.com")]
    public void Canonical_SpellsNamesAsRoutesDo_AndLeavesIdsAlone(string segment, string expected)
    {
        GraphSegments.Canonical(segment).ShouldBe(expected);
    }

    [Fact]
    public void Parse_TurnsKeySyntaxIntoSegments_AndNotesAlternateKeys()
    {
        var plain = GraphSegments.Parse(["Users('a''b@contoso.com')", "MemberOf"], out var none);
        var function = GraphSegments.Parse(["users", "delta()"], out _);
        var alternate = GraphSegments.Parse(["applications(appId='0000-1')", "owners"], out var keys);

        plain.ShouldBe(["users", "a'b@contoso.com", "memberOf"]);
        none.ShouldBeNull();
        function.ShouldBe(["users", "delta"]);
        alternate.ShouldBe(["applications", "0000-1", "owners"]);
        keys.ShouldBe(new Dictionary<int, string> { [1] = "appId" });
    }
}
