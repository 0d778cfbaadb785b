using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Emulator;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands;

internal sealed class EmulatorSettings : CliSettings
{
    [CommandOption("--port <N>")]
    [Description("Port on 127.0.0.1 (0 picks a free one).")]
    [DefaultValue(0)]
    public int Port { get; set; }

    [CommandOption("--seed <FILE>")]
    [Description("Seed the tenant from a JSON file instead of generating it.")]
    public string? Seed { get; set; }

    [CommandOption("--users <N>")]
    [Description("Generate this many users (deterministic).")]
    [DefaultValue(25)]
    public int Users { get; set; } = 25;

    [CommandOption("--groups <N>")]
    [Description("Generate this many groups (deterministic).")]
    [DefaultValue(5)]
    public int Groups { get; set; } = 5;

    [CommandOption("--latency-ms <N>")]
    [Description("Delay every response by N milliseconds.")]
    [DefaultValue(0)]
    public int LatencyMs { get; set; }

    [CommandOption("--throttle <MODE>")]
    [Description("realistic (Microsoft's identity-and-access limits) or off.")]
    [DefaultValue("realistic")]
    public string Throttle { get; set; } = "realistic";

    [CommandOption("--ca-cert-out <FILE>")]
    [Description("Write the emulator's CA certificate (PEM) here, for clients to trust exactly it.")]
    public string? CaCertOut { get; set; }

    public override ValidationResult Validate()
    {
        var result = base.Validate();
        if (!result.Successful)
        {
            return result;
        }

        if (Port is < 0 or > 65535)
        {
            return ValidationResult.Error($"--port {Port} is not a port: use 1–65535, or 0 for a free one.");
        }

        if (Users < 0 || Groups < 0 || LatencyMs < 0)
        {
            return ValidationResult.Error("--users, --groups and --latency-ms cannot be negative.");
        }

        if (Seed is not null && !File.Exists(Seed))
        {
            return ValidationResult.Error($"The seed file '{Seed}' does not exist.");
        }

        return Throttle.ToLowerInvariant() is "realistic" or "off"
            ? ValidationResult.Success()
            : ValidationResult.Error($"--throttle '{Throttle}' is not known: use realistic or off.");
    }
}

/// <summary>
/// <c>entrada emulator</c>: serves the emulated Entra tenant over HTTPS until Ctrl+C, printing
/// what a client needs (with <c>--output json</c>, exactly one JSON line before serving).
/// </summary>
internal sealed class EmulatorCommand(CliOutput output, ILoggerFactory loggers) : AsyncCommand<EmulatorSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, EmulatorSettings settings, CancellationToken cancellationToken)
    {
        var temporaryCa = settings.CaCertOut is null;
        var caPath = settings.CaCertOut ?? Path.Combine(Path.GetTempPath(), $"entrada-emulator-ca-{Guid.NewGuid():N}.pem");
        var options = new EmulatorOptions
        {
            Port = settings.Port,
            SeedFile = settings.Seed,
            Users = settings.Users,
            Groups = settings.Groups,
            LatencyMs = settings.LatencyMs,
            Throttle = settings.Throttle.Equals("off", StringComparison.OrdinalIgnoreCase) ? ThrottleMode.Off : ThrottleMode.Realistic,
            CaCertificateOutPath = caPath,
            LoggerFactory = loggers,
        };

        EmulatorServer server;
        try
        {
            server = await EmulatorServer.StartAsync(options, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new EmulatorStartException($"The emulator could not listen on 127.0.0.1:{settings.Port} ({ex.Message.TrimEnd('.')}); choose another --port, or 0 for a free one.", ex);
        }
        catch (ArgumentException ex)
        {
            throw new EntradaValidationException("options", ex.Message);
        }

        await using (server)
        {
            try
            {
                if (settings.Json)
                {
                    output.Consoles.WriteOutLine(server.DescribeJson());
                }
                else
                {
                    Describe(server);
                }

                await Task.Delay(Timeout.Infinite, cancellationToken);
                return ExitCodes.Success;
            }
            finally
            {
                if (temporaryCa)
                {
                    File.Delete(caPath);
                }
            }
        }
    }

    private void Describe(EmulatorServer server)
    {
        var console = output.Console;
        console.MarkupLine($"[green]Emulated Entra tenant[/] [bold]{Markup.Escape(server.TenantDomain)}[/] ({server.TenantId}) is serving. Ctrl+C stops it.");
        console.MarkupLine($"  Authority host:  {server.AuthorityHost}");
        console.MarkupLine($"  Graph endpoint:  {server.GraphEndpoint}");
        console.MarkupLine($"  CA certificate:  {Markup.Escape(server.CaCertificatePath ?? string.Empty)}");
        var table = new Table().Border(TableBorder.Rounded).AddColumn("App").AddColumn("Client ID").AddColumn("Client secret (emulator-only)").AddColumn("Permissions");
        foreach (var app in server.Apps)
        {
            table.AddRow(Markup.Escape(app.Name), app.ClientId, Markup.Escape(app.ClientSecret), app.Permissions.Count == 0 ? "(none)" : $"{app.Permissions.Count} application permissions");
        }

        console.Write(table);
        var demo = server.Apps.FirstOrDefault(a => a.Name == "demo");
        if (demo is not null)
        {
            console.MarkupLine("Connect to it:");
            console.WriteLine($"  export DEMO_SECRET='{demo.ClientSecret}'");
            console.WriteLine($"  entrada connections add \"Emulated tenant\" --method app-registration --tenant-id {server.TenantId} --client-id {demo.ClientId} --client-secret-env DEMO_SECRET --cloud custom --authority-host {server.AuthorityHost.ToString().TrimEnd('/')} --graph-endpoint {server.GraphEndpoint} --ca-cert {server.CaCertificatePath} --test");
        }
    }
}

/// <summary>The emulator could not start (port in use …).</summary>
internal sealed class EmulatorStartException(string message, Exception inner) : EntradaException(message, inner)
{
    public override ErrorKind Kind => ErrorKind.RemoteFailure;
}
