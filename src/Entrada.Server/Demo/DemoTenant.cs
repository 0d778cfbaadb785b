using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Emulator;

namespace Entrada.Server.Demo;

/// <summary>
/// <c>serve --demo</c>: the emulated tenant, in-process, and a ready App Registration connection
/// named <c>Demo tenant</c> to it (a custom cloud whose CA is trusted for that connection only).
/// The emulator gets a new port and CA on every start, so the connection is refreshed each time.
/// </summary>
internal static class DemoTenant
{
    /// <summary>The demo connection's name.</summary>
    public const string ConnectionName = "Demo tenant";

    /// <summary>The name of the API key the demo makes on every start.</summary>
    public const string KeyName = "demo";

    /// <summary>Creates or refreshes the demo connection, then tests it so the list shows it ready.</summary>
    public static async Task<Connection> EnsureConnectionAsync(EmulatorServer emulator, ConnectionService connections, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(connections);
        var caller = new Caller(CallerInterface.Cli, "serve --demo");
        var app = emulator.Apps.First(a => a.Name == "demo");
        var request = new ConnectionRequest
        {
            Name = ConnectionName,
            Method = "app-registration",
            Cloud = "custom",
            TenantId = emulator.TenantId,
            ClientId = app.ClientId,
            ClientSecret = new Secret(app.ClientSecret),
            AuthorityHost = emulator.AuthorityHost.ToString(),
            GraphEndpoint = emulator.GraphEndpoint.ToString(),
            CaCertificate = emulator.CaCertificatePem,
        };

        var existing = await connections.FindAsync(ConnectionName, cancellationToken);
        Connection connection;
        if (existing is null)
        {
            connection = (await connections.AddAsync(request, caller, null, cancellationToken)).Connection;
        }
        else if (existing.Method != ConnectionMethod.AppRegistration)
        {
            throw new EntradaValidationException("name", $"A connection named '{existing.Name}' already exists with another method; remove it ('entrada connections remove \"{existing.Name}\"') to use --demo.");
        }
        else
        {
            connection = (await connections.UpdateAsync(existing.Name, request with { Name = null, Method = null }, caller, cancellationToken)).Connection;
        }

        await connections.TestAsync(connection.Name, caller, cancellationToken);
        return connection;
    }

    /// <summary>
    /// Registers the server's OAuth callback on the emulated tenant's apps, as an administrator
    /// adds a redirect URI to an app registration, so that OAuth connections to the demo tenant can
    /// sign in from the pages. Both loopback spellings are registered (any port matches).
    /// </summary>
    public static void RegisterRedirectUris(EmulatorServer emulator, Uri serverUrl)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(serverUrl);
        var hosts = serverUrl.IsLoopback ? new[] { serverUrl.Authority, $"localhost:{serverUrl.Port}", $"127.0.0.1:{serverUrl.Port}" } : [serverUrl.Authority];
        foreach (var app in emulator.Apps)
        {
            foreach (var host in hosts.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                emulator.State.AddAppRedirectUri(app.ClientId, $"{serverUrl.Scheme}://{host}{OAuth.WebSignIns.CallbackPath}");
            }
        }
    }
}
