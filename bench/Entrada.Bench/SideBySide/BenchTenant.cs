using Azure.Core.Pipeline;
using Azure.Identity;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Emulator;
using Entrada.Graph;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Graph;
using Microsoft.Kiota.Authentication.Azure;

namespace Entrada.Bench.SideBySide;

/// <summary>
/// One emulated tenant (in this process, over real HTTPS) and the two clients of a side-by-side run:
/// Entrada composed exactly as the CLI composes it (core + Graph services on a temporary
/// ENTRADA_HOME, an App Registration connection saved in its store), and the naive peer's
/// <see cref="GraphServiceClient"/> built the way the Graph SDK documents it
/// (<see cref="GraphClientFactory"/> default middleware, whose RetryHandler honours Retry-After,
/// and an Azure.Identity <see cref="ClientSecretCredential"/>).
/// </summary>
internal sealed class BenchTenant : IAsyncDisposable
{
    public const string ConnectionName = "bench";

    private readonly string _home;
    private readonly List<IDisposable> _owned = [];

    private BenchTenant(EmulatorServer server, ServiceProvider services, string home)
    {
        Server = server;
        Services = services;
        _home = home;
    }

    public EmulatorServer Server { get; }

    public ServiceProvider Services { get; }

    public EmulatorApp Demo => Server.Apps.Single(a => a.Name == "demo");

    public ActionRunner Runner => Services.GetRequiredService<ActionRunner>();

    /// <summary>Graph's base URL without the trailing slash (what @odata.id references start with).</summary>
    public string GraphRoot => Server.GraphEndpoint.ToString().TrimEnd('/');

    public static async Task<BenchTenant> StartAsync(EmulatorOptions options)
    {
        var server = await EmulatorServer.StartAsync(options);

        // A fresh ASP.NET Core app builds its routing tables on its first request, which would
        // land in whichever way is measured first; Microsoft's endpoints are always warm, so the
        // emulator is too before anything is timed.
        using (var warm = new HttpClient(server.CreateHttpHandler()))
        {
            using var response = await warm.GetAsync(new Uri(server.AuthorityHost, $"{server.TenantId}/v2.0/.well-known/openid-configuration"));
            response.EnsureSuccessStatusCode();
        }

        var home = Path.Combine(Path.GetTempPath(), "entrada-bench-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEntradaCore(new EntradaHome(home));
        services.AddEntradaGraph();
        var provider = services.BuildServiceProvider();
        var tenant = new BenchTenant(server, provider, home);
        var demo = tenant.Demo;
        await provider.GetRequiredService<ConnectionStore>().AddAsync(
            new Connection
            {
                Name = ConnectionName,
                Method = ConnectionMethod.AppRegistration,
                Cloud = new CloudSettings(CloudKind.Custom, server.AuthorityHost, server.GraphEndpoint, server.CaCertificatePem),
                AppRegistration = new AppRegistrationSettings(server.TenantId, demo.ClientId, new Secret(demo.ClientSecret), null),
            },
            default);
        return tenant;
    }

    /// <summary>
    /// The naive peer's client: Graph SDK defaults (retry honouring Retry-After, redirect …),
    /// a client-secret credential with instance discovery off and a transport trusting the emulator's CA.
    /// </summary>
    public GraphServiceClient CreateNaiveClient()
    {
        var tokenHttp = new HttpClient(Server.CreateHttpHandler());
        _owned.Add(tokenHttp);
        var credential = new ClientSecretCredential(Server.TenantId, Demo.ClientId, Demo.ClientSecret, new ClientSecretCredentialOptions
        {
            AuthorityHost = Server.AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(tokenHttp),
        });
        var http = GraphClientFactory.Create(GraphClientFactory.CreateDefaultHandlers(), version: "v1.0", nationalCloud: GraphClientFactory.Global_Cloud, proxy: null, finalHandler: Server.CreateHttpHandler(), disposeHandler: true);
        http.Timeout = TimeSpan.FromMinutes(10);
        _owned.Add(http);
        var auth = new AzureIdentityAuthenticationProvider(credential, [Server.GraphEndpoint.Host], observabilityOptions: null, isCaeEnabled: false, scopes: ["https://graph.microsoft.com/.default"]);
        return new GraphServiceClient(http, auth, GraphRoot);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await Services.DisposeAsync();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
