using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Connections;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

/// <summary><c>entrada connections test NAME</c>: exit 0 all ready, 4 some not ready, 3 cannot authenticate.</summary>
internal sealed class TestConnectionCommand(ConnectionService connections, CliOutput output) : AsyncCommand<NamedConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NamedConnectionSettings settings, CancellationToken cancellationToken)
    {
        var report = await connections.TestAsync(settings.Name, Caller.Cli(), cancellationToken);
        ReportRenderer.Render(output, report, settings.Json);
        return CliErrors.ExitCodeOf(report);
    }
}
