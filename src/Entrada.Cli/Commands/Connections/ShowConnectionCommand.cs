using System.Text.Json;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Connections;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

internal sealed class NamedConnectionSettings : CliSettings
{
    [CommandArgument(0, "<NAME>")]
    [System.ComponentModel.Description("The connection's name (case does not matter).")]
    public string Name { get; set; } = string.Empty;
}

/// <summary><c>entrada connections show NAME</c></summary>
internal sealed class ShowConnectionCommand(ConnectionStore store, CliOutput output) : AsyncCommand<NamedConnectionSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, NamedConnectionSettings settings, CancellationToken cancellationToken)
    {
        var view = ConnectionView.From(await store.GetAsync(settings.Name, cancellationToken));
        if (settings.Json)
        {
            output.WriteJson(view);
        }
        else
        {
            output.WriteProperties(JsonSerializer.SerializeToNode(view, CliOutput.Json));
        }

        return ExitCodes.Success;
    }
}
