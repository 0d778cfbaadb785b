using Entrada.Core.Actions;
using Entrada.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Graph;

namespace Entrada.Bench.SideBySide;

/// <summary>
/// One emulated tenant (in this process, over real HTTPS) and the two clients of a side-by-side run
/// (<see cref="BenchClients"/>, built from the tenant's <see cref="Endpoint"/> alone, as a child
/// process builds them).
/// </summary>
internal sealed class BenchTenant : IAsyncDisposable
{
    public const string ConnectionName = BenchClients.ConnectionName;

    private readonly BenchClients _clients;

    private BenchTenant(EmulatorServer server, BenchClients clients)
    {
        Server = server;
        _clients = clients;
    }

    public EmulatorServer Server { get; }

    /// <summary>What a client (in this process or another) needs to reach the tenant.</summary>
    public TenantEndpoint Endpoint => _clients.Endpoint;

    public ServiceProvider Services => _clients.Services;

    public EmulatorApp Demo => Server.Apps.Single(a => a.Name == "demo");

    public ActionRunner Runner => _clients.Runner;

    /// <summary>Graph's base URL without the trailing slash (what @odata.id references start with).</summary>
    public string GraphRoot => Endpoint.GraphRoot;

    public static async Task<BenchTenant> StartAsync(EmulatorOptions options)
    {
        var server = await EmulatorServer.StartAsync(options);

        try
        {
            // A fresh ASP.NET Core app builds its routing tables on its first request, which would
            // land in whichever way is measured first; Microsoft's endpoints are always warm, so the
            // emulator is too before anything is timed.
            using (var warm = new HttpClient(server.CreateHttpHandler()))
            {
                using var response = await warm.GetAsync(new Uri(server.AuthorityHost, $"{server.TenantId}/v2.0/.well-known/openid-configuration"));
                response.EnsureSuccessStatusCode();
            }

            return new BenchTenant(server, await BenchClients.ConnectAsync(TenantEndpoint.Of(server)));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc cref="BenchClients.CreateNaiveClient"/>
    public GraphServiceClient CreateNaiveClient() => _clients.CreateNaiveClient();

    public async ValueTask DisposeAsync()
    {
        await _clients.DisposeAsync();
        await Server.DisposeAsync();
    }
}
