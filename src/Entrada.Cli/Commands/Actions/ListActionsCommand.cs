using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Core.Actions;
using Entrada.Core.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Actions;

internal sealed class ListActionsSettings : CliSettings
{
    [CommandOption("-c|--connection <NAME>")]
    [Description("Test this connection and show which actions are ready on it.")]
    public string? Connection { get; set; }
}

/// <summary><c>entrada actions list [--connection NAME]</c></summary>
internal sealed class ListActionsCommand(ActionCatalog catalog, ConnectionService connections, CliOutput output) : AsyncCommand<ListActionsSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ListActionsSettings settings, CancellationToken cancellationToken)
    {
        ConnectionTestReport? report = null;
        if (settings.Connection is not null)
        {
            report = await connections.TestAsync(settings.Connection, Caller.Cli(), cancellationToken);
            if (!report.Authenticated)
            {
                throw new AuthenticationFailedException(report.Error ?? $"Connection '{settings.Connection}' could not authenticate.", report.ErrorCode);
            }
        }

        var actions = catalog.All
            .Where(a => report is null || report.Actions.Any(r => r.ActionId == a.Descriptor.Id))
            .Select(a => (a.Descriptor, Readiness: report?.Actions.First(r => r.ActionId == a.Descriptor.Id)))
            .ToList();
        if (settings.Json)
        {
            output.WriteJson(actions.Select(a => new
            {
                a.Descriptor.Id,
                a.Descriptor.Description,
                Target = a.Descriptor.Target.ToString().ToLowerInvariant(),
                Permission = a.Descriptor.Permission?.Least,
                HigherPermissions = a.Descriptor.Permission?.Higher,
                a.Descriptor.Destructive,
                a.Descriptor.Bulk,
                Ready = a.Readiness?.Ready,
                Reason = a.Readiness?.Reason,
            }));
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Action").AddColumn("What it does").AddColumn("Needs");
        if (report is not null)
        {
            table.AddColumn("Ready");
        }

        foreach (var (descriptor, readiness) in actions)
        {
            var needs = descriptor.Permission?.Least ?? (descriptor.Target == ActionTarget.Ldap ? (descriptor.RequiresActiveDirectory ? "Active Directory" : "bind") : "(not checked)");
            var flags = (descriptor.Destructive ? " [grey](changes)[/]" : string.Empty) + (descriptor.Bulk ? " [grey](bulk)[/]" : string.Empty);
            var row = new List<string> { Markup.Escape(descriptor.Id) + flags, Markup.Escape(descriptor.Description), Markup.Escape(needs) };
            if (readiness is not null)
            {
                row.Add(readiness.Ready ? "[green]yes[/]" : $"[red]no[/] {Markup.Escape(readiness.Reason ?? string.Empty)}");
            }

            table.AddRow(row.ToArray());
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}
