using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Storage;
using Entrada.Core.Keys;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Server;

internal sealed class KeysCreateSettings : CliSettings
{
    [CommandOption("--name <NAME>")]
    [Description("A label to recognise the key by in 'entrada keys list'.")]
    public string? Name { get; set; }
}

internal sealed class KeysRevokeSettings : CliSettings
{
    [CommandArgument(0, "<ID>")]
    [Description("The key's id, as 'entrada keys list' shows it.")]
    public string Id { get; set; } = string.Empty;
}

/// <summary><c>entrada keys create</c>: a new API key, shown once.</summary>
internal sealed class KeysCreateCommand(ApiKeyStore keys, CliOutput output) : AsyncCommand<KeysCreateSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeysCreateSettings settings, CancellationToken cancellationToken)
    {
        var (info, key) = await keys.CreateAsync(settings.Name, cancellationToken);
        if (settings.Json)
        {
            output.WriteJsonLine(new { info.Id, info.Name, key = key.Reveal(), info.CreatedAt });
            return ExitCodes.Success;
        }

        output.Success($"API key {info.Id} created. Copy it now: it is stored only as a hash and cannot be shown again.");
        output.Console.WriteLine(key.Reveal());
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada keys list</c>: the keys' ids, labels and use, never the keys.</summary>
internal sealed class KeysListCommand(ApiKeyStore keys, CliOutput output) : AsyncCommand<CliSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CliSettings settings, CancellationToken cancellationToken)
    {
        var list = await keys.ListAsync(cancellationToken);
        if (settings.Json)
        {
            output.WriteJson(list.Select(k => new { k.Id, k.Name, k.CreatedAt, k.LastUsedAt, k.RevokedAt, k.Active }));
            return ExitCodes.Success;
        }

        if (list.Count == 0)
        {
            output.Line("No API keys. Make one with [bold]entrada keys create[/] (or start [bold]entrada serve[/]).");
            return ExitCodes.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("Id").AddColumn("Name").AddColumn("Created").AddColumn("Last used").AddColumn("Status");
        foreach (var k in list)
        {
            table.AddRow(
                Markup.Escape(k.Id),
                Markup.Escape(k.Name ?? string.Empty),
                k.CreatedAt.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                k.LastUsedAt?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "never",
                k.Active ? "[green]active[/]" : $"[grey]revoked {k.RevokedAt:yyyy-MM-dd}[/]");
        }

        output.Write(table);
        return ExitCodes.Success;
    }
}

/// <summary><c>entrada keys revoke ID</c>: the key stops working at once, in the API and in signed-in pages.</summary>
internal sealed class KeysRevokeCommand(ApiKeyStore keys, CliOutput output) : AsyncCommand<KeysRevokeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, KeysRevokeSettings settings, CancellationToken cancellationToken)
    {
        var key = await keys.RevokeAsync(settings.Id.Trim(), cancellationToken);
        if (settings.Json)
        {
            output.WriteJsonLine(new { key.Id, key.Name, key.RevokedAt });
            return ExitCodes.Success;
        }

        output.Success($"API key {key.Id} revoked.");
        return ExitCodes.Success;
    }
}
