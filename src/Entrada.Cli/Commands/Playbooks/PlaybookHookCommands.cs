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

internal sealed class PlaybookHookAddSettings : CliSettings
{
    [CommandArgument(0, "<PLAYBOOK>")]
    [Description("The playbook the hook starts.")]
    public string Playbook { get; set; } = string.Empty;

    [CommandOption("-c|--connection <NAME>")]
    [Description("The connection the hook's runs use.")]
    public string? Connection { get; set; }

    [CommandOption("-i|--input <JSON>")]
    [Description("The playbook's inputs as templates over the incoming JSON (body), e.g. {\"userIds\":\"${{ [body.userId] }}\"}; @file or - also work.")]
    public string? Input { get; set; }
}

internal sealed class PlaybookHookListSettings : CliSettings
{
    [CommandArgument(0, "[PLAYBOOK]")]
    [Description("Only this playbook's hooks.")]
    public string? Playbook { get; set; }
}

internal sealed class PlaybookHookIdSettings : CliSettings
{
    [CommandArgument(0, "<HOOK>")]
    [Description("The hook's id (hook_…).")]
    public string Hook { get; set; } = string.Empty;
}

/// <summary><c>entrada playbooks hooks add PLAYBOOK -c C --input …</c>: the secret is shown once.</summary>
internal sealed class PlaybookHooksAddCommand(PlaybookHookService hooks, CliOutput output) : AsyncCommand<PlaybookHookAddSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookHookAddSettings settings, CancellationToken cancellationToken)
    {
        var input = JsonOptions.Object("--input", settings.Input, output.Consoles.In, "a JSON object of the playbook's inputs");
        var created = await hooks.CreateAsync(settings.Playbook, settings.Connection, input, Caller.Cli(), cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(new { hook = created.Hook, secret = created.Secret.Reveal() });
        }
        else
        {
            output.Success($"Hook {created.Hook.Id} starts '{created.Hook.Playbook}' on '{created.Hook.Connection}' at POST {created.Hook.Path}.");
            output.Consoles.WriteOutLine($"Secret (shown only now): {created.Secret.Reveal()}");
            output.Line("Sign each call: X-Entrada-Timestamp: UNIX-SECONDS and X-Entrada-Signature: sha256=HEX(HMAC-SHA256(secret, TIMESTAMP + \".\" + body)); calls more than 5 minutes old are refused.");
        }

        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks hooks list [PLAYBOOK]</c></summary>
internal sealed class PlaybookHooksListCommand(PlaybookHookService hooks, CliOutput output) : AsyncCommand<PlaybookHookListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookHookListSettings settings, CancellationToken cancellationToken)
    {
        var list = await hooks.ListAsync(settings.Playbook, cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(list);
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Hook").AddColumn("Playbook").AddColumn("Connection").AddColumn("Inputs").AddColumn("Made (UTC)");
        foreach (var h in list)
        {
            table.AddRow(h.Id, Markup.Escape(h.Playbook), Markup.Escape(h.Connection), Markup.Escape(h.Input.ToJsonString()), h.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada playbooks hooks remove HOOK</c></summary>
internal sealed class PlaybookHooksRemoveCommand(PlaybookHookService hooks, CliOutput output) : AsyncCommand<PlaybookHookIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, PlaybookHookIdSettings settings, CancellationToken cancellationToken)
    {
        await hooks.DeleteAsync(settings.Hook, Caller.Cli(), cancellationToken);
        output.Success($"Hook {settings.Hook} removed; its URL no longer starts anything.");
        return ExitCodes.Success;
    }
}
