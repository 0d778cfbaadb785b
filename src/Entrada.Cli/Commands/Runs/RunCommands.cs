using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Runs;

internal sealed class RunIdSettings : CliSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The run's id (run_…; see 'entrada runs list').")]
    public string Id { get; set; } = string.Empty;
}

internal sealed class RunListSettings : CliSettings
{
    [CommandOption("-n|--limit <N>")]
    [Description("How many runs, newest first (default 20).")]
    [DefaultValue(20)]
    public int Limit { get; set; } = 20;

    [CommandOption("-c|--connection <NAME>")]
    [Description("Only the runs on this connection.")]
    public string? Connection { get; set; }

    [CommandOption("-a|--action <ACTION>")]
    [Description("Only the runs of this action.")]
    public string? Action { get; set; }
}

/// <summary><c>entrada runs list</c>: recent runs from every edge (the CLI, the API and the pages).</summary>
internal sealed class RunsListCommand(RunService runs, CliOutput output) : AsyncCommand<RunListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunListSettings settings, CancellationToken cancellationToken)
    {
        var list = await runs.ListAsync(settings.Connection, settings.Action, Math.Clamp(settings.Limit, 1, 1000), cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(list.Select(RunSummary.From));
            return ExitCodes.Success;
        }

        if (list.Count == 0)
        {
            output.Line("No runs yet. Run an action with 'entrada run ACTION --connection NAME'.");
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Run").AddColumn("Action").AddColumn("Connection").AddColumn("Status").AddColumn("Via").AddColumn("Items").AddColumn("Started (UTC)").AddColumn("Job");
        foreach (var r in list)
        {
            table.AddRow(
                r.Id,
                Markup.Escape(r.Action) + (r.DryRun ? " (dry run)" : string.Empty),
                Markup.Escape(r.Connection),
                r.Status.ToWire(),
                r.Interface.ToWire(),
                r.ItemCount > 0 ? r.ItemCount.ToString(CultureInfo.InvariantCulture) : string.Empty,
                r.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                r.JobId ?? string.Empty);
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada runs show ID</c>: one run, with its output (secret-looking fields masked).</summary>
internal sealed class RunsShowCommand(RunService runs, CliOutput output) : AsyncCommand<RunIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunIdSettings settings, CancellationToken cancellationToken)
    {
        var run = await runs.GetAsync(settings.Id, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(RunSummary.From(run) with { Output = run.Output });
            return ExitCodes.Success;
        }

        output.WriteProperties(JsonSerializer.SerializeToNode(RunSummary.From(run), CliOutput.Json));
        if (run.Output is not null)
        {
            output.Line("[bold]Output[/]");
            if (run.Output is System.Text.Json.Nodes.JsonArray items)
            {
                output.WriteRows([.. items]);
            }
            else
            {
                output.WriteProperties(run.Output);
            }
        }

        return ExitCodes.Success;
    }
}

/// <summary><c>entrada runs cancel ID</c>: stops a run; a bulk run of another process stops at its job's next checkpoint.</summary>
internal sealed class RunsCancelCommand(RunService runs, CliOutput output) : AsyncCommand<RunIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunIdSettings settings, CancellationToken cancellationToken)
    {
        var run = await runs.CancelAsync(settings.Id, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(RunSummary.From(run));
        }
        else
        {
            output.Success(run.Status == RunStatus.Running
                ? $"Run {run.Id} will stop at its job's next checkpoint (job {run.JobId})."
                : $"Run {run.Id} is {run.Status.ToWire()}.");
        }

        return ExitCodes.Success;
    }
}

/// <summary>A run as the CLI shows it.</summary>
internal sealed record RunSummary(
    string Id,
    string Action,
    string Connection,
    RunStatus Status,
    bool DryRun,
    CallerInterface Interface,
    string? Actor,
    long ItemCount,
    string? JobId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    long? DurationMs,
    string? Problem)
{
    public System.Text.Json.Nodes.JsonNode? Output { get; init; }

    public static RunSummary From(RunRecord r) => new(
        r.Id, r.Action, r.Connection, r.Status, r.DryRun, r.Interface, r.Actor, r.ItemCount, r.JobId, r.CreatedAt, r.FinishedAt, r.DurationMs,
        r.Problem is { } p ? (CliErrors.HintOf(p.Next) is { } hint ? $"{p.Detail} {hint}" : p.Detail) : null);
}
