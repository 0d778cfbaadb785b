using System.ComponentModel;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Server.Demo;
using Entrada.Server.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Server;

internal sealed class ServeSettings : CliSettings
{
    [CommandOption("--urls <URL>")]
    [Description("Where to listen (default http://127.0.0.1:5080); port 0 picks a free port, and the real address is printed.")]
    [DefaultValue("http://127.0.0.1:5080")]
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    [CommandOption("--demo")]
    [Description("Also start the emulated tenant in-process, with a ready connection named 'Demo tenant' to it, and make a fresh sign-in key.")]
    public bool Demo { get; set; }

    [CommandOption("--tls-cert <FILE>")]
    [Description("For https:// addresses: a PEM file with the server's certificate and its private key (runners verify it; give them its CA with --ca-cert).")]
    public string? TlsCert { get; set; }

    [CommandOption("--runner-wait <SECONDS>")]
    [Description("How long a run of a runner group's connection waits for a runner of the group before it fails (default 300).")]
    public int? RunnerWaitSeconds { get; set; }
}

/// <summary><c>entrada serve [--urls URL] [--demo]</c>: the REST API and the pages, until Ctrl+C.</summary>
internal sealed class ServeCommand(EntradaHome home, CliOutput output, KeyRingProtection keyRing, KeyRingWarning keyRingWarning) : AsyncCommand<ServeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ServeSettings settings, CancellationToken cancellationToken)
    {
        var level = settings.Debug ? LogLevel.Debug : LogLevel.Warning;
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
        if (settings.TlsCert is { } tlsCert)
        {
            try
            {
                certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(tlsCert);
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new EntradaValidationException("--tls-cert", $"The file '{tlsCert}' given by --tls-cert cannot be read as a PEM certificate with its private key.");
            }
        }

        if (settings.RunnerWaitSeconds is < 1)
        {
            throw new EntradaValidationException("--runner-wait", "--runner-wait must be at least 1 second.");
        }

        var serverSettings = new ServerSettings
        {
            Home = home,
            KeyRing = keyRing,
            Urls = settings.Urls,
            Demo = settings.Demo,
            TlsCertificate = certificate,
            Runners = settings.RunnerWaitSeconds is { } wait ? new Core.Runners.RunnerOptions { WaitTimeout = TimeSpan.FromSeconds(wait) } : null,
            ConfigureLogging = logging =>
            {
                logging.SetMinimumLevel(settings.Debug ? LogLevel.Debug : LogLevel.Information);
                logging.AddProvider(new FileLoggerProvider(home.LogsPath, settings.Debug ? LogLevel.Debug : LogLevel.Information));
                // stdout is for the address and the key (one JSON line with --output json); logs go to stderr.
                logging.AddSimpleConsole(o => o.SingleLine = true);
                logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
                logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, level);
            },
        };

        await using var server = await EntradaServer.StartAsync(serverSettings, cancellationToken);
        // Once it serves: a server that could not start has no secrets to warn about.
        keyRingWarning.WarnIfUnprotected();
        var url = server.Url.ToString().TrimEnd('/');
        var key = server.CreatedApiKey?.Reveal();
        if (settings.Json)
        {
            output.WriteJsonLine(new { url, apiKey = key });
        }
        else
        {
            output.Line($"[green]Entrada is serving on[/] [bold]{Markup.Escape(url)}[/]");
            if (key is not null)
            {
                output.Line($"Sign in with this API key (it is shown only now): [bold]{Markup.Escape(key)}[/]");
            }
            else
            {
                output.Line("Sign in with an API key; make one with [bold]entrada keys create[/].");
            }

            if (server.Emulator is { } emulator)
            {
                output.Line($"Demo: the emulated tenant runs at {Markup.Escape(emulator.AuthorityHost.ToString())}; the connection '{Markup.Escape(DemoTenant.ConnectionName)}' is ready to use.");
            }

            output.Line($"API: {Markup.Escape(url)}/api/v1 (OpenAPI at {Markup.Escape(url)}/openapi/v1.json). Press Ctrl+C to stop.");
        }

        await server.WaitForShutdownAsync(cancellationToken);
        if (!settings.Json)
        {
            output.Error("Stopping.");
        }

        return ExitCodes.Success;
    }
}
