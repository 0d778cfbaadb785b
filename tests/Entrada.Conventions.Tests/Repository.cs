using System.Text.RegularExpressions;

namespace Entrada.Conventions.Tests;

/// <summary>The repository these tests read: its root (the folder with Entrada.slnx) and its source files.</summary>
internal static partial class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The C# source files of one project under src/, without build output.</summary>
    public static IEnumerable<string> SourceFiles(string project) =>
        Directory.EnumerateFiles(Path.Combine(Root, "src", project), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    /// <summary>A path relative to the root, for messages.</summary>
    public static string Relative(string path) => Path.GetRelativePath(Root, path);

    /// <summary>The lines of a file that are code, with the text of comments removed (// and /// to the end of the line).</summary>
    public static IEnumerable<(int Line, string Text)> CodeLines(string path) =>
        File.ReadLines(path).Select((text, i) => (i + 1, StripComment(text))).Where(l => l.Item2.Trim().Length > 0);

    private static string StripComment(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("//", StringComparison.Ordinal))
        {
            return string.Empty;
        }

        // A // inside a string literal (a URL) is not a comment; only one outside quotes is.
        var inString = false;
        for (var i = 0; i < line.Length - 1; i++)
        {
            if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && line[i] == '/' && line[i + 1] == '/')
            {
                return line[..i];
            }
        }

        return line;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Entrada.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Entrada.slnx above {AppContext.BaseDirectory}: these tests read the repository they were built from.");
    }

    [GeneratedRegex("""<ProjectReference\s+Include="[^"]*?([A-Za-z.]+)\.csproj"\s*/>""")]
    public static partial Regex ProjectReference();
}
