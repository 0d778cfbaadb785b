using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Audit;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands;

internal sealed class AuditListSettings : CliSettings
{
    [CommandOption("-n|--limit <N>")]
    [Description("How many records, newest first (default 50).")]
    [DefaultValue(50)]
    public int Limit { get; set; } = 50;

    [CommandOption("-c|--connection <NAME>")]
    [Description("Only records about this connection.")]
    public string? Connection { get; set; }

    public override ValidationResult Validate()
    {
        var result = base.Validate();
        return !result.Successful ? result : Limit is < 1 or > 10_000 ? ValidationResult.Error("--limit must be 1–10000.") : ValidationResult.Success();
    }
}

/// <summary><c>entrada audit list</c></summary>
internal sealed class AuditListCommand(AuditLog audit, CliOutput output) : AsyncCommand<AuditListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AuditListSettings settings, CancellationToken cancellationToken)
    {
        var records = await audit.ListAsync(settings.Limit, settings.Connection, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(records.Select(r => new
            {
                r.Id,
                r.At,
                r.Interface,
                r.Actor,
                r.Operation,
                r.Connection,
                r.Target,
                r.Outcome,
                DurationMs = (long)r.Duration.TotalMilliseconds,
                r.Details,
                r.Error,
            }));
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("#").AddColumn("When (UTC)").AddColumn("Via").AddColumn("Operation").AddColumn("Connection").AddColumn("Outcome").AddColumn("ms").AddColumn("Error");
        foreach (var r in records)
        {
            table.AddRow(
                r.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                r.At.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                r.Interface.ToWire(),
                Markup.Escape(r.Operation),
                Markup.Escape(r.Connection ?? string.Empty),
                r.Outcome == AuditOutcome.Succeeded ? "[green]succeeded[/]" : r.Outcome.ToWire(),
                ((long)r.Duration.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(r.Error ?? string.Empty));
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}
