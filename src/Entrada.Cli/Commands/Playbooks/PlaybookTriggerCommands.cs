using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Playbooks;
using Entrada.Core.Playbooks.Triggers;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Playbooks;

internal sealed class PlaybookScheduleAddSettings : CliSettings
{
    [CommandArgument(0, "<PLAYBOOK>")]
    [Description("The playbook the schedule starts.")]
    public string Playbook { get; set; } = string.Empty;

    [CommandOption("-c|--connection <NAME>")]
    [Description("The connection the schedule's runs use.")]
    public string? Connection { get; set; }

    [CommandOption("--cron <EXPR>")]
    [Description("When: 5 fields (minute hour day-of-month month day-of-week, e.g. \"0 7 * * 1-5\") or Quartz's 6 or 7 with seconds first.")]
    public string? Cron { get; set; }

    [CommandOption("--time-zone <TZ>")]
    [Description("The time zone the expression is read in (IANA id, e.g. Europe/Berlin); UTC when absent.")]
    public string? TimeZone { get; set; }

    [CommandOption("-i|--input <JSON>")]
    [Description("The playbook's inputs: values, or templates over schedule (id, scheduledAt, firedAt); @file or - also work.")]
    public string? Input { get; set; }

    [CommandOption("-s|--set <KEY=VALUE>")]
    [Description("Set one input (repeatable); KEY=a,b for a list.")]
    public string[] Set { get; set; } = [];
}

internal sealed class PlaybookWatchAddSettings : CliSettings
{
    [CommandArgument(0, "<PLAYBOOK>")]
    [Description("The playbook the watch starts for each new item.")]
    public string Playbook { get; set; } = string.Empty;

    [CommandOption("-c|--connection <NAME>")]
    [Description("The connection the watch polls and runs on.")]
    public string? Connection { get; set; }

    [CommandOption("--action <ACTION>")]
    [Description("The list action polled, e.g. risky-users.list.")]
    public string? Action { get; set; }

    [CommandOption("-i|--input <JSON>")]
    [Description("The list action's input as JSON, e.g. {\"filter\":\"riskLevel eq 'high'\"}; @file or - also work.")]
    public string? Input { get; set; }

    [CommandOption("-s|--set <KEY=VALUE>")]
    [Description("Set one field of the list action's input (repeatable).")]
    public string[] Set { get; set; } = [];

    [CommandOption("--every <DURATION>")]
    [Description("The interval between polls: 30s, 5m, 1h, or ISO 8601 (PT5M).")]
    public string? Every { get; set; }

    [CommandOption("--map <JSON>")]
    [Description("The playbook's inputs as templates over the new item, e.g. {\"userIds\":\"${{ [item.id] }}\"}.")]
    public string? Map { get; set; }

    [CommandOption("--key <EXPR>")]
    [Description("The JMESPath expression over the item that identifies it, e.g. id or userPrincipalName; id when absent.")]
    public string? Key { get; set; }

    [CommandOption("--first-poll <MODE>")]
    [Description("What the first poll does with the items already there: baseline (record them, start nothing; the default) or handle (start a run for each).")]
    [DefaultValue("baseline")]
    public string FirstPoll { get; set; } = "baseline";

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful)
        {
            return baseResult;
        }

        return FirstPoll.ToLowerInvariant() is "baseline" or "handle"
            ? ValidationResult.Success()
            : ValidationResult.Error($"--first-poll is baseline or handle, not '{FirstPoll}'.");
    }
}

internal sealed class PlaybookTriggerListSettings : CliSettings
{
    [CommandArgument(0, "[PLAYBOOK]")]
    [Description("Only this playbook's.")]
    public string? Playbook { get; set; }
}

internal sealed class PlaybookTriggerIdSettings : CliSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The schedule's (sch_…) or watch's (wat_…) id.")]
    public string Id { get; set; } = string.Empty;
}

/// <summary>The trigger commands' durations (--every).</summary>
internal static class TriggerOptions
{
    /// <summary>30s, 5m, 2h, 1d, a number of seconds, or ISO 8601 (PT5M).</summary>
    public static TimeSpan Duration(string? text)
    {
        var value = text?.Trim() ?? string.Empty;
        if (value.Length > 1 && char.IsAsciiLetter(value[^1]) && !value.StartsWith('P') &&
            double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0 && amount < 1e6)
        {
            switch (char.ToLowerInvariant(value[^1]))
            {
                case 's': return TimeSpan.FromSeconds(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'd': return TimeSpan.FromDays(amount);
            }
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < 1e6)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        try
        {
            return value.StartsWith('P') ? System.Xml.XmlConvert.ToTimeSpan(value) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new EntradaValidationException("--every", $"--every '{text}' is not a duration; give 30s, 5m, 1h or ISO 8601 such as PT5M.");
        }
    }
}

/// <summary><c>entrada playbooks schedules add PLAYBOOK -c C --cron EXPR [--time-zone TZ] [--input …|--set k=v]</c></summary>
internal sealed class PlaybookSchedulesAddCommand(PlaybookScheduleService schedules, PlaybookService playbooks, CliOutput output) : AsyncCommand<PlaybookScheduleAddSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookScheduleAddSettings settings, CancellationToken cancellationToken)
    {
        var playbook = playbooks.Get(settings.Playbook);
        var input = JsonOptions.Object("--input", settings.Input, output.Consoles.In, "a JSON object of the playbook's inputs");
        JsonOptions.Set(input, settings.Set, playbook.InputSchema()["properties"] as JsonObject, playbook.Id, "input", "inputs");
        var schedule = await schedules.CreateAsync(playbook.Id, settings.Connection, settings.Cron, settings.TimeZone, input, Caller.Cli(), cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(schedule);
        }
        else
        {
            output.Success($"Schedule {schedule.Id} starts '{schedule.Playbook}' on '{schedule.Connection}' at '{schedule.Cron}' ({schedule.TimeZone}); next at {Display(schedule.NextFireAt)}.");
            output.Line("It fires only while 'entrada serve' runs on this ENTRADA_HOME; a time missed while it was down is made up once when it starts.");
        }

        return ExitCodes.Success;
    }

    internal static string Display(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) ?? "never";
}

/// <summary><c>entrada playbooks schedules list [PLAYBOOK]</c></summary>
internal sealed class PlaybookSchedulesListCommand(PlaybookScheduleService schedules, CliOutput output) : AsyncCommand<PlaybookTriggerListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookTriggerListSettings settings, CancellationToken cancellationToken)
    {
        var list = await schedules.ListAsync(settings.Playbook, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(list);
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Schedule").AddColumn("Playbook").AddColumn("Connection").AddColumn("Cron").AddColumn("Time zone").AddColumn("Inputs").AddColumn("Next");
        foreach (var s in list)
        {
            table.AddRow(s.Id, Markup.Escape(s.Playbook), Markup.Escape(s.Connection), Markup.Escape(s.Cron), Markup.Escape(s.TimeZone), Markup.Escape(s.Input.ToJsonString()), PlaybookSchedulesAddCommand.Display(s.NextFireAt));
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks schedules remove ID</c></summary>
internal sealed class PlaybookSchedulesRemoveCommand(PlaybookScheduleService schedules, CliOutput output) : AsyncCommand<PlaybookTriggerIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookTriggerIdSettings settings, CancellationToken cancellationToken)
    {
        await schedules.DeleteAsync(settings.Id, Caller.Cli(), cancellationToken);
        output.Success($"Schedule {settings.Id} removed; it does not fire again.");
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks watches add PLAYBOOK -c C --action LIST --set k=v --every 5m --map TEMPLATES [--key EXPR] [--first-poll baseline|handle]</c></summary>
internal sealed class PlaybookWatchesAddCommand(PlaybookWatchService watches, PlaybookService playbooks, ActionCatalog catalog, CliOutput output) : AsyncCommand<PlaybookWatchAddSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookWatchAddSettings settings, CancellationToken cancellationToken)
    {
        var playbook = playbooks.Get(settings.Playbook);
        if (string.IsNullOrWhiteSpace(settings.Action))
        {
            throw new EntradaValidationException("--action", "Name the list action the watch polls with --action, e.g. --action risky-users.list.");
        }

        var descriptor = catalog.Get(settings.Action.Trim()).Descriptor;
        var actionInput = JsonOptions.Object("--input", settings.Input, output.Consoles.In, "a JSON object of the list action's input");
        JsonOptions.Set(actionInput, settings.Set, ActionInput.SchemaOf(descriptor.InputType)["properties"] as JsonObject, descriptor.Id, "input field", "fields");
        var every = settings.Every is null ? throw new EntradaValidationException("--every", "Give the interval between polls with --every, e.g. --every 5m.") : TriggerOptions.Duration(settings.Every);
        var map = JsonOptions.Object("--map", settings.Map ?? throw new EntradaValidationException("--map", "Give the playbook's inputs as templates over the item with --map, e.g. --map '{\"userIds\":\"${{ [item.id] }}\"}'."), output.Consoles.In, "a JSON object of the playbook's inputs as templates over the item");
        var firstPoll = settings.FirstPoll.Equals("handle", StringComparison.OrdinalIgnoreCase) ? WatchFirstPoll.Handle : WatchFirstPoll.Baseline;
        var watch = await watches.CreateAsync(playbook.Id, settings.Connection, descriptor.Id, actionInput, every, map, settings.Key, firstPoll, Caller.Cli(), cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(watch);
        }
        else
        {
            output.Success($"Watch {watch.Id} polls {watch.Action} on '{watch.Connection}' every {watch.EverySeconds} s and starts '{watch.Playbook}' once for each new item (key {watch.Key}).");
            output.Line(watch.FirstPoll == WatchFirstPoll.Baseline
                ? "Its first poll records the items already there and starts nothing for them. It polls only while 'entrada serve' runs on this ENTRADA_HOME."
                : "Its first poll starts a run for each item already there. It polls only while 'entrada serve' runs on this ENTRADA_HOME.");
        }

        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks watches list [PLAYBOOK]</c></summary>
internal sealed class PlaybookWatchesListCommand(PlaybookWatchService watches, CliOutput output) : AsyncCommand<PlaybookTriggerListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookTriggerListSettings settings, CancellationToken cancellationToken)
    {
        var list = await watches.ListAsync(settings.Playbook, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(list);
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Watch").AddColumn("Playbook").AddColumn("Connection").AddColumn("Polls").AddColumn("Every").AddColumn("Map").AddColumn("Started / seen").AddColumn("Last poll (UTC)");
        foreach (var w in list)
        {
            table.AddRow(
                w.Id, Markup.Escape(w.Playbook), Markup.Escape(w.Connection), Markup.Escape($"{w.Action} {w.ActionInput.ToJsonString()}"), $"{w.EverySeconds} s", Markup.Escape(w.Map.ToJsonString()),
                $"{w.Started} / {w.Seen}", Markup.Escape(w.PollError is null ? PlaybookSchedulesAddCommand.Display(w.PolledAt) : "failed: " + w.PollError));
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks watches remove ID</c></summary>
internal sealed class PlaybookWatchesRemoveCommand(PlaybookWatchService watches, CliOutput output) : AsyncCommand<PlaybookTriggerIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookTriggerIdSettings settings, CancellationToken cancellationToken)
    {
        await watches.DeleteAsync(settings.Id, Caller.Cli(), cancellationToken);
        output.Success($"Watch {settings.Id} removed with its record of the items it had seen.");
        return ExitCodes.Success;
    }
}
