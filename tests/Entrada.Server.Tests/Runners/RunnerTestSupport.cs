using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Core.Runners;
using Entrada.Core.Storage;
using Entrada.Emulator;
using Entrada.Server.Hosting;
using Entrada.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Tests.Runners;

/// <summary>A throw-away CA and a server certificate it issued, for a server the runners verify strictly.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "entrada-runner-ca-" + Guid.NewGuid().ToString("N"));

    public TestCertificates(params IPAddress[] addresses)
    {
        Directory.CreateDirectory(_dir);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Entrada runner test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        CaFile = Path.Combine(_dir, "ca.pem");
        File.WriteAllText(CaFile, ca.ExportCertificatePem());

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=entrada-server", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(12));
        using var withKey = issued.CopyWithPrivateKey(serverKey);
        // Kestrel on Linux wants a certificate whose key it can use for TLS: a PKCS#12 round trip gives that.
        Server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        OtherCaFile = Path.Combine(_dir, "other-ca.pem");
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = new CertificateRequest("CN=Some other CA", otherKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(OtherCaFile, other.ExportCertificatePem());
    }

    public string CaFile { get; }

    /// <summary>A CA that did not issue the server's certificate.</summary>
    public string OtherCaFile { get; }

    public X509Certificate2 Server { get; }

    public void Dispose()
    {
        Server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>
/// A real server over HTTPS (a certificate from <see cref="TestCertificates"/>) with the emulated
/// tenant in-process and short runner heartbeats and leases, in its own ENTRADA_HOME.
/// </summary>
public sealed class RunnerServer : IAsyncDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "entrada-runner-server-" + Guid.NewGuid().ToString("N"));

    private RunnerServer(TestCertificates certificates)
    {
        Certificates = certificates;
    }

    internal EntradaServer Server { get; private set; } = null!;

    public TestCertificates Certificates { get; }

    public string ApiKey { get; private set; } = string.Empty;

    public string HomePath => _home;

    public Uri Url => Server.Url;

    public GraphRequestLog Graph { get; } = new();

    public EmulatorServer Emulator => Server.Emulator!;

    public EmulatorApp DemoApp => Emulator.Apps.First(a => a.Name == "demo");

    public static async Task<RunnerServer> StartAsync(IPAddress listen, RunnerOptions? options = null, int users = 25, int latencyMs = 0)
    {
        var server = new RunnerServer(new TestCertificates(listen));
        server.Server = await EntradaServer.StartAsync(
            new ServerSettings
            {
                Home = new EntradaHome(server._home),
                Urls = $"https://{(listen.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{listen}]" : listen.ToString())}:0",
                TlsCertificate = server.Certificates.Server,
                Demo = true,
                DemoOptions = new EmulatorOptions
                {
                    Port = 0,
                    Users = users,
                    LatencyMs = latencyMs,
                    Throttle = ThrottleMode.Off,
                    LoggerFactory = LoggerFactory.Create(b => b.AddProvider(server.Graph).SetMinimumLevel(LogLevel.Debug)),
                },
                RunWait = TimeSpan.FromSeconds(60),
                SignInFailureLimit = 1000,
                Runners = options ?? new RunnerOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(500), Lease = TimeSpan.FromSeconds(3), WaitTimeout = TimeSpan.FromSeconds(60) },
            },
            CancellationToken.None);
        server.ApiKey = server.Server.CreatedApiKey!.Reveal();
        return server;
    }

    public HttpClient Client()
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.Thumbprint == Certificates.Server.Thumbprint,
        };
        var client = new HttpClient(handler) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(90) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }

    /// <summary>A registration token for a group, through the API.</summary>
    public async Task<string> TokenAsync(string group)
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync("/api/v1/runners/tokens", new { group });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["token"]!.GetValue<string>();
    }

    /// <summary>Registers and starts a runner process of a group.</summary>
    public async Task<RunnerProcess> StartRunnerAsync(string group, string name, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? prefix = null)
    {
        var runner = new RunnerProcess(this, name, environment, prefix);
        var registered = await runner.RunToEndAsync(await TokenAsync(group), "runner", "register", "--server", Url.ToString(), "--group", group, "--name", name, "--ca-cert", Certificates.CaFile);
        registered.ExitCode.ShouldBe(0, registered.ToString());
        await runner.StartAsync();
        await runner.WaitForAsync("waiting for work", TimeSpan.FromSeconds(60));
        return runner;
    }

    public async Task<JsonObject> PostAsync(string path, object body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var client = Client();
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        if (expected == HttpStatusCode.OK && response.StatusCode == HttpStatusCode.Accepted && response.Headers.Location is { } location)
        {
            // A run that outlasted the server's wait (a loaded machine): followed to its end.
            for (var i = 0; i < 1200; i++)
            {
                var run = (await GetAsync(location.ToString())).AsObject();
                if (run["finishedAt"] is not null)
                {
                    return run;
                }

                await Task.Delay(100);
            }
        }

        response.StatusCode.ShouldBe(expected, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    public async Task<JsonNode> GetAsync(string path)
    {
        using var client = Client();
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(text);
        return JsonNode.Parse(text)!;
    }

    /// <summary>An App Registration connection to the emulated tenant, run by a runner group; its secret comes from the runner's DEMO_SECRET.</summary>
    public JsonObject GraphConnectionBody(string name, string group) => new()
    {
        ["name"] = name,
        ["method"] = "app-registration",
        ["cloud"] = "custom",
        ["tenantId"] = Emulator.TenantId,
        ["clientId"] = DemoApp.ClientId,
        ["authorityHost"] = Emulator.AuthorityHost.ToString(),
        ["graphEndpoint"] = Emulator.GraphEndpoint.ToString(),
        ["caCertificate"] = Emulator.CaCertificatePem,
        ["runnerGroup"] = group,
        ["secretReference"] = "env:DEMO_SECRET",
    };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Certificates.Dispose();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The Graph requests the emulator answered ("Graph PATCH /users/… answered 204"), sub-requests of a $batch included.</summary>
public sealed class GraphRequestLog : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            if (message.StartsWith("Graph ", StringComparison.Ordinal))
            {
                lines.Enqueue(message);
            }
        }
    }
}

/// <summary>
/// The built <c>entrada</c> command as a runner process with its own ENTRADA_HOME (optionally
/// behind a prefix such as <c>ip netns exec NS</c>); its standard error is collected.
/// </summary>
public sealed class RunnerProcess : IAsyncDisposable
{
    private readonly RunnerServer _server;
    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly IReadOnlyList<string> _prefix;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public RunnerProcess(RunnerServer server, string name, IReadOnlyDictionary<string, string>? environment, IReadOnlyList<string>? prefix)
    {
        _server = server;
        Name = name;
        _environment = environment ?? new Dictionary<string, string>();
        _prefix = prefix ?? [];
        Home = Path.Combine(Path.GetTempPath(), "entrada-runner-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public string Name { get; }

    public string Home { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process?.HasExited ?? true;

    public int ExitCode => _process!.ExitCode;

    /// <summary>
    /// The built command in its own output folder (tests/X/bin/CONFIG/net10.0 → src/Entrada.Cli/bin/CONFIG/net10.0),
    /// whose runtime configuration and dependencies are its own rather than this test project's.
    /// </summary>
    public static string EntradaDll
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = output.Name;
            var configuration = output.Parent!.Name;
            var root = output.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
            return Path.Combine(root, "src", "Entrada.Cli", "bin", configuration, framework, "entrada.dll");
        }
    }

    /// <summary>The runner's id, from the registration it keeps.</summary>
    public string Id => JsonNode.Parse(File.ReadAllText(Path.Combine(Home, "runner.json")))!["id"]!.GetValue<string>();

    public ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(_prefix.Count > 0 ? _prefix[0] : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var part in _prefix.Skip(1))
        {
            info.ArgumentList.Add(part);
        }

        if (_prefix.Count > 0)
        {
            // `ip netns exec` keeps the environment; the command is dotnet itself.
            info.ArgumentList.Add(Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet");
        }

        info.ArgumentList.Add(EntradaDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ENTRADA_HOME"] = Home;
        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DEMO_SECRET"] = _server.DemoApp.ClientSecret;
        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> RunToEndAsync(string? stdin, params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public Task StartAsync(params string[] extra)
    {
        _process = Process.Start(StartInfo(["runner", "start", .. extra]))!;
        _process.StandardInput.Close();
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        return Task.CompletedTask;
    }

    public async Task WaitForAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > until || (HasExited && !Output.Contains(text, StringComparison.Ordinal)))
            {
                await Task.Delay(200);
                throw new ShouldAssertException($"Runner {Name} did not say '{text}'{(HasExited ? $" (exited {ExitCode})" : string.Empty)}. Its output:\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process!.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Kills the runner at once (SIGKILL): no goodbye, no cleanup.</summary>
    public void Kill() => _process?.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
