using System.Text.RegularExpressions;

namespace Entrada.Conventions.Tests;

/// <summary>
/// The dependency rule: the edges (Cli, Server) depend on the method assemblies (Graph, Ldap),
/// which depend on Core; Core depends on none of them; the emulated tenant shares nothing with
/// the client side. Read from the project files, so a new reference that breaks it fails here.
/// </summary>
public sealed partial class LayeringTests
{
    public static TheoryData<string, string[]> Allowed => new()
    {
        { "Entrada.Core", [] },
        { "Entrada.Graph", ["Entrada.Core"] },
        { "Entrada.Ldap", ["Entrada.Core"] },
        { "Entrada.Emulator", [] },
        { "Entrada.Server", ["Entrada.Core", "Entrada.Graph", "Entrada.Ldap", "Entrada.Emulator"] },
        { "Entrada.Cli", ["Entrada.Core", "Entrada.Graph", "Entrada.Ldap", "Entrada.Emulator", "Entrada.Server"] },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void EachProject_ReferencesOnlyTheLayersBelowIt(string project, string[] allowed)
    {
        var references = ReferencesOf(project);
        references.Except(allowed).ShouldBeEmpty($"{project} may reference only {(allowed.Length == 0 ? "no other Entrada project" : string.Join(", ", allowed))}");
    }

    [Fact]
    public void EverySourceProject_IsCoveredByTheRule()
    {
        var projects = Directory.GetDirectories(Path.Combine(Repository.Root, "src")).Select(Path.GetFileName).Order().ToArray();
        projects.ShouldBe(Allowed.Select(row => (string)row[0]).Order().ToArray());
    }

    [Fact]
    public void NoClientSideNamespace_IsUsedInTheEmulator_NorTheEmulatorInCoreGraphOrLdap()
    {
        Offending("Entrada.Emulator", ClientNamespace()).ShouldBeEmpty();
        foreach (var project in new[] { "Entrada.Core", "Entrada.Graph", "Entrada.Ldap" })
        {
            Offending(project, EdgeNamespace()).ShouldBeEmpty();
        }
    }

    private static List<string> Offending(string project, Regex pattern) =>
        [.. Repository.SourceFiles(project).SelectMany(f => Repository.CodeLines(f).Where(l => pattern.IsMatch(l.Text)).Select(l => $"{Repository.Relative(f)}:{l.Line}: {l.Text.Trim()}"))];

    private static string[] ReferencesOf(string project)
    {
        var csproj = File.ReadAllText(Path.Combine(Repository.Root, "src", project, project + ".csproj"));
        return [.. Repository.ProjectReference().Matches(csproj).Select(m => m.Groups[1].Value)];
    }

    [GeneratedRegex(@"\bEntrada\.(Core|Graph|Ldap|Server|Cli)\b")]
    private static partial Regex ClientNamespace();

    [GeneratedRegex(@"\bEntrada\.(Emulator|Server|Cli)\b")]
    private static partial Regex EdgeNamespace();
}
