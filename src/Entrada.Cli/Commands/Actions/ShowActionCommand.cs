using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Actions;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Actions;

internal sealed class ShowActionSettings : CliSettings
{
    [CommandArgument(0, "<ACTION>")]
    [Description("The action's id, e.g. users.disable.")]
    public string Action { get; set; } = string.Empty;
}

/// <summary><c>entrada actions show ACTION</c>: inputs, output, permissions, an example.</summary>
internal sealed class ShowActionCommand(ActionCatalog catalog, CliOutput output) : AsyncCommand<ShowActionSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, ShowActionSettings settings, CancellationToken cancellationToken)
    {
        var d = catalog.Get(settings.Action).Descriptor;
        var schema = ActionInput.SchemaOf(d.InputType);
        if (settings.Json)
        {
            output.WriteJson(new
            {
                d.Id,
                d.Description,
                Target = d.Target.ToString().ToLowerInvariant(),
                d.Call,
                Permission = d.Permission?.Least,
                HigherPermissions = d.Permission?.Higher,
                AlsoRequired = d.Permission?.AlsoRequired.Select(r => r.Least),
                DelegatedPermission = d.DelegatedPermission?.Least,
                d.RequiresActiveDirectory,
                d.RequiresTls,
                d.Destructive,
                d.Bulk,
                d.IsList,
                Output = d.OutputType.Name,
                InputSchema = schema,
                d.Example,
            });
            return Task.FromResult(ExitCodes.Success);
        }

        var console = output.Console;
        console.MarkupLine($"[bold]{Markup.Escape(d.Id)}[/] — {Markup.Escape(d.Description)}");
        if (d.Call is not null)
        {
            console.MarkupLine($"  Call: {Markup.Escape(d.Call)}");
        }

        if (d.Permission is { } p)
        {
            var also = p.AlsoRequired.Count > 0 ? $" plus {string.Join(", ", p.AlsoRequired.Select(r => r.Least))}" : string.Empty;
            var higher = p.Higher.Count > 0 ? $" (or higher: {string.Join(", ", p.Higher)})" : string.Empty;
            console.MarkupLine($"  Permission: {Markup.Escape(p.Least + also + higher)}");
        }

        if (d.RequiresActiveDirectory)
        {
            console.MarkupLine("  Needs an Active Directory server.");
        }

        console.MarkupLine($"  Changes state: {(d.Destructive ? "yes (supports --dry-run)" : "no")}; many targets at once: {(d.Bulk ? "yes" : "no")}; output: {(d.IsList ? "a stream of " : string.Empty)}{Markup.Escape(d.OutputType.Name)}");
        console.MarkupLine("  Input (JSON Schema):");
        console.WriteLine(schema.ToJsonString(CliOutput.Json));
        if (d.Example is not null)
        {
            console.MarkupLine("  Example:");
            console.WriteLine($"    entrada run {d.Id} --connection NAME --input '{d.Example.ToJsonString(CliOutput.JsonLine)}'");
        }

        return Task.FromResult(ExitCodes.Success);
    }
}
