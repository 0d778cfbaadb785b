using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Ldap.Tests.Support;

/// <summary>Entrada as the edges use it — core services, a real store in a temporary ENTRADA_HOME, the LDAP side — for running actions end to end.</summary>
internal sealed class EntradaHost : IAsyncDisposable
{
    private readonly string _home;

    private EntradaHost(string home, ServiceProvider services)
    {
        _home = home;
        Services = services;
    }

    public ServiceProvider Services { get; }

    public static EntradaHost Create()
    {
        var home = Path.Combine(Path.GetTempPath(), "entrada-ldap-tests-" + Guid.NewGuid().ToString("N"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEntradaCore(new EntradaHome(home));
        services.AddEntradaLdap();
        return new EntradaHost(home, services.BuildServiceProvider());
    }

    /// <summary>Adds a connection the way 'entrada connections add' does: validated by the factory, saved encrypted.</summary>
    public async Task<Connection> AddConnectionAsync(ConnectionRequest request)
    {
        var connection = ConnectionFactory.Create(request, DateTimeOffset.UtcNow);
        await Services.GetRequiredService<ConnectionStore>().AddAsync(connection, CancellationToken.None);
        return connection;
    }

    public static ConnectionRequest SambaRequest(string name, string bindDn, string password, string? caPem = null) => new()
    {
        Name = name,
        Method = "ldap",
        Uri = TestServers.Env("ENTRADA_TEST_SAMBA_URI"),
        BindDn = bindDn,
        Password = new Secret(password),
        CaCertificate = caPem ?? TestServers.SambaCaPem,
    };

    public Task<ConnectionTestReport> TestAsync(string name) =>
        Services.GetRequiredService<ConnectionService>().TestAsync(name, Caller.Cli(), CancellationToken.None);

    public async Task<(ActionRunResult Result, List<object?> Items)> RunAsync(string actionId, string connection, JsonNode input, bool dryRun = false)
    {
        var items = new List<object?>();
        var result = await Services.GetRequiredService<ActionRunner>().RunAsync(
            new ActionRunRequest(actionId, connection, input) { Caller = Entrada.Core.Caller.Cli(), DryRun = dryRun },
            (item, _) =>
            {
                items.Add(item);
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);
        return (result, items);
    }

    public async Task<T> RunValueAsync<T>(string actionId, string connection, JsonNode input, bool dryRun = false)
    {
        var (result, _) = await RunAsync(actionId, connection, input, dryRun);
        return (T)result.Value!;
    }

    public async Task<List<T>> RunListAsync<T>(string actionId, string connection, JsonNode input)
    {
        var (_, items) = await RunAsync(actionId, connection, input);
        return [.. items.Cast<T>()];
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
