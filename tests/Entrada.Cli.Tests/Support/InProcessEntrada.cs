using Entrada.Cli.Infrastructure;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Testing;
using Spectre.Console.Testing;

namespace Entrada.Cli.Tests.Support;

/// <summary>
/// The <c>entrada</c> app composed by <see cref="EntradaCli"/> exactly as the real entry point
/// composes it, run in this process on <c>TestConsole</c>s for standard output and standard error
/// and on a temporary ENTRADA_HOME of its own.
/// </summary>
internal sealed class InProcessEntrada : IDisposable
{
    public InProcessEntrada()
    {
        Home = new EntradaHome(Path.Combine(Path.GetTempPath(), "entrada-inproc-" + Guid.NewGuid().ToString("N")));
    }

    /// <summary>This instance's ENTRADA_HOME.</summary>
    public EntradaHome Home { get; }

    /// <summary>How the key ring is protected; <see langword="null"/>: as the environment variables say.</summary>
    public KeyRingProtection? KeyRing { get; set; }

    /// <summary>The consoles' width: by default the one the real command lays tables out to on a pipe.</summary>
    public int Width { get; init; } = EntradaCli.RedirectedWidth;

    /// <summary>Runs one command line, as <c>entrada ARGS</c> would with standard input empty.</summary>
    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, stdin: null);

    /// <summary>Runs one command line with <paramref name="stdin"/> piped in; <paramref name="output"/> replaces the standard output console.</summary>
    public async Task<CliResult> RunAsync(string[] args, string? stdin, IAnsiConsole? output = null, CancellationToken cancellationToken = default)
    {
        using var testOutput = new TestConsole().Width(Width);
        using var error = new TestConsole().Width(Width);
        var consoles = new CliConsoles(output ?? testOutput, error, () => new StringReader(stdin ?? string.Empty), inputRedirected: true, errorIsTerminal: false);
        var exitCode = await EntradaCli.RunAsync(args, consoles, Home, KeyRing, cancellationToken);
        return new CliResult(exitCode, output is null ? testOutput.Output : string.Empty, error.Output);
    }

    /// <summary>
    /// Spectre's own harness on the same composition (services and command configuration), for
    /// tests that look at what a command line parsed into. Failures propagate as exceptions.
    /// </summary>
    public CommandAppTester Tester(string? stdin = null)
    {
        var console = new TestConsole().Width(Width);
        var consoles = new CliConsoles(console, new TestConsole(), () => new StringReader(stdin ?? string.Empty), inputRedirected: true, errorIsTerminal: false);
        var tester = new CommandAppTester(EntradaCli.CreateRegistrar(consoles, Home, debug: false, KeyRing), new CommandAppTesterSettings { TrimConsoleOutput = false }, console);
        tester.Configure(config => EntradaCli.Configure(config, console));
        return tester;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Home.Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
