using System.Security.Cryptography.X509Certificates;
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
/// The client side of a side-by-side run, built from a <see cref="TenantEndpoint"/> alone (so it
/// works in the emulator's process and in a child process alike): Entrada composed exactly as the
/// CLI composes it (core + Graph services on a temporary ENTRADA_HOME, an App Registration
/// connection with a custom cloud and the emulator's CA saved in its store), and the naive peer's
/// <see cref="GraphServiceClient"/> built the way the Graph SDK documents it
/// (<see cref="GraphClientFactory"/> default middleware, whose RetryHandler honours Retry-After,
/// and an Azure.Identity <see cref="ClientSecretCredential"/>). Both trust exactly the emulator's CA.
/// </summary>
internal sealed class BenchClients : IAsyncDisposable
{
    public const string ConnectionName = "bench";

    private readonly string _home;
    private readonly X509Certificate2 _ca;
    private readonly List<IDisposable> _owned = [];

    private BenchClients(TenantEndpoint endpoint, ServiceProvider services, string home, X509Certificate2 ca)
    {
        Endpoint = endpoint;
        Services = services;
        _home = home;
        _ca = ca;
    }

    public TenantEndpoint Endpoint { get; }

    public ServiceProvider Services { get; }

    public ActionRunner Runner => Services.GetRequiredService<ActionRunner>();

    /// <summary>Composes Entrada on a new temporary ENTRADA_HOME and saves the <see cref="ConnectionName"/> connection to <paramref name="endpoint"/>.</summary>
    public static async Task<BenchClients> ConnectAsync(TenantEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var home = Path.Combine(Path.GetTempPath(), "entrada-bench-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEntradaCore(new EntradaHome(home));
        services.AddEntradaGraph();
        var provider = services.BuildServiceProvider();
        var clients = new BenchClients(endpoint, provider, home, X509Certificate2.CreateFromPem(endpoint.CaCertificatePem));
        await provider.GetRequiredService<ConnectionStore>().AddAsync(
            new Connection
            {
                Name = ConnectionName,
                Method = ConnectionMethod.AppRegistration,
                Cloud = new CloudSettings(CloudKind.Custom, endpoint.AuthorityHost, endpoint.GraphEndpoint, endpoint.CaCertificatePem),
                AppRegistration = new AppRegistrationSettings(endpoint.TenantId, endpoint.ClientId, new Secret(endpoint.ClientSecret), null),
            },
            default);
        return clients;
    }

    /// <summary>
    /// The naive peer's client: Graph SDK defaults (retry honouring Retry-After, redirect …),
    /// a client-secret credential with instance discovery off and a transport trusting the emulator's CA.
    /// </summary>
    public GraphServiceClient CreateNaiveClient()
    {
        var tokenHttp = new HttpClient(EmulatorTrust.CreateSocketsHandler(_ca));
        _owned.Add(tokenHttp);
        var credential = new ClientSecretCredential(Endpoint.TenantId, Endpoint.ClientId, Endpoint.ClientSecret, new ClientSecretCredentialOptions
        {
            AuthorityHost = Endpoint.AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new HttpClientTransport(tokenHttp),
        });
        var http = GraphClientFactory.Create(GraphClientFactory.CreateDefaultHandlers(), version: "v1.0", nationalCloud: GraphClientFactory.Global_Cloud, proxy: null, finalHandler: EmulatorTrust.CreateSocketsHandler(_ca), disposeHandler: true);
        http.Timeout = TimeSpan.FromMinutes(10);
        _owned.Add(http);
        var auth = new AzureIdentityAuthenticationProvider(credential, [Endpoint.GraphEndpoint.Host], observabilityOptions: null, isCaeEnabled: false, scopes: ["https://graph.microsoft.com/.default"]);
        return new GraphServiceClient(http, auth, Endpoint.GraphRoot);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await Services.DisposeAsync();
        _ca.Dispose();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
