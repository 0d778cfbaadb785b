using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Entrada.Emulator.Control;
using Entrada.Emulator.Hosting;
using Entrada.Emulator.Identity;
using Entrada.Emulator.State;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Entrada.Emulator;

/// <summary>
/// An emulated Microsoft Entra tenant on 127.0.0.1 over HTTPS: the identity platform v2.0 under
/// <see cref="AuthorityHost"/> and a Microsoft Graph v1.0 subset under <see cref="GraphEndpoint"/>.
/// Each instance has its own port, certificates, keys and state.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServerCertificates _certificates;
    private readonly EmulatorContext _context;
    private int _stopped;

    private EmulatorServer(WebApplication app, ServerCertificates certificates, EmulatorContext context, string? caPath)
    {
        _app = app;
        _certificates = certificates;
        _context = context;
        CaCertificatePath = caPath;
        AuthorityHost = new Uri(context.BaseAddress);
        GraphEndpoint = new Uri(context.GraphBase);
        lock (context.State.Sync)
        {
            Apps = [.. context.State.Apps.Values.Select(a => a.ToPublic())];
        }
    }

    /// <summary>The identity platform's host, e.g. <c>https://127.0.0.1:5001</c> (Azure.Identity's AuthorityHost; MSAL's authority is this plus the tenant).</summary>
    public Uri AuthorityHost { get; }

    /// <summary>Graph's base URL, e.g. <c>https://127.0.0.1:5001/v1.0</c>.</summary>
    public Uri GraphEndpoint { get; }

    /// <summary>The tenant ID (a GUID).</summary>
    public string TenantId => _context.State.TenantId;

    /// <summary>The tenant's initial domain.</summary>
    public string TenantDomain => _context.State.TenantDomain;

    /// <summary>The CA certificate in PEM: trust exactly this.</summary>
    public string CaCertificatePem => _certificates.CaPem;

    /// <summary>Where the CA certificate was written (<see cref="EmulatorOptions.CaCertificateOutPath"/>), if anywhere.</summary>
    public string? CaCertificatePath { get; }

    /// <summary>The CA certificate (public part).</summary>
    public X509Certificate2 CaCertificate => _certificates.Ca;

    /// <summary>The key that authorises the control API under <c>/_emulator/</c>.</summary>
    public string ControlKey => _context.ControlKey;

    /// <summary>The app registrations at start: <c>demo</c> (every application permission Entrada's actions ask for) and <c>no-consent</c> (none), plus any from the seed.</summary>
    public IReadOnlyList<EmulatorApp> Apps { get; }

    /// <summary>The tenant's data, for tests in the same process.</summary>
    public EmulatorState State => _context.State;

    /// <summary>Starts an emulator; returns once it accepts connections.</summary>
    /// <param name="options">How to start it.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The emulator options are invalid: " + string.Join(" ", problems), nameof(options));
        }

        var time = options.TimeProvider;
        var loggerFactory = options.LoggerFactory ?? NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger("Entrada.Emulator");
        // Key generation is the slowest part of a start: it runs beside the tenant's generation.
        var tokensTask = Task.Run(() => new TokenService(time), cancellationToken);
        var certificatesTask = Task.Run(() => CertificateFactory.Create(options, time), cancellationToken);
        var state = options.SeedFile is null
            ? TenantGenerator.Generate(options.Users, options.Groups, time)
            : SeedLoader.Load(options.SeedFile, time);
        state.StartTracking();
        var certificates = await certificatesTask;
        var tokens = await tokensTask;
        var controlKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var context = new EmulatorContext(options, state, tokens, logger, controlKey);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        if (options.LoggerFactory is not null)
        {
            builder.Services.AddSingleton(options.LoggerFactory);
        }

        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = certificates.Server,
                    ServerCertificateChain = [certificates.Ca],
                });
            });
        });

        var app = builder.Build();
        if (options.LatencyMs > 0)
        {
            var delay = TimeSpan.FromMilliseconds(options.LatencyMs);
            app.Use(async (http, next) =>
            {
                await Task.Delay(delay, time, http.RequestAborted);
                await next(http);
            });
        }

        var signIn = new SignInConsent(context);
        var deviceLogin = new DeviceLoginPages(context, signIn);
        app.MapIdentityPlatform(context, signIn, deviceLogin);
        app.MapGraph(context);
        app.MapControl(context, deviceLogin);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            certificates.Dispose();
            tokens.Dispose();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        context.BaseAddress = $"https://127.0.0.1:{port}";

        string? caPath = null;
        if (options.CaCertificateOutPath is not null)
        {
            caPath = Path.GetFullPath(options.CaCertificateOutPath);
            Directory.CreateDirectory(Path.GetDirectoryName(caPath)!);
            await File.WriteAllTextAsync(caPath, certificates.CaPem, cancellationToken);
        }

        var server = new EmulatorServer(app, certificates, context, caPath);
        LogMessages.Started(logger, server.AuthorityHost, server.TenantId, state.UserCount, state.GroupCount);
        return server;
    }

    /// <summary>Creates an HTTP handler that trusts exactly this emulator's CA.</summary>
    /// <returns>A new handler; the caller owns it.</returns>
    public SocketsHttpHandler CreateHttpHandler() => EmulatorTrust.CreateSocketsHandler(CaCertificate);

    /// <summary>The one-line JSON a client needs: endpoints, tenant, CA path, control key and the apps with their credentials.</summary>
    /// <returns>One line of JSON.</returns>
    public string DescribeJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("authorityHost", _context.BaseAddress);
            w.WriteString("graphEndpoint", _context.GraphBase);
            w.WriteString("tenantId", TenantId);
            w.WriteString("tenantDomain", TenantDomain);
            w.WriteString("caCertificatePath", CaCertificatePath);
            w.WriteString("controlKey", ControlKey);
            w.WriteStartArray("apps");
            foreach (var app in Apps)
            {
                w.WriteStartObject();
                w.WriteString("name", app.Name);
                w.WriteString("clientId", app.ClientId);
                w.WriteString("clientSecret", app.ClientSecret);
                w.WriteStartArray("permissions");
                foreach (var permission in app.Permissions)
                {
                    w.WriteStringValue(permission);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Stops serving; idempotent.</summary>
    /// <param name="cancellationToken">Ends a graceful stop early.</param>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _app.StopAsync(cancellationToken);
        LogMessages.Stopped(_context.Logger, AuthorityHost);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        _context.Tokens.Dispose();
        _certificates.Dispose();
    }
}
