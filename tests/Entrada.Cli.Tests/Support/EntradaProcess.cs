using System.Diagnostics;
using System.Text;

namespace Entrada.Cli.Tests.Support;

/// <summary>The result of one run of the real <c>entrada</c> command.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string All => Stdout + Stderr;

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs the built <c>entrada</c> command as a separate process, as a user would, with its own
/// ENTRADA_HOME, optional standard input and extra environment variables.
/// </summary>
public sealed class EntradaProcess : IDisposable
{
    public EntradaProcess()
    {
        Home = Path.Combine(Path.GetTempPath(), "entrada-cli-" + Guid.NewGuid().ToString("N"));
    }

    public string Home { get; }

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>How long one command may take before the test fails (and the process is killed).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    public static string EntradaDll => Path.Combine(AppContext.BaseDirectory, "entrada.dll");

    public ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(EntradaDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ENTRADA_HOME"] = Home;
        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public async Task<CliResult> RunWithInputAsync(string? stdin, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Leave nothing running behind a failed test.
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
