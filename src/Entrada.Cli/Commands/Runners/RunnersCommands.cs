using System.ComponentModel;
using System.Globalization;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Runners;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Runners;

internal sealed class RunnersTokenSettings : CliSettings
{
    [CommandOption("--group <GROUP>")]
    [Description("The runner group the token registers a runner in, such as corp.")]
    public string? Group { get; set; }
}

internal sealed class RunnersRevokeSettings : CliSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The runner's id, as 'entrada runners list' shows it.")]
    public string Id { get; set; } = string.Empty;
}

/// <summary><c>entrada runners token create --group G</c>: a one-time registration token, shown once.</summary>
internal sealed class RunnersTokenCreateCommand(RunnerService runners, CliOutput output) : AsyncCommand<RunnersTokenSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunnersTokenSettings settings, CancellationToken cancellationToken)
    {
        var token = await runners.CreateTokenAsync(settings.Group, Caller.Cli(), cancellationToken);
        if (settings.Json)
        {
            output.WriteJsonLine(new { token = token.Token.Reveal(), token.Group, token.ExpiresAt });
            return ExitCodes.Success;
        }

        output.Success($"Registration token for runner group '{token.Group}', valid once until {token.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. Copy it now: it is stored only as a hash.");
        output.Console.WriteLine(token.Token.Reveal());
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada runners list</c>: every runner with its state.</summary>
internal sealed class RunnersListCommand(RunnerService runners, CliOutput output) : AsyncCommand<CliSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CliSettings settings, CancellationToken cancellationToken)
    {
        var list = await runners.ListAsync(cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(list);
            return ExitCodes.Success;
        }

        if (list.Count == 0)
        {
            output.Line("No runners. Make a registration token with [bold]entrada runners token create --group GROUP[/] and register one with [bold]entrada runner register[/].");
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in new[] { "Id", "Group", "Name", "Version", "Address", "Connected since (UTC)", "Last heartbeat (UTC)", "Runs", "Status" })
        {
            table.AddColumn(column);
        }

        foreach (var r in list)
        {
            table.AddRow(
                Markup.Escape(r.Id),
                Markup.Escape(r.Group),
                Markup.Escape(r.Name),
                Markup.Escape(r.Version ?? string.Empty),
                Markup.Escape(r.Address ?? string.Empty),
                Time(r.ConnectedSince),
                Time(r.LastHeartbeat),
                r.RunsInProgress.ToString(CultureInfo.InvariantCulture),
                r.Status switch { "online" => "[green]online[/]", "revoked" => "[grey]revoked[/]", _ => "[yellow]offline[/]" });
        }

        output.Write(table);
        return ExitCodes.Success;
    }

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "never";
}

/// <summary><c>entrada runners revoke ID</c>: the runner is refused from now on.</summary>
internal sealed class RunnersRevokeCommand(RunnerService runners, CliOutput output) : AsyncCommand<RunnersRevokeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunnersRevokeSettings settings, CancellationToken cancellationToken)
    {
        var runner = await runners.RevokeAsync(settings.Id, Caller.Cli(), cancellationToken);
        if (settings.Json)
        {
            output.WriteJsonLine(new { runner.Id, runner.Group, runner.Name, runner.RevokedAt });
            return ExitCodes.Success;
        }

        output.Success($"Runner '{runner.Name}' ({runner.Id}) of group '{runner.Group}' revoked: it is refused from now on (a running server drops its connection within seconds).");
        return ExitCodes.Success;
    }
}
