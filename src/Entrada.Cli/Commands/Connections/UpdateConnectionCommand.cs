using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Connections;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

internal sealed class UpdateConnectionSettings : ConnectionOptions
{
    [CommandOption("--name <NEW-NAME>")]
    [Description("Not allowed: a connection's name never changes (shown here so the refusal is clear).")]
    public string? NewName { get; set; }
}

/// <summary><c>entrada connections update NAME …</c>: every parameter but the name.</summary>
internal sealed class UpdateConnectionCommand(ConnectionService connections, SecretInput secrets, CliOutput output) : AsyncCommand<UpdateConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, UpdateConnectionSettings settings, CancellationToken cancellationToken)
    {
        var existing = await connections.GetAsync(settings.Name, cancellationToken);
        // A rename is refused (and audited) before any secret is read.
        var renaming = settings.NewName is not null && !string.Equals(settings.NewName, existing.Name, StringComparison.Ordinal);
        var request = renaming
            ? new ConnectionRequest { Name = settings.NewName }
            : settings.ToRequest(secrets, existing.Method, isAdd: false);

        var result = await connections.UpdateAsync(existing.Name, request, Caller.Cli(), cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(ConnectionView.From(result.Connection) with { ClearedSecrets = result.ClearedSecrets.Count > 0 ? result.ClearedSecrets : null });
        }
        else
        {
            output.Success($"Connection '{result.Connection.Name}' updated ({string.Join(", ", result.Changed)}).");
            if (result.ClearedMessage is { } cleared)
            {
                output.Warning(cleared);
            }
        }

        return ExitCodes.Success;
    }
}
