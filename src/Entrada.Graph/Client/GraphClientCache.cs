using Entrada.Core.Connections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Entrada.Graph.Client;

/// <summary>
/// One <see cref="GraphConnection"/> per connection, kept for the life of the process so the
/// token and the HTTP connections are reused across actions. A connection whose parameters
/// change (an updated secret, another cloud) gets a new one.
/// </summary>
internal sealed class GraphClientCache(TimeProvider time, ILoggerFactory? loggerFactory = null, OAuth.OAuthCredentials? delegated = null, TokenStore? tokens = null) : IDisposable
{
    private readonly Dictionary<string, GraphConnection> _connections = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Entrada.Graph");

    /// <summary>The Graph side of <paramref name="connection"/>, made on first use.</summary>
    public GraphConnection Get(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var key = Identity(connection);
        lock (_connections)
        {
            if (_connections.TryGetValue(connection.Name, out var existing))
            {
                if (Identity(existing.Connection) == key)
                {
                    return existing;
                }

                existing.Dispose();
                _connections.Remove(connection.Name);
            }

            var created = new GraphConnection(connection, time, _logger, delegated, tokens);
            GraphLog.ClientCreated(_logger, connection.Name, connection.Cloud.WireName, connection.Cloud.GraphEndpoint);
            Core.Diagnostics.StartupTimeline.Mark("Graph client created");
            _connections[connection.Name] = created;
            return created;
        }
    }

    /// <summary>
    /// A new Graph side for <paramref name="connection"/>, replacing the cached one, so a test sees
    /// a fresh token (permissions granted since the last token show up), not one kept by an earlier process.
    /// </summary>
    public GraphConnection Renew(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var created = new GraphConnection(connection, time, _logger, delegated, tokens, readPersisted: false);
        lock (_connections)
        {
            if (_connections.Remove(connection.Name, out var existing))
            {
                existing.Dispose();
            }

            _connections[connection.Name] = created;
        }

        return created;
    }

    public void Dispose()
    {
        lock (_connections)
        {
            foreach (var connection in _connections.Values)
            {
                connection.Dispose();
            }

            _connections.Clear();
        }
    }

    // What makes a connection's Graph side differ: method parameters and cloud, not the test
    // summary or timestamps. Records compare by value (secrets by their value, never printed).
    // An OAuth token cache changes with every refresh and is read from the store on each use, so
    // it is not part of the identity (a new signed-in user is).
    private static Connection Identity(Connection connection) =>
        connection with { LastTest = null, CreatedAt = default, UpdatedAt = default, OAuth = connection.OAuth is { } o ? o with { TokenCache = null } : null };
}
