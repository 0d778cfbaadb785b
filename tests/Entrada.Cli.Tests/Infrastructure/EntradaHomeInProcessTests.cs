using Entrada.Cli.Infrastructure;
using Entrada.Core.Storage;
using Spectre.Console.Testing;

namespace Entrada.Cli.Tests.Infrastructure;

/// <summary>ENTRADA_HOME that is a file, not a folder: every command says so in one line, and nothing is written.</summary>
public sealed class EntradaHomeInProcessTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), "entrada-home-file-" + Guid.NewGuid().ToString("N"));

    public EntradaHomeInProcessTests() => File.WriteAllText(_file, "not a folder");

    public void Dispose() => File.Delete(_file);

    public static TheoryData<string> Commands() =>
    [
        "connections list",
        "connections show Contoso",
        "connections remove Contoso",
        "audit list",
        "runs list",
        "jobs list",
        "keys list",
        "keys create --name automation",
        "run users.list -c Contoso",
        "connections add Corp --method ldap --uri ldaps://dc.example --anonymous",
        "serve --urls http://127.0.0.1:0",
    ];

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task ACommand_WithEntradaHomeOnAFile_FailsWithOneLineThatSaysSo(string commandLine)
    {
        using var output = new TestConsole();
        using var error = new TestConsole().Width(EntradaCli.RedirectedWidth);
        var consoles = new CliConsoles(output, error, () => new StringReader(string.Empty), inputRedirected: true, errorIsTerminal: false);

        var exitCode = await EntradaCli.RunAsync(commandLine.Split(' '), consoles, new EntradaHome(_file), CancellationToken.None);

        exitCode.ShouldBe(ExitCodes.InvalidInput, error.Output);
        var line = error.Output.TrimEnd().Split('\n').ShouldHaveSingleItem();
        line.ShouldContain($"ENTRADA_HOME ('{_file}') is a file, not a folder");
        output.Output.ShouldBeEmpty();
        File.ReadAllText(_file).ShouldBe("not a folder");
    }
}
