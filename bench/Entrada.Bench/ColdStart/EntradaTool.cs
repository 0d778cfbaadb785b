using System.Diagnostics;

namespace Entrada.Bench.ColdStart;

/// <summary>
/// The <c>entrada</c> a person installs: packed from <c>src/Entrada.Cli</c> with <c>dotnet pack</c>
/// (the ahead-of-time compiled, RID-specific tool package) and installed with
/// <c>dotnet tool install --tool-path</c> into a temporary folder — or an executable named with
/// <c>--entrada PATH</c> (another build to compare with).
/// </summary>
internal static class EntradaTool
{
    /// <summary>Packs and installs the tool under <paramref name="work"/>; returns the installed <c>entrada</c>.</summary>
    public static async Task<string> PackAndInstallAsync(string work, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        var artifacts = Path.Combine(work, "artifacts");
        var tools = Path.Combine(work, "tools");
        Console.WriteLine($"  packing src/Entrada.Cli (Release) into {artifacts} …");
        var watch = Stopwatch.StartNew();
        await DotnetAsync(root, cancellationToken, "pack", Path.Combine(root, "src", "Entrada.Cli"), "-c", "Release", "-o", artifacts, "-v", "quiet", "-clp:ErrorsOnly", "-nologo");
        Console.WriteLine($"  packed in {watch.Elapsed.TotalSeconds:0} s; installing with dotnet tool install --tool-path {tools} …");
        await DotnetAsync(root, cancellationToken, "tool", "install", "--tool-path", tools, "--add-source", artifacts, "Entrada.Cli");
        var entrada = Path.Combine(tools, OperatingSystem.IsWindows() ? "entrada.exe" : "entrada");
        return File.Exists(entrada) ? entrada : throw new InvalidOperationException($"dotnet tool install did not make {entrada}.");
    }

    /// <summary>The repository's root: the nearest folder above this benchmark that holds <c>Entrada.slnx</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Entrada.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository (Entrada.slnx) above the benchmark; name an executable with --entrada PATH.");
    }

    private static async Task DotnetAsync(string workingDirectory, CancellationToken cancellationToken, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} exited with code {process.ExitCode}:\n{await output}\n{await error}");
        }
    }
}
