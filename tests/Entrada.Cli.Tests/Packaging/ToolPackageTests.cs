using System.Diagnostics;
using System.Reflection;
using System.Reflection.PortableExecutable;
using System.Text;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Packaging;

/// <summary>
/// Issue 14 item 4: <c>dotnet pack src/Entrada.Cli</c> makes a <c>dotnet tool</c> package whose
/// <c>entrada</c>, installed with <c>dotnet tool install --tool-path</c>, is compiled ahead of time
/// (ReadyToRun) and works against a tenant. The package is made with the Debug configuration the
/// test run has already built (a Release pack compiles every project again, which a test need not
/// pay for; the packaging, the ReadyToRun step and the install are the same).
/// </summary>
public sealed class ToolPackageTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "entrada-tool-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    [Fact]
    public async Task Pack_ThenToolInstall_GivesAReadyToRunEntradaCommandThatRunsAnAction()
    {
        var artifacts = Path.Combine(_work, "artifacts");
        var tools = Path.Combine(_work, "tools");
        var pack = await RunAsync("dotnet", RepositoryRoot(), null, "pack", Path.Combine(RepositoryRoot(), "src", "Entrada.Cli"), "-c", "Debug", "-o", artifacts, "-nologo", "-v", "quiet", "-clp:ErrorsOnly");
        pack.ExitCode.ShouldBe(0, pack.ToString());
        Directory.GetFiles(artifacts, "*.nupkg").Select(Path.GetFileName).ShouldBe(["Entrada.Cli.0.1.0.nupkg", "Entrada.Cli.linux-x64.0.1.0.nupkg"], ignoreOrder: true);

        // Only the packages just made: a feed of this folder alone, nothing from any other source.
        var config = Path.Combine(_work, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="artifacts" value="{artifacts}" />
              </packageSources>
            </configuration>
            """);
        var install = await RunAsync("dotnet", _work, null, "tool", "install", "--tool-path", tools, "--configfile", config, "Entrada.Cli");
        install.ExitCode.ShouldBe(0, install.ToString());

        var entrada = Path.Combine(tools, "entrada");
        File.Exists(entrada).ShouldBeTrue(install.ToString());
        var version = await RunAsync(entrada, _work, null, "--version");
        version.ExitCode.ShouldBe(0, version.ToString());
        // The version the project sets (what follows '+' names the commit the build was made from).
        var expected = typeof(EntradaCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
        version.Stdout.Trim().Split('+')[0].ShouldBe(expected, version.ToString());

        // Ahead of time: the installed assemblies carry ReadyToRun code, not IL alone.
        var installed = Directory.GetFiles(Path.Combine(tools, ".store"), "entrada.dll", SearchOption.AllDirectories).ShouldHaveSingleItem();
        IsReadyToRun(installed).ShouldBeTrue($"{installed} has no ReadyToRun code");
        IsReadyToRun(Path.Combine(Path.GetDirectoryName(installed)!, "Entrada.Graph.dll")).ShouldBeTrue("Entrada.Graph.dll has no ReadyToRun code");
        IsReadyToRun(Path.Combine(Path.GetDirectoryName(installed)!, "Microsoft.Graph.dll")).ShouldBeTrue("Microsoft.Graph.dll has no ReadyToRun code");

        // And it works: a connection to the emulated tenant, then an action.
        var home = Path.Combine(_work, "home");
        var add = await RunAsync(entrada, _work, tenant.Demo.ClientSecret, [.. tenant.AddArgs("Emulated"), "--test", "--output", "json"], home);
        add.ExitCode.ShouldBe(0, add.ToString());
        var upn = tenant.Server.State.FindUser(tenant.Server.State.GetUserIds()[0])!.UserPrincipalName;
        var get = await RunAsync(entrada, _work, null, ["run", "users.get", "-c", "Emulated", "--set", $"id={upn}", "--output", "json"], home);
        get.ExitCode.ShouldBe(0, get.ToString());
        get.Stdout.ShouldContain(upn);
    }

    /// <summary>Whether the assembly has a ReadyToRun header (the CLI header's managed native header), as crossgen writes it.</summary>
    private static bool IsReadyToRun(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var reader = new PEReader(stream);
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Entrada.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository (Entrada.slnx) above the test's output.");
    }

    private static Task<CliResult> RunAsync(string file, string workingDirectory, string? stdin, params string[] args) => RunAsync(file, workingDirectory, stdin, args, home: null);

    private static async Task<CliResult> RunAsync(string file, string workingDirectory, string? stdin, string[] args, string? home)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Started by `dotnet test`, this process carries MSBuild's variables; a `dotnet pack` of its own must not inherit them.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["NO_COLOR"] = "1";
        if (home is not null)
        {
            start.Environment["ENTRADA_HOME"] = home;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        // A pack on a quiet machine takes well under a minute; one that shares the machine with other builds, far longer.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
