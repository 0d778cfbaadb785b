using System.ComponentModel;
using System.Net.Http.Json;
using System.Text.Json;
using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Runners;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Microsoft.AspNetCore.Http.Connections;
using Spectre.Console.Cli;

namespace Entrada.Cli.Commands.Runners;

internal sealed class RunnerRegisterSettings : CliSettings
{
    [CommandOption("--server <URL>")]
    [Description("The Entrada server's https URL, as the runner reaches it (the runner always dials out to it).")]
    public string? Server { get; set; }

    [CommandOption("--group <GROUP>")]
    [Description("The runner group to join: the group the registration token was made for.")]
    public string? Group { get; set; }

    [CommandOption("--name <NAME>")]
    [Description("A name to recognise this runner by in 'entrada runners list' (default: the host name).")]
    public string? Name { get; set; }

    [CommandOption("--ca-cert <FILE>")]
    [Description("A CA certificate (PEM) to verify the server's certificate with, instead of the system's roots (kept for 'runner start').")]
    public string? CaCert { get; set; }

    [CommandOption("--token-stdin")]
    [Description("Read the registration token from standard input (the default when ENTRADA_RUNNER_TOKEN is not set).")]
    public bool TokenStdin { get; set; }
}

internal sealed class RunnerStartSettings : CliSettings
{
    [CommandOption("--ca-cert <FILE>")]
    [Description("A CA certificate (PEM) to verify the server's certificate with (default: the one given at registration, or the system's roots).")]
    public string? CaCert { get; set; }

    [CommandOption("--transport <TRANSPORT>")]
    [Description("auto (WebSockets, falling back to long polling; the default), websockets or long-polling.")]
    public string Transport { get; set; } = "auto";

    public override Spectre.Console.ValidationResult Validate() =>
        Transport is "auto" or "websockets" or "long-polling"
            ? base.Validate()
            : Spectre.Console.ValidationResult.Error($"--transport must be auto, websockets or long-polling, not '{Transport}'.");
}

/// <summary>
/// <c>entrada runner register</c>: makes this machine's key pair, registers the public key with the
/// server using a one-time token (standard input or ENTRADA_RUNNER_TOKEN, never an argument), and
/// keeps the private key in ENTRADA_HOME (0600).
/// </summary>
internal sealed class RunnerRegisterCommand(EntradaHome home, SecretInput secrets, CliOutput output) : AsyncCommand<RunnerRegisterSettings>
{
    public const string TokenVariable = "ENTRADA_RUNNER_TOKEN";

    public override async Task<int> ExecuteAsync(CommandContext context, RunnerRegisterSettings settings, CancellationToken cancellationToken)
    {
        var errors = new List<ValidationError>();
        if (!Uri.TryCreate(settings.Server, UriKind.Absolute, out var server) || (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add(new("--server", "--server must be the server's URL, such as https://entrada.example.com."));
        }
        else if (server.Scheme != Uri.UriSchemeHttps && !server.IsLoopback)
        {
            errors.Add(new("--server", $"The server '{server}' is not https: a runner only talks to its server over verified TLS (plain http is allowed for a loopback address only)."));
        }

        if (RunnerGroups.Check(settings.Group?.Trim()) is { } groupProblem)
        {
            errors.Add(new("--group", groupProblem));
        }

        if (errors.Count > 0)
        {
            throw new EntradaValidationException(errors);
        }

        var tls = new RunnerTls(settings.CaCert is null ? null : Path.GetFullPath(settings.CaCert));
        var fromEnv = !settings.TokenStdin && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(TokenVariable));
        var token = secrets.Read("registration token", "--token-stdin", !fromEnv && (settings.TokenStdin || output.Consoles.IsInputRedirected), "ENTRADA_RUNNER_TOKEN", fromEnv ? TokenVariable : null, promptWhenMissing: true)
            ?? throw new EntradaValidationException("token", $"Give the registration token on standard input or in {TokenVariable}; make one on the server with 'entrada runners token create --group {settings.Group}'.");
        using var key = RunnerCredentials.NewKey();
        var name = string.IsNullOrWhiteSpace(settings.Name) ? Environment.MachineName : settings.Name.Trim();
        using var http = tls.CreateClient();
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync(
                new Uri(server!, RunnerProtocol.RegisterPath),
                new { token = token.Reveal(), group = settings.Group!.Trim(), name, publicKey = RunnerCredentials.PublicKeyOf(key), version = RunnerAgent.Version },
                cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new RunnerCommandException(ErrorKind.Authentication, $"Cannot reach the server {server} to register: {ex.Message.ReplaceLineEndings(" ").TrimEnd('.')}. Check the URL, the network, and the CA (--ca-cert) if the server's certificate is from a private CA.", ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var detail = TryDetail(body) ?? $"HTTP {(int)response.StatusCode}";
                throw new RunnerCommandException(response.StatusCode is System.Net.HttpStatusCode.BadRequest ? ErrorKind.InvalidInput : ErrorKind.Authentication, $"The server refused the registration: {detail}");
            }

            var registered = JsonSerializer.Deserialize<JsonElement>(body);
            var identity = new RunnerIdentity(server!.GetLeftPart(UriPartial.Authority) + "/", registered.GetProperty("id").GetString()!, registered.GetProperty("group").GetString()!, name, tls.CaFile);
            identity.Save(home, key);
            if (settings.Json)
            {
                output.WriteJsonLine(new { identity.Id, identity.Group, identity.Name, identity.Server, keyFile = RunnerIdentity.KeyFileOf(home) });
                return ExitCodes.Success;
            }

            output.Success($"Runner '{identity.Name}' registered as {identity.Id} in group '{identity.Group}' with {identity.Server}. Its private key is in {RunnerIdentity.KeyFileOf(home)} (mode 0600). Start it with 'entrada runner start'.");
            return ExitCodes.Success;
        }
    }

    private static string? TryDetail(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(body).TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary><c>entrada runner start</c>: connects to the server and runs what it hands over, until Ctrl+C.</summary>
internal sealed class RunnerStartCommand(EntradaHome home, RunnerAgent agent, CliOutput output) : AsyncCommand<RunnerStartSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunnerStartSettings settings, CancellationToken cancellationToken)
    {
        var (identity, key) = RunnerIdentity.Load(home);
        using (key)
        {
            var tls = new RunnerTls(settings.CaCert is not null ? Path.GetFullPath(settings.CaCert) : identity.CaCertificateFile);
            var transports = settings.Transport switch
            {
                "websockets" => HttpTransportType.WebSockets,
                "long-polling" => HttpTransportType.LongPolling,
                _ => HttpTransportType.WebSockets | HttpTransportType.LongPolling,
            };
            return await agent.RunAsync(identity, key, tls, transports, line => output.Consoles.WriteErrorLine(line), cancellationToken);
        }
    }
}
