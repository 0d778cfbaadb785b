using System.ComponentModel;
using System.Text.Json;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Jobs;
using Entrada.Core.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Jobs;

internal sealed class JobSettings : CliSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The job's id (see 'entrada jobs list').")]
    public string Id { get; set; } = string.Empty;
}

internal sealed class JobListSettings : CliSettings
{
    [CommandOption("-n|--limit <N>")]
    [Description("How many jobs, newest first (default 20).")]
    [DefaultValue(20)]
    public int Limit { get; set; } = 20;
}

/// <summary><c>entrada jobs list</c></summary>
internal sealed class JobsListCommand(JobStore jobs, CliOutput output) : AsyncCommand<JobListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobListSettings settings, CancellationToken cancellationToken)
    {
        var list = await jobs.ListAsync(Math.Clamp(settings.Limit, 1, 1000), cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(list.Select(JobSummary.From));
            return ExitCodes.Success;
        }

        if (list.Count == 0)
        {
            output.Line("No jobs yet. Bulk actions (users.disable, groups.members.add …) run as durable jobs.");
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Job").AddColumn("Action").AddColumn("Connection").AddColumn("Status").AddColumn("Done").AddColumn("Unchanged").AddColumn("Failed").AddColumn("Pending").AddColumn("Started (UTC)");
        foreach (var j in list)
        {
            table.AddRow(j.Id, Markup.Escape(j.Action), Markup.Escape(j.Connection), j.Status.ToWire(), $"{j.Done}", $"{j.Unchanged}", $"{j.Failed}", $"{j.Total - j.Finished}", j.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada jobs show ID</c>: the job and each item's state.</summary>
internal sealed class JobsShowCommand(JobStore jobs, CliOutput output) : AsyncCommand<JobSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobSettings settings, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(settings.Id, cancellationToken);
        var items = await jobs.ItemsAsync(job.Id, null, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(new { job = JobSummary.From(job), items });
            return ExitCodes.Success;
        }

        output.WriteProperties(JsonSerializer.SerializeToNode(JobSummary.From(job), CliOutput.Json));
        var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("Item").AddColumn("State").AddColumn("Message");
        foreach (var item in items.Take(200))
        {
            table.AddRow($"{item.Index}", Markup.Escape(item.Item), item.State.ToWire(), Markup.Escape(item.Message ?? string.Empty));
        }

        output.Write(table);
        if (items.Count > 200)
        {
            output.Line($"[grey]… {items.Count - 200} more; see --output json for all.[/]");
        }

        return ExitCodes.Success;
    }
}

/// <summary><c>entrada jobs resume ID</c>: finishes exactly the items still pending.</summary>
internal sealed class JobsResumeCommand(RunService runs, JobStore jobs, CliOutput output) : AsyncCommand<JobSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobSettings settings, CancellationToken cancellationToken)
    {
        using var progress = output.StartProgress();
        var result = (await runs.ResumeJobAsync(settings.Id, Caller.Cli(), new RunObserver { Progress = progress }, cancellationToken)).Result;
        progress.Dispose();
        var job = await jobs.GetAsync(settings.Id, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(new { job = JobSummary.From(job), result = result.Value });
        }
        else
        {
            output.Success($"Job {job.Id} {job.Status.ToWire()}: {job.Done} done, {job.Unchanged} unchanged, {job.Failed} failed of {job.Total}.");
        }

        return ExitCodes.Success;
    }
}

/// <summary><c>entrada jobs cancel ID</c></summary>
internal sealed class JobsCancelCommand(JobStore jobs, CliOutput output) : AsyncCommand<JobSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, JobSettings settings, CancellationToken cancellationToken)
    {
        var job = await jobs.RequestCancelAsync(settings.Id, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(JobSummary.From(job));
        }
        else
        {
            output.Success(job.Status == JobStatus.Cancelled
                ? $"Job {job.Id} cancelled; {job.Finished} of {job.Total} items had finished. Resume it with 'entrada jobs resume {job.Id}'."
                : $"Job {job.Id} will stop at its next checkpoint.");
        }

        return ExitCodes.Success;
    }
}
