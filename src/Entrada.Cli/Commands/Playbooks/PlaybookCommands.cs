using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Playbooks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Playbooks;

internal sealed class PlaybookNameSettings : CliSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The playbook's id (see 'entrada playbooks list') or the path of its YAML file.")]
    public string Name { get; set; } = string.Empty;

    [CommandOption("-c|--connection <NAME>")]
    [Description("Also test this connection and show whether every step can run on it.")]
    public string? Connection { get; set; }
}

internal sealed class PlaybookFileSettings : CliSettings
{
    [CommandArgument(0, "<FILE>")]
    [Description("The playbook's YAML file.")]
    public string File { get; set; } = string.Empty;
}

internal sealed class PlaybookRunSettings : RunInputSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The playbook's id (see 'entrada playbooks list') or the path of its YAML file.")]
    public string Name { get; set; } = string.Empty;
}

internal sealed class PlaybookRunIdSettings : CliSettings
{
    [CommandArgument(0, "<RUN>")]
    [Description("The playbook run's id (pbr_…, see 'entrada playbooks runs').")]
    public string Run { get; set; } = string.Empty;
}

internal sealed class PlaybookRejectSettings : CliSettings
{
    [CommandArgument(0, "<RUN>")]
    [Description("The playbook run's id (pbr_…).")]
    public string Run { get; set; } = string.Empty;

    [CommandOption("--reason <TEXT>")]
    [Description("Why, for the audit log.")]
    public string? Reason { get; set; }
}

internal sealed class PlaybookRunsSettings : CliSettings
{
    [CommandOption("--playbook <ID>")]
    [Description("Only runs of this playbook.")]
    public string? Playbook { get; set; }

    [CommandOption("-n|--limit <N>")]
    [Description("How many runs, newest first (default 20).")]
    [DefaultValue(20)]
    public int Limit { get; set; } = 20;
}

/// <summary><c>entrada playbooks list</c></summary>
internal sealed class PlaybooksListCommand(PlaybookService playbooks, CliOutput output) : Command<CliSettings>
{
    public override int Execute(CommandContext context, CliSettings settings, CancellationToken cancellationToken)
    {
        var all = playbooks.List();
        if (settings.Json)
        {
            output.WriteJson(all.Select(v => new
            {
                id = v.Definition?.Id,
                description = v.Definition?.Description,
                builtIn = v.Definition?.BuiltIn ?? false,
                steps = v.Definition?.Steps.Count ?? 0,
                valid = v.IsValid,
                problems = v.Problems.Select(p => p.ToString()),
            }));
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Playbook").AddColumn("Steps").AddColumn("Source").AddColumn("What it does");
        foreach (var v in all)
        {
            table.AddRow(
                Markup.Escape(v.Definition?.Id ?? "?"),
                $"{v.Definition?.Steps.Count ?? 0}",
                v.Definition?.BuiltIn == true ? "built-in" : "file",
                v.IsValid ? Markup.Escape(v.Definition!.Description) : $"[red]not valid:[/] {Markup.Escape(v.Problems.FirstOrDefault()?.ToString() ?? string.Empty)}");
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks show NAME [--connection C]</c></summary>
internal sealed class PlaybooksShowCommand(PlaybookService playbooks, CliOutput output) : AsyncCommand<PlaybookNameSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookNameSettings settings, CancellationToken cancellationToken)
    {
        var playbook = playbooks.Get(settings.Name);
        var readiness = settings.Connection is null ? null : await playbooks.ReadinessAsync(settings.Name, settings.Connection, Caller.Cli(), cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(new
            {
                id = playbook.Id,
                description = playbook.Description,
                builtIn = playbook.BuiltIn,
                inputSchema = playbook.InputSchema(),
                steps = playbook.Steps.Select(s => new { s.Id, s.Action, s.Description, s.When, s.Foreach, s.Connection, s.ContinueOnError, approval = s.ApprovalRequired ? "required" : null, input = s.Input }),
                readiness,
            });
            return readiness is { Ready: false } ? ExitCodes.PermissionMissing : ExitCodes.Success;
        }

        output.Line($"[bold]{Markup.Escape(playbook.Id)}[/]: {Markup.Escape(playbook.Description)}");
        var inputs = new Table().Border(TableBorder.Rounded).AddColumn("Input").AddColumn("Type").AddColumn("Default").AddColumn("Description");
        foreach (var input in playbook.Inputs)
        {
            var type = input.Schema["type"]!.GetValue<string>() + (input.Schema["items"]?["type"] is { } items ? $" of {items.GetValue<string>()}" : string.Empty);
            inputs.AddRow(Markup.Escape(input.Name + (input.Required ? " (required)" : string.Empty)), type, Markup.Escape(input.Schema["default"]?.ToJsonString() ?? string.Empty), Markup.Escape(input.Schema["description"]?.GetValue<string>() ?? string.Empty));
        }

        output.Write(inputs);
        var steps = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("Step").AddColumn("Action").AddColumn("Runs");
        if (readiness is not null)
        {
            steps.AddColumn("Ready");
        }

        for (var i = 0; i < playbook.Steps.Count; i++)
        {
            var s = playbook.Steps[i];
            var runs = string.Join("; ", new[]
            {
                s.When is null ? null : $"when {s.When}",
                s.Foreach is null ? null : $"for each of {s.Foreach}",
                s.ApprovalRequired ? "after approval" : null,
                s.ContinueOnError ? "continues on error" : null,
                s.Connection is null ? null : $"on {s.Connection}",
            }.OfType<string>());
            var row = new List<string> { $"{i + 1}", Markup.Escape(s.Id), Markup.Escape(s.Action), Markup.Escape(runs) };
            if (readiness is not null)
            {
                var r = readiness.Steps[i];
                row.Add(r.OwnConnection ? "its own connection" : r.Ready ? "yes" : $"[red]no[/]: {Markup.Escape(r.Reason ?? string.Empty)}");
            }

            steps.AddRow([.. row]);
        }

        output.Write(steps);
        if (readiness is not null)
        {
            if (readiness.Ready)
            {
                output.Success($"Every step can run on '{readiness.Connection}'.");
            }
            else
            {
                output.Warning(readiness.Missing.Count > 0
                    ? $"'{readiness.Connection}' is missing {string.Join(", ", readiness.Missing)} (the least-privileged permissions); grant them, then test the connection again."
                    : $"Not every step can run on '{readiness.Connection}'.");
                return ExitCodes.PermissionMissing;
            }
        }

        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks validate FILE</c></summary>
internal sealed class PlaybooksValidateCommand(PlaybookService playbooks, CliOutput output) : Command<PlaybookFileSettings>
{
    public override int Execute(CommandContext context, PlaybookFileSettings settings, CancellationToken cancellationToken)
    {
        var yaml = JsonOptions.ReadFile(settings.File, "FILE");
        var validation = playbooks.Validate(yaml);
        if (settings.Json)
        {
            output.WriteJson(new { file = settings.File, valid = validation.IsValid, id = validation.Definition?.Id, problems = validation.Problems });
        }
        else if (validation.IsValid)
        {
            output.Success($"{settings.File}: playbook '{validation.Definition!.Id}' is valid ({validation.Definition.Steps.Count} step(s)).");
        }
        else
        {
            foreach (var problem in validation.Problems)
            {
                output.Consoles.WriteOutLine($"{settings.File}:{problem.Line}:{problem.Column}: {problem.Path}: {problem.Message}");
            }

            output.Error($"error: {settings.File} has {validation.Problems.Count} problem(s).");
        }

        return validation.IsValid ? ExitCodes.Success : ExitCodes.InvalidInput;
    }
}

/// <summary><c>entrada playbooks run NAME --connection C …</c></summary>
internal sealed class PlaybooksRunCommand(PlaybookService playbooks, CliOutput output) : AsyncCommand<PlaybookRunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookRunSettings settings, CancellationToken cancellationToken)
    {
        var playbook = playbooks.Get(settings.Name);
        var input = BuildInput(playbook, settings, output.Consoles.In);
        var outcome = await playbooks.RunAsync(new PlaybookRunRequest(settings.Name, settings.Connection, input, settings.DryRun), Caller.Cli(), cancellationToken);
        return PlaybookRendering.Render(output, outcome.Record, outcome.Outputs, settings.Json);
    }

    internal static JsonObject BuildInput(PlaybookDefinition playbook, PlaybookRunSettings settings, TextReader standardInput)
    {
        var input = JsonOptions.Object("--input", settings.Input, standardInput, "a JSON object of the playbook's inputs");
        JsonOptions.Set(input, settings.Set, playbook.InputSchema()["properties"] as JsonObject, playbook.Id, "input", "inputs");
        return input;
    }
}

/// <summary><c>entrada playbooks runs</c></summary>
internal sealed class PlaybooksRunsCommand(PlaybookService playbooks, CliOutput output) : AsyncCommand<PlaybookRunsSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookRunsSettings settings, CancellationToken cancellationToken)
    {
        var runs = await playbooks.ListRunsAsync(settings.Playbook, settings.Limit, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(runs.Select(r => new { r.Id, r.Playbook, r.Connection, status = r.Status, r.DryRun, r.Interface, r.Actor, r.CreatedAt, r.FinishedAt, r.Error }));
            return ExitCodes.Success;
        }

        if (runs.Count == 0)
        {
            output.Line("No playbook runs yet. Start one with 'entrada playbooks run NAME --connection C'.");
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Run").AddColumn("Playbook").AddColumn("Connection").AddColumn("Status").AddColumn("Dry run").AddColumn("Started (UTC)");
        foreach (var r in runs)
        {
            table.AddRow(r.Id, Markup.Escape(r.Playbook), Markup.Escape(r.Connection), r.Status.ToWire(), r.DryRun ? "yes" : "no", r.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks status RUN</c>: the run's steps as a timeline.</summary>
internal sealed class PlaybooksStatusCommand(PlaybookService playbooks, CliOutput output) : AsyncCommand<PlaybookRunIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookRunIdSettings settings, CancellationToken cancellationToken)
    {
        var run = await playbooks.GetRunAsync(settings.Run, cancellationToken);
        PlaybookRendering.Render(output, run, new Dictionary<string, JsonNode?>(), settings.Json);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks resume RUN</c>: go on from the checkpoints of an interrupted, failed or cancelled run.</summary>
internal sealed class PlaybooksResumeCommand(PlaybookService playbooks, CliOutput output) : AsyncCommand<PlaybookRunIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookRunIdSettings settings, CancellationToken cancellationToken)
    {
        var outcome = await playbooks.ResumeAsync(settings.Run, Caller.Cli(), cancellationToken);
        return PlaybookRendering.Render(output, outcome.Record, outcome.Outputs, settings.Json);
    }
}

/// <summary><c>entrada playbooks approve RUN</c>: approve the step it waits on, and run on.</summary>
internal sealed class PlaybooksApproveCommand(PlaybookService playbooks, CliOutput output) : AsyncCommand<PlaybookRunIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookRunIdSettings settings, CancellationToken cancellationToken)
    {
        var outcome = await playbooks.ApproveAsync(settings.Run, Caller.Cli(), cancellationToken);
        return PlaybookRendering.Render(output, outcome.Record, outcome.Outputs, settings.Json);
    }
}

/// <summary><c>entrada playbooks reject RUN</c>: the run ends at the step it waits on.</summary>
internal sealed class PlaybooksRejectCommand(PlaybookService playbooks, CliOutput output) : AsyncCommand<PlaybookRejectSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookRejectSettings settings, CancellationToken cancellationToken)
    {
        var run = await playbooks.RejectAsync(settings.Run, Caller.Cli(), settings.Reason, cancellationToken);
        return PlaybookRendering.Render(output, run, new Dictionary<string, JsonNode?>(), settings.Json);
    }
}

/// <summary>How the CLI shows a playbook run: its steps as a timeline, and the exit code of its state.</summary>
internal static class PlaybookRendering
{
    public static int Render(CliOutput output, PlaybookRunRecord run, IReadOnlyDictionary<string, JsonNode?> outputs, bool json)
    {
        if (json)
        {
            var node = JsonSerializer.SerializeToNode(run, CliOutput.Json)!.AsObject();
            // This call's own outputs are shown once, as they came (a Temporary Access Pass, a temporary password).
            if (node["steps"] is JsonArray steps)
            {
                foreach (var step in steps.OfType<JsonObject>())
                {
                    if (step["id"]?.GetValue<string>() is { } id && outputs.TryGetValue(id, out var live))
                    {
                        step["output"] = live?.DeepClone();
                    }

                    step.Remove("parts");
                }
            }

            output.WriteJson(node);
        }
        else
        {
            output.Line($"Playbook run [bold]{run.Id}[/] of {Markup.Escape(run.Playbook)} on {Markup.Escape(run.Connection)}{(run.DryRun ? " (dry run: nothing was changed)" : string.Empty)}: [bold]{run.Status.ToWire()}[/]");
            var table = new Table().Border(TableBorder.Rounded).AddColumn("#").AddColumn("Step").AddColumn("Action").AddColumn("Status").AddColumn("Done").AddColumn("Unchanged").AddColumn("Failed").AddColumn("Note");
            for (var i = 0; i < run.Steps.Count; i++)
            {
                var s = run.Steps[i];
                var note = s.Error ?? (s.Decision is null ? null : $"{s.Decision}{(s.DecidedBy is null ? string.Empty : $" by {s.DecidedBy}")}");
                table.AddRow($"{i + 1}", Markup.Escape(s.Id), Markup.Escape(s.Action), s.Status.ToWire(), $"{s.Done}", $"{s.Unchanged}", $"{s.Failed}", Markup.Escape(note ?? string.Empty));
            }

            output.Write(table);
            foreach (var (id, value) in outputs)
            {
                if (value is null)
                {
                    continue;
                }

                var text = value.ToJsonString(CliOutput.JsonLine);
                if (run.DryRun && value is JsonObject { } plan && plan["requests"] is JsonArray requests)
                {
                    output.Line($"[bold]{Markup.Escape(id)}[/] would send {requests.Count} request(s):");
                    foreach (var request in requests.OfType<JsonObject>().Take(20))
                    {
                        output.Consoles.WriteOutLine($"  {request["method"]} {request["target"]} {request["body"]?.ToJsonString(CliOutput.JsonLine)}");
                    }
                }
                else if (text.Length <= 4000)
                {
                    output.Line($"[bold]{Markup.Escape(id)}[/]:");
                    output.Consoles.WriteOutLine("  " + text);
                }
                else
                {
                    output.Line($"[bold]{Markup.Escape(id)}[/]: {text.Length:N0} characters of output; see --output json.");
                }
            }

            switch (run.Status)
            {
                case PlaybookRunStatus.AwaitingApproval:
                    var waiting = run.Steps.First(s => s.Status == PlaybookStepStatus.AwaitingApproval);
                    output.Warning($"The run waits for approval of step '{waiting.Id}' ({waiting.Action}). Approve it with 'entrada playbooks approve {run.Id}' or reject it with 'entrada playbooks reject {run.Id}'.");
                    break;
                case PlaybookRunStatus.Failed:
                    output.Error($"error: {run.Error} Resume it with 'entrada playbooks resume {run.Id}'.");
                    break;
                case PlaybookRunStatus.Rejected:
                    output.Line(Markup.Escape(run.Error ?? "Rejected."));
                    break;
            }
        }

        return run.Status == PlaybookRunStatus.Failed ? ExitCodes.RemoteFailure : ExitCodes.Success;
    }
}
