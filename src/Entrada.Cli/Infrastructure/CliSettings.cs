using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Infrastructure;

/// <summary>Options every command takes.</summary>
internal class CliSettings : CommandSettings
{
    [CommandOption("-o|--output <FORMAT>")]
    [Description("Output format: table (for people) or json (for scripts).")]
    [DefaultValue("table")]
    public string Output { get; set; } = "table";

    [CommandOption("--debug")]
    [Description("Show stack traces and debug logs on stderr.")]
    public bool Debug { get; set; }

    /// <summary>The formats this command accepts.</summary>
    protected virtual IReadOnlyList<string> OutputFormats => ["table", "json"];

    public bool Json => string.Equals(Output, "json", StringComparison.OrdinalIgnoreCase);

    public override ValidationResult Validate()
    {
        if (!OutputFormats.Contains(Output.ToLowerInvariant()))
        {
            return ValidationResult.Error($"The output format '{Output}' is not known: use {string.Join(" or ", OutputFormats)}.");
        }

        Output = Output.ToLowerInvariant();
        return ValidationResult.Success();
    }
}
