using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Connections;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

/// <summary><c>entrada connections remove NAME</c></summary>
internal sealed class RemoveConnectionCommand(ConnectionService connections, CliOutput output) : AsyncCommand<NamedConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NamedConnectionSettings settings, CancellationToken cancellationToken)
    {
        var removed = await connections.RemoveAsync(settings.Name, Caller.Cli(), cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(new { removed });
        }
        else
        {
            output.Success($"Connection '{removed}' removed.");
        }

        return ExitCodes.Success;
    }
}
