using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Diagnostics;
using Entrada.Core.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands;

/// <summary>
/// What every command that runs something on a connection takes — <c>entrada run</c> and
/// <c>entrada playbooks run</c>: the connection, the input (<c>--input</c>, <c>--set</c>, read by
/// <see cref="JsonOptions"/>) and <c>--dry-run</c>.
/// </summary>
internal abstract class RunInputSettings : CliSettings
{
    [CommandOption("-c|--connection <NAME>")]
    [Description("The connection to run on.")]
    public string? Connection { get; set; }

    [CommandOption("-i|--input <JSON>")]
    [Description("The input: JSON text, @file to read a file, or - to read standard input.")]
    public string? Input { get; set; }

    [CommandOption("-s|--set <KEY=VALUE>")]
    [Description("Set one input field (repeatable); KEY=a,b for a list.")]
    public string[] Set { get; set; } = [];

    [CommandOption("--dry-run")]
    [Description("Send no change: run only the reads, and print the exact requests of every write.")]
    public bool DryRun { get; set; }

    public override ValidationResult Validate()
    {
        var baseResult = base.Validate();
        if (!baseResult.Successful)
        {
            return baseResult;
        }

        return string.IsNullOrWhiteSpace(Connection)
            ? ValidationResult.Error("Name the connection to run on with --connection NAME (see 'entrada connections list').")
            : ValidationResult.Success();
    }
}

internal sealed class RunSettings : RunInputSettings
{
    [CommandArgument(0, "<ACTION>")]
    [Description("The action's id, e.g. users.list (see 'entrada actions list').")]
    public string Action { get; set; } = string.Empty;

    protected override IReadOnlyList<string> OutputFormats => ["table", "json", "ndjson"];
}

/// <summary><c>entrada run ACTION --connection NAME …</c></summary>
internal sealed class RunCommand(ActionCatalog catalog, RunService runs, CliOutput output) : AsyncCommand<RunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        StartupTimeline.Mark("run command executing");
        var action = catalog.Get(settings.Action);
        var input = BuildInput(action.Descriptor, settings, output.Consoles.In);
        var rows = new List<JsonNode?>();
        var first = true;
        var ndjson = settings.Output == "ndjson";
        async ValueTask OnItem(object? item, CancellationToken ct)
        {
            // Each item is written (and flushed) as it arrives, so a pipe sees it at once. JSON is
            // serialised straight to its text (the same text as through a JsonNode, without the
            // node: a listing of thousands pays for it per item).
            if (ndjson)
            {
                await output.Consoles.WriteOutAsync(JsonSerializer.Serialize(item, CliOutput.JsonLine) + Environment.NewLine, ct);
            }
            else if (settings.Json)
            {
                await output.Consoles.WriteOutAsync((first ? "[\n  " : ",\n  ") + JsonSerializer.Serialize(item, CliOutput.JsonLine), ct);
            }
            else
            {
                rows.Add(JsonSerializer.SerializeToNode(item, CliOutput.JsonLine));
            }

            first = false;
        }

        using var progress = output.StartProgress();

        var outcome = await runs.RunAsync(
            new RunRequest(action.Descriptor.Id, settings.Connection, input, settings.DryRun),
            Caller.Cli(),
            new RunObserver { Progress = progress, OnItem = action.Descriptor.IsList ? OnItem : null },
            cancellationToken);
        var result = outcome.Result;

        progress.Dispose();
        if (result.DryRun)
        {
            WritePlan(result, settings);
            return ExitCodes.Success;
        }

        if (result.JobId is not null && !settings.Json && !ndjson)
        {
            output.Console.MarkupLine($"[grey]Job {result.JobId} (see 'entrada jobs show {result.JobId}')[/]");
        }

        if (action.Descriptor.IsList)
        {
            if (settings.Json)
            {
                output.Consoles.WriteOutLine(first ? "[]" : "\n]");
            }
            else if (!ndjson)
            {
                output.WriteRows(rows);
            }

            return ExitCodes.Success;
        }

        var value = JsonSerializer.SerializeToNode(result.Value, CliOutput.Json);
        if (settings.Json || ndjson)
        {
            output.Consoles.WriteOutLine(value?.ToJsonString(ndjson ? CliOutput.JsonLine : CliOutput.Json) ?? string.Empty);
        }
        else
        {
            output.WriteProperties(value);
        }

        return ExitCodes.Success;
    }

    private void WritePlan(ActionRunResult result, RunSettings settings)
    {
        if (settings.Json || settings.Output == "ndjson")
        {
            output.WriteJson(new { dryRun = true, requests = result.PlannedRequests });
            return;
        }

        output.Console.MarkupLine($"[yellow]Dry run of {Markup.Escape(result.Action.Id)}: nothing was sent. It would send {result.PlannedRequests.Count} request(s):[/]");
        foreach (var request in result.PlannedRequests)
        {
            output.Console.WriteLine($"{request.Method} {request.Target}");
            if (request.Body is not null)
            {
                output.Console.WriteLine(request.Body.ToJsonString(CliOutput.Json));
            }
        }
    }

    /// <summary>Merges --input and --set into one JSON object, typing --set values by the input's schema.</summary>
    internal static JsonObject BuildInput(ActionDescriptor descriptor, RunSettings settings, TextReader standardInput)
    {
        var input = JsonOptions.Object("--input", settings.Input, standardInput, $"a JSON object, such as {descriptor.Example?.ToJsonString() ?? "{}"}");
        JsonOptions.Set(input, settings.Set, ActionInput.SchemaOf(descriptor.InputType)["properties"] as JsonObject, descriptor.Id, "input field", "fields");
        return input;
    }
}
