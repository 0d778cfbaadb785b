using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Diagnostics;
using Entrada.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Entrada.Graph.Tests.Support;

/// <summary>
/// One emulated tenant over HTTPS shared by the tests of a class, and Entrada's services (core +
/// Graph) on a temporary ENTRADA_HOME, exactly as the CLI composes them.
/// </summary>
public class GraphFixture : IAsyncLifetime
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "entrada-graph-test-" + Guid.NewGuid().ToString("N"));

    protected virtual EmulatorOptions Options => new() { Users = 30, Groups = 5, Throttle = ThrottleMode.Off };

    public EmulatorServer Server { get; private set; } = null!;

    public ServiceProvider Services { get; private set; } = null!;

    /// <summary>Requests the emulator received, as ASP.NET Core logs them ("POST https://…/token").</summary>
    public RequestLog Requests { get; } = new();

    public EmulatorApp Demo => Server.Apps.Single(a => a.Name == "demo");

    public EmulatorApp NoConsent => Server.Apps.Single(a => a.Name == "no-consent");

    public ActionRunner Runner => Services.GetRequiredService<ActionRunner>();

    public ConnectionStore Store => Services.GetRequiredService<ConnectionStore>();

    public async Task InitializeAsync()
    {
        var options = Options;
        options.LoggerFactory = LoggerFactory.Create(b => b.AddProvider(Requests).SetMinimumLevel(LogLevel.Information));
        Server = await EmulatorServer.StartAsync(options);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEntradaCore(new EntradaHome(_home));
        services.AddEntradaGraph();
        Services = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public CloudSettings Cloud => new(CloudKind.Custom, Server.AuthorityHost, Server.GraphEndpoint, Server.CaCertificatePem);

    /// <summary>An App Registration connection for an emulator app with its client secret.</summary>
    public Connection SecretConnection(string name, EmulatorApp? app = null, string? secret = null, string? tenant = null, string? clientId = null) => new()
    {
        Name = name,
        Method = ConnectionMethod.AppRegistration,
        Cloud = Cloud,
        AppRegistration = new AppRegistrationSettings(tenant ?? Server.TenantId, clientId ?? (app ?? Demo).ClientId, new Secret(secret ?? (app ?? Demo).ClientSecret), null),
    };

    /// <summary>An App Registration connection with a client certificate registered on the app at the emulator.</summary>
    public async Task<Connection> CertificateConnectionAsync(string name, EmulatorApp? app = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=entrada-graph-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(300));
        var clientId = (app ?? Demo).ClientId;
        using var registered = await ControlAsync(HttpMethod.Post, $"apps/{clientId}/certificates", new { pem = certificate.ExportCertificatePem() });
        registered.EnsureSuccessStatusCode();
        var pkcs12 = Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12));
        return new Connection
        {
            Name = name,
            Method = ConnectionMethod.AppRegistration,
            Cloud = Cloud,
            AppRegistration = new AppRegistrationSettings(Server.TenantId, clientId, null, new ClientCertificate(new Secret(pkcs12), certificate.Thumbprint, certificate.Subject, certificate.NotAfter)),
        };
    }

    /// <summary>Saves a connection (once per name).</summary>
    public async Task<Connection> SavedAsync(Connection connection)
    {
        if (await Store.FindAsync(connection.Name, default) is null)
        {
            await Store.AddAsync(connection, default);
        }

        return connection;
    }

    /// <summary>Runs an action through the runner, as every edge does; items of a list come back in <see cref="Run.Items"/>.</summary>
    public async Task<Run> RunAsync(string actionId, string connection, object? input = null, bool dryRun = false, IProgress<ActionProgress>? progress = null)
    {
        var items = new List<JsonNode?>();
        var json = input is null ? new JsonObject() : input as JsonNode ?? JsonSerializer.SerializeToNode(input, ActionInput.Options);
        var result = await Runner.RunAsync(
            new ActionRunRequest(actionId, connection, json) { Caller = Entrada.Core.Caller.Cli(), DryRun = dryRun, Progress = progress },
            (item, _) =>
            {
                items.Add(JsonSerializer.SerializeToNode(item, item?.GetType() ?? typeof(object), ActionInput.Options));
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
        var value = result.Value is null ? null : JsonSerializer.SerializeToNode(result.Value, result.Value.GetType(), ActionInput.Options);
        return new Run(result, value, items);
    }

    /// <summary>Tests a connection with the registered tester.</summary>
    public Task<ConnectionTestReport> TestAsync(Connection connection) =>
        Services.GetServices<Entrada.Core.Diagnostics.IConnectionTester>().First(t => t.Supports(connection.Method)).TestAsync(connection, CancellationToken.None);

    /// <summary>Calls the emulator's control API.</summary>
    public async Task<HttpResponseMessage> ControlAsync(HttpMethod method, string path, object? body = null)
    {
        using var http = new HttpClient(Server.CreateHttpHandler());
        using var request = new HttpRequestMessage(method, new Uri(Server.AuthorityHost, "/_emulator/" + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Server.ControlKey);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>Makes the next <paramref name="count"/> Graph requests whose path contains <paramref name="path"/> fail with <paramref name="status"/>.</summary>
    public async Task InjectAsync(int status, int count, string path, int retryAfterSeconds = 1)
    {
        using var response = await ControlAsync(HttpMethod.Post, "faults", new { fault = status.ToString(System.Globalization.CultureInfo.InvariantCulture), count, pathContains = path, retryAfterSeconds });
        response.EnsureSuccessStatusCode();
    }
}

/// <summary>What a run returned, as JSON.</summary>
public sealed record Run(ActionRunResult Result, JsonNode? Value, IReadOnlyList<JsonNode?> Items);

/// <summary>Collects the request lines ASP.NET Core logs at the emulator.</summary>
public sealed class RequestLog : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>How many requests the emulator started whose line contains <paramref name="contains"/>.</summary>
    public int Count(string contains) => _lines.Count(l => l.StartsWith("Request starting", StringComparison.Ordinal) && l.Contains(contains, StringComparison.OrdinalIgnoreCase));

    private readonly ConcurrentQueue<string> _errors = new();

    /// <summary>Errors the emulator logged (for diagnosing a failing test).</summary>
    public IReadOnlyCollection<string> Errors => _errors;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName == "Microsoft.AspNetCore.Hosting.Diagnostics" ? _lines : null, _errors);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string>? lines, ConcurrentQueue<string> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => lines is not null || logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (logLevel >= LogLevel.Error)
            {
                errors.Enqueue(message + " " + exception);
            }

            if (message.StartsWith("Request starting", StringComparison.Ordinal) || message.StartsWith("Request finished", StringComparison.Ordinal))
            {
                lines?.Enqueue(message);
            }
        }
    }
}
