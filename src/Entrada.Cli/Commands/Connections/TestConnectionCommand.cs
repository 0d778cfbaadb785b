using Entrada.Cli.Infrastructure;
using Entrada.Core.Testing;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

/// <summary><c>entrada connections test NAME</c>: exit 0 all ready, 4 some not ready, 3 cannot authenticate.</summary>
internal sealed class TestConnectionCommand(ConnectionTesting testing, CliOutput output) : AsyncCommand<NamedConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NamedConnectionSettings settings, CancellationToken cancellationToken)
    {
        var report = await testing.TestSavedAsync(settings.Name, cancellationToken);
        ReportRenderer.Render(output, report, settings.Json);
        return report.ExitCode;
    }
}
