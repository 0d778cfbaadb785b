using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Storage;
using Entrada.Emulator;
using Entrada.Graph.OAuth;
using Entrada.Graph.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Entrada.Graph.Tests.OAuth;

/// <summary>
/// An emulated tenant over HTTPS and Entrada's services on a temporary ENTRADA_HOME, as the CLI
/// composes them; <see cref="Restart"/> builds a second set of services on the same home, as a
/// new process would, so that what survives a restart is only what the store kept.
/// </summary>
public class OAuthFixture : IAsyncLifetime
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "entrada-oauth-test-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];

    protected virtual EmulatorOptions Options => new() { Users = 30, Groups = 5, Throttle = ThrottleMode.Off };

    public EmulatorServer Server { get; private set; } = null!;

    /// <summary>The services of the current "process".</summary>
    public ServiceProvider Services { get; private set; } = null!;

    /// <summary>Requests the emulator received.</summary>
    public RequestLog Requests { get; } = new();

    /// <summary>Every log line Entrada wrote, across restarts.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    public EntradaHome Home => new(_home);

    public EmulatorApp Demo => Server.Apps.Single(a => a.Name == "demo");

    public EmulatorApp NoConsent => Server.Apps.Single(a => a.Name == "no-consent");

    public ConnectionStore Store => Services.GetRequiredService<ConnectionStore>();

    public OAuthSignIn SignIn => Services.GetRequiredService<OAuthSignIn>();

    public CloudSettings Cloud => new(CloudKind.Custom, Server.AuthorityHost, Server.GraphEndpoint, Server.CaCertificatePem);

    /// <summary>A user of the tenant by index (0–2 hold admin roles; 9, 19 … are Guests).</summary>
    public string UserId(int index) => Server.State.GetUserIds()[index];

    public string Upn(string userId) => Server.State.FindUser(userId)!.UserPrincipalName;

    public async Task InitializeAsync()
    {
        var options = Options;
        options.LoggerFactory = LoggerFactory.Create(b => b.AddProvider(Requests).SetMinimumLevel(LogLevel.Information));
        Server = await EmulatorServer.StartAsync(options);
        Services = Build();
    }

    /// <summary>New services on the same ENTRADA_HOME: nothing in memory survives, only the store.</summary>
    public ServiceProvider Restart()
    {
        Services = Build();
        return Services;
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(new CapturingLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
        services.AddEntradaCore(new EntradaHome(_home));
        services.AddEntradaGraph();
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>An OAuth connection (not signed in) to an app of the emulated tenant.</summary>
    public Connection OAuthConnection(string name, EmulatorApp? app = null, string? tenant = null) => new()
    {
        Name = name,
        Method = ConnectionMethod.OAuth,
        Cloud = Cloud,
        OAuth = new OAuthSettings(tenant ?? Server.TenantId, (app ?? Demo).ClientId),
    };

    /// <summary>Signs in with a device code that the user approves through the emulator's control API while MSAL polls.</summary>
    public async Task<OAuthSignInResult> DeviceCodeSignInAsync(Connection connection, string userId, CancellationToken cancellationToken = default)
    {
        Task<HttpResponseMessage>? approval = null;
        var result = await SignIn.SignInWithDeviceCodeAsync(
            connection,
            (code, _) =>
            {
                approval = Task.Run(async () =>
                {
                    await Task.Delay(1200, cancellationToken);
                    return await ControlAsync(HttpMethod.Post, $"devicecodes/{code.UserCode}/approve", new { user = userId });
                });
                return Task.CompletedTask;
            },
            cancellationToken);
        (await approval!).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        return result;
    }

    /// <summary>
    /// Signs in through the browser flow: the emulator's sign-in page is driven with an HttpClient
    /// (pick the user, consent), and its redirect is followed to Entrada's loopback listener.
    /// </summary>
    public async Task<OAuthSignInResult> BrowserSignInAsync(Connection connection, string userId, bool consent = true)
    {
        Task<Uri>? browser = null;
        try
        {
            return await SignIn.SignInWithBrowserAsync(
                connection,
                (url, _) =>
                {
                    browser = Task.Run(() => BrowseAsync(url, userId, consent));
                    return Task.CompletedTask;
                },
                CancellationToken.None);
        }
        finally
        {
            if (browser is not null)
            {
                LastRedirect = await browser;
            }
        }
    }

    /// <summary>Where the emulator's sign-in page redirected the browser last.</summary>
    public Uri? LastRedirect { get; private set; }

    /// <summary>Acts as the person's browser: authorize page, form post, redirect followed.</summary>
    public async Task<Uri> BrowseAsync(Uri authorizeUrl, string userId, bool consent = true)
    {
        var form = await SignInPage.FormAsync(Server, authorizeUrl);
        form["user"] = userId;
        form["action"] = "accept";
        if (consent)
        {
            form["consent"] = "on";
        }

        var redirect = await SignInPage.PostAsync(Server, new Uri(authorizeUrl.GetLeftPart(UriPartial.Path)), form);
        if (redirect.IsLoopback && redirect.Scheme == Uri.UriSchemeHttp)
        {
            using var loopback = new HttpClient();
            using var landing = await loopback.GetAsync(redirect);
            landing.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        return redirect;
    }

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

    /// <summary>Runs an action through the runner of the current services.</summary>
    public async Task<(ActionRunResult Result, IReadOnlyList<JsonNode?> Items)> RunAsync(string actionId, string connection, object? input = null)
    {
        var items = new List<JsonNode?>();
        var json = input is null ? new JsonObject() : JsonSerializer.SerializeToNode(input, ActionInput.Options);
        var result = await Services.GetRequiredService<ActionRunner>().RunAsync(
            new ActionRunRequest(actionId, connection, json) { Caller = Entrada.Core.Caller.Cli() },
            (item, _) =>
            {
                items.Add(JsonSerializer.SerializeToNode(item, item?.GetType() ?? typeof(object), ActionInput.Options));
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
        return (result, items);
    }

    /// <summary>The token-endpoint requests the emulator has answered so far.</summary>
    public int TokenRequests => Requests.Count("/oauth2/v2.0/token");

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}

/// <summary>An emulated tenant whose access tokens live three minutes, so MSAL (which renews within five minutes of expiry) refreshes on every new process.</summary>
public sealed class ShortLivedTokenFixture : OAuthFixture
{
    protected override EmulatorOptions Options => new() { Users = 30, Groups = 5, Throttle = ThrottleMode.Off, AccessTokenLifetime = TimeSpan.FromMinutes(3) };
}

/// <summary>Drives the emulator's HTML sign-in page as a browser would.</summary>
public static partial class SignInPage
{
    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenInput();

    private static HttpClient Browser(EmulatorServer server)
    {
        var handler = server.CreateHttpHandler();
        handler.AllowAutoRedirect = false;
        return new HttpClient(handler);
    }

    public static async Task<Dictionary<string, string>> FormAsync(EmulatorServer server, Uri page)
    {
        using var http = Browser(server);
        using var response = await http.GetAsync(page);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        return HiddenInput().Matches(html).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
    }

    public static async Task<Uri> PostAsync(EmulatorServer server, Uri action, Dictionary<string, string> form)
    {
        using var http = Browser(server);
        using var response = await http.PostAsync(action, new FormUrlEncodedContent(form));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return response.Headers.Location!;
    }
}

/// <summary>Looks for a token in bytes: as UTF-8, UTF-16, and base64 of either.</summary>
public static class TokenScan
{
    public static string? Find(byte[] haystack, string token)
    {
        foreach (var (form, needle) in Forms(token))
        {
            if (haystack.AsSpan().IndexOf(needle) >= 0)
            {
                return form;
            }
        }

        return null;
    }

    /// <summary>The access, refresh and ID tokens an MSAL v3 cache (as the connection keeps it) holds.</summary>
    public static IReadOnlyList<(string Kind, string Value)> TokensIn(Entrada.Core.Secrets.Secret cache)
    {
        var json = JsonNode.Parse(Convert.FromBase64String(cache.Reveal()))!.AsObject();
        var result = new List<(string, string)>();
        foreach (var kind in (string[])["AccessToken", "RefreshToken", "IdToken"])
        {
            if (json[kind] is JsonObject entries)
            {
                result.AddRange(entries.Select(e => (kind, e.Value!["secret"]!.GetValue<string>())));
            }
        }

        return result;
    }

    private static IEnumerable<(string Form, byte[] Needle)> Forms(string secret)
    {
        yield return ("plain", Encoding.UTF8.GetBytes(secret));
        yield return ("utf-16", Encoding.Unicode.GetBytes(secret));
        foreach (var source in new[] { Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret) })
        {
            for (var offset = 0; offset < 3; offset++)
            {
                var chunk = source[offset..];
                yield return ("base64", Encoding.ASCII.GetBytes(Convert.ToBase64String(chunk[..(chunk.Length / 3 * 3)])));
            }
        }
    }
}
