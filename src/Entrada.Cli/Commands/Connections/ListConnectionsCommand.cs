using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Connections;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Connections;

/// <summary><c>entrada connections list</c></summary>
internal sealed class ListConnectionsCommand(ConnectionStore store, CliOutput output) : AsyncCommand<CliSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CliSettings settings, CancellationToken cancellationToken)
    {
        var connections = await store.ListAsync(cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(connections.Select(ConnectionView.From));
            return ExitCodes.Success;
        }

        if (connections.Count == 0)
        {
            output.Line("No connections yet. Add one with [bold]entrada connections add NAME --method app-registration|oauth|ldap …[/]");
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Name").AddColumn("Method").AddColumn("Cloud / server").AddColumn("Tenant / bind").AddColumn("Last test");
        foreach (var c in connections)
        {
            var where = c.Method == ConnectionMethod.Ldap ? c.Ldap!.Uri.ToString().TrimEnd('/') : c.Cloud.WireName;
            var who = c.Method == ConnectionMethod.Ldap ? c.Ldap!.BindDn ?? "(anonymous)" : c.TenantId;
            var test = c.LastTest is null ? "[grey]never[/]" : $"{Markup.Escape(c.LastTest.Outcome)} ({c.LastTest.At:yyyy-MM-dd HH:mm})";
            table.AddRow(Markup.Escape(c.Name), c.Method.ToWireName(), Markup.Escape(where), Markup.Escape(who ?? string.Empty), test);
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}
