using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Diagnostics;
using Entrada.Emulator;
using Entrada.Graph;
using Entrada.Ldap;
using Entrada.Server.Apis;
using Entrada.Server.Authentication;
using Entrada.Server.Demo;
using Entrada.Core.Keys;
using Entrada.Server.OAuth;
using Entrada.Server.Pages;
using Entrada.Server.Pages.Connections;
using Entrada.Core.Runs;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Secret = Entrada.Core.Secrets.Secret;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Hosting;

/// <summary>
/// The running server: the REST API under <c>/api/v1</c> (API keys), the pages (a cookie made
/// at sign-in with a key), the OpenAPI document, and with <c>--demo</c> the emulated tenant.
/// </summary>
internal sealed class EntradaServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private EntradaServer(WebApplication app, Uri url, Secret? createdKey, EmulatorServer? emulator)
    {
        _app = app;
        Url = url;
        CreatedApiKey = createdKey;
        Emulator = emulator;
    }

    /// <summary>The address it listens on (the real port when 0 was asked for).</summary>
    public Uri Url { get; }

    /// <summary>The API key made by this start (first start, or every <c>--demo</c> start); null otherwise.</summary>
    public Secret? CreatedApiKey { get; }

    /// <summary>The emulated tenant of <c>--demo</c>.</summary>
    public EmulatorServer? Emulator { get; }

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds and starts the server; returns once it accepts connections.</summary>
    public static async Task<EntradaServer> StartAsync(ServerSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var problems = settings.Validate();
        if (problems.Count > 0)
        {
            throw new EntradaValidationException([.. problems.Select(p => new ValidationError("--urls", p))]);
        }

        EmulatorServer? emulator = null;
        WebApplication? app = null;
        try
        {
            if (settings.Demo)
            {
                emulator = await EmulatorServer.StartAsync(settings.DemoOptions ?? new EmulatorOptions { Port = 0 }, cancellationToken);
            }

            app = Build(settings);
            var store = app.Services.GetRequiredService<ApiKeyStore>();
            Secret? created = null;
            if (emulator is not null)
            {
                await DemoTenant.EnsureConnectionAsync(emulator, app.Services.GetRequiredService<ConnectionService>(), cancellationToken);
                created = (await store.ReplaceNamedAsync(DemoTenant.KeyName, cancellationToken)).Key;
            }
            else if (await store.CreateFirstAsync("first start", cancellationToken) is { } first)
            {
                created = first.Key;
            }

            var runs = app.Services.GetRequiredService<RunService>();
            await runs.MarkOwnerlessInterruptedAsync(cancellationToken);
            app.Lifetime.ApplicationStopping.Register(() => runs.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult());
            var playbookRuns = app.Services.GetRequiredService<Entrada.Core.Playbooks.PlaybookService>();
            app.Lifetime.ApplicationStopping.Register(() => playbookRuns.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult());
            await app.StartAsync(cancellationToken);
            // Schedules fire and watches poll only while a server runs; stopped before the runs it may still start.
            var triggers = app.Services.GetRequiredService<Entrada.Core.Playbooks.Triggers.PlaybookTriggerScheduler>();
            await triggers.StartAsync(cancellationToken);
            app.Lifetime.ApplicationStopping.Register(() => triggers.StopAsync().GetAwaiter().GetResult());
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var url = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal));
            if (emulator is not null)
            {
                DemoTenant.RegisterRedirectUris(emulator, url);
            }

            return new EntradaServer(app, url, created, emulator);
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Waits until the token is cancelled (Ctrl+C) or the host stops.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var onStop = _app.Lifetime.ApplicationStopping.Register(() => stopped.TrySetResult());
        await using var onCancel = cancellationToken.Register(() => stopped.TrySetResult());
        await stopped.Task;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }

    private static WebApplication Build(ServerSettings settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EntradaServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
            Args = [],
        });
        builder.WebHost.UseUrls(settings.Urls);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            if (settings.TlsCertificate is { } certificate)
            {
                k.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
            }
        });
        builder.Logging.ClearProviders();
        if (settings.ConfigureLogging is { } configure)
        {
            configure(builder.Logging);
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        }

        // ASP.NET Core's request lines print the whole URL, query string and all (the OAuth
        // callback's code and state): off for every logger, whatever levels were chosen above;
        // RequestLog writes the path instead.
        builder.Services.PostConfigure<LoggerFilterOptions>(o =>
        {
            foreach (var provider in o.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
            {
                o.Rules.Add(new LoggerFilterRule(provider, RequestLog.HostingCategory, LogLevel.Warning, null));
            }
        });

        var services = builder.Services;
        var keyRing = settings.KeyRing ?? KeyRingProtection.FromEnvironment(settings.Home);
        keyRing.EnsureCanRead(settings.Home.KeysPath);
        services.AddSingleton(keyRing);
        if (settings.Runners is { } runnerOptions)
        {
            services.AddSingleton(runnerOptions);
        }

        services.AddEntradaCore(settings.Home);
        services.AddEntradaGraph();
        services.AddEntradaLdap();
        services.AddSingleton(settings);
        services.AddSingleton<DraftSecrets>();
        services.AddSingleton<WebSignIns>();
        services.AddSingleton(new SignInThrottle(settings.SignInFailureLimit, settings.SignInFailureWindow));
        services.AddSingleton<SessionTicketStore>();
        services.AddOptions<CookieAuthenticationOptions>(EntradaAuth.CookieScheme)
            .Configure<SessionTicketStore>((o, sessions) => o.SessionStore = sessions);

        // The cookie and antiforgery keys live in the same key ring as the secrets at rest, protected alike.
        keyRing.AddEntradaKeyRing(services, settings.Home);

        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddOpenApi("v1", o => o.AddDocumentTransformer<OpenApiSecurity>());

        services.AddAuthentication(EntradaAuth.CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(EntradaAuth.ApiKeyScheme, null)
            .AddScheme<AuthenticationSchemeOptions, Runners.RunnerAuthenticationHandler>(Runners.RunnerAuth.Scheme, null)
            .AddCookie(EntradaAuth.CookieScheme, o =>
            {
                o.Cookie.Name = "entrada.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
                o.LoginPath = "/sign-in";
                o.LogoutPath = "/sign-out";
                o.AccessDeniedPath = "/sign-in";
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = async context =>
                {
                    // A session ends as soon as the key it signed in with is revoked.
                    var id = context.Principal?.FindFirst(EntradaAuth.KeyIdClaim)?.Value;
                    var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
                    if (id is null || !await keys.IsActiveAsync(id, context.HttpContext.RequestAborted))
                    {
                        context.RejectPrincipal();
                        await context.HttpContext.SignOutAsync(EntradaAuth.CookieScheme);
                    }
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(EntradaAuth.ApiPolicy, p => p.AddAuthenticationSchemes(EntradaAuth.ApiKeyScheme).RequireAuthenticatedUser())
            .AddPolicy(Runners.RunnerAuth.Policy, p => p.AddAuthenticationSchemes(Runners.RunnerAuth.Scheme).RequireClaim(Runners.RunnerAuth.RunnerIdClaim));
        // Runners connect outbound to this hub (WebSockets, or long polling where a proxy refuses them).
        services.AddSignalR(o =>
        {
            o.MaximumReceiveMessageSize = 8 * 1024 * 1024;
            o.EnableDetailedErrors = false;
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "entrada.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            o.Cookie.HttpOnly = true;
        });
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/Error");
            // The identity platform's redirect is a cross-site navigation: the SameSite=Strict
            // session cookie does not come with it. The callback is checked by its state instead.
            o.Conventions.AllowAnonymousToPage("/Connections/OAuthCallback");
        });

        var app = builder.Build();
        var requestLogger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Entrada.Server.Requests");
        var time = app.Services.GetRequiredService<TimeProvider>();
        app.Use((http, next) => RequestLog.InvokeAsync(http, () => next(http), requestLogger, time));
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", AllowStatusCode404Response = true });
        app.UseWhen(http => http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), api => api.UseStatusCodePages());
        app.Use(async (http, next) =>
        {
            ContentSecurity.Apply(http);
            await next(http);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use((http, next) => RequestLimits.InvokeAsync(http, () => next(http), settings));

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        var api = app.MapGroup("/api/v1").RequireAuthorization(EntradaAuth.ApiPolicy);
        api.MapConnectionsApi();
        api.MapActionsApi(settings);
        api.MapRunsApi();
        api.MapAuditApi();
        api.MapJobsApi();
        api.MapPlaybooksApi(settings);
        api.MapPlaybookTriggersApi();
        api.MapRunnersApi();
        api.MapFallback(() => TypedResults.Problem(Problems.Of(StatusCodes.Status404NotFound, "There is no such API endpoint; see /openapi/v1.json.")));
        app.MapGet("/", () => TypedResults.Redirect("/connections")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/healthz", () => TypedResults.Text("ok")).AllowAnonymous().ExcludeFromDescription();
        // A connection's page was /connections/{name} until a connection called 'new' showed that the
        // fixed pages there could hide one; links kept from then still lead to it.
        app.MapGet("/connections/{name}", (string name, HttpRequest request) => TypedResults.Redirect(ConnectionPages.PathOf(name) + request.QueryString, permanent: true))
            .RequireAuthorization().ExcludeFromDescription();
        app.MapRunnerRegistration();
        app.MapHub<Runners.RunnerHub>(Core.Runners.RunnerProtocol.HubPath);
        app.Services.GetRequiredService<Core.Runners.RunnerDispatcher>().Channel =
            new Runners.SignalRRunnerChannel(app.Services.GetRequiredService<Microsoft.AspNetCore.SignalR.IHubContext<Runners.RunnerHub>>());
        app.MapRazorPages();
        return app;
    }
}
