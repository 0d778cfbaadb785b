using System.Diagnostics;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

/// <summary><c>entrada connections remove NAME</c></summary>
internal sealed class RemoveConnectionCommand(ConnectionStore store, AuditLog audit, CliOutput output, TimeProvider time) : AsyncCommand<NamedConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NamedConnectionSettings settings, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var removed = await store.RemoveAsync(settings.Name, cancellationToken);
        await audit.WriteAsync(
            new AuditRecord
            {
                At = time.GetUtcNow(),
                Interface = AuditInterfaces.Cli,
                Actor = Environment.UserName,
                Operation = "connections.remove",
                Connection = removed,
                Outcome = AuditOutcomes.Succeeded,
                Duration = Stopwatch.GetElapsedTime(started),
            },
            CancellationToken.None);
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
