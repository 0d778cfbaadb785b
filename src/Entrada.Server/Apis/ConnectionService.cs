using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Testing;

namespace Entrada.Server.Apis;

/// <summary>Who did something, through which edge: <c>api</c> or <c>web</c>, and the key's id.</summary>
/// <param name="Interface">The edge (<see cref="AuditInterfaces"/>).</param>
/// <param name="Actor">The actor recorded in the audit log.</param>
internal sealed record Caller(string Interface, string? Actor);

/// <summary>
/// Connection changes and tests for the API and the pages, each audited like the CLI's. It also
/// keeps the last full readiness report of every connection tested by this server, so that the
/// actions page can show which actions are ready without testing again.
/// </summary>
internal sealed class ConnectionService(ConnectionStore store, ConnectionTesting testing, AuditLog audit, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConnectionTestReport> _reports = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every connection.</summary>
    public Task<IReadOnlyList<Connection>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>One connection; unknown names throw <see cref="ConnectionNotFoundException"/>.</summary>
    public Task<Connection> GetAsync(string name, CancellationToken cancellationToken) => store.GetAsync(name, cancellationToken);

    /// <summary>Validates and saves a new connection.</summary>
    public async Task<Connection> CreateAsync(ConnectionRequest request, Caller caller, CancellationToken cancellationToken, ConnectionTestReport? tested = null)
    {
        var started = Stopwatch.GetTimestamp();
        var connection = ConnectionFactory.Create(request, time.GetUtcNow());
        if (tested is not null)
        {
            connection = connection with { LastTest = tested.ToSummary() };
            _reports[connection.Name] = tested;
        }

        await store.AddAsync(connection, cancellationToken);
        await AuditAsync("connections.add", connection.Name, AuditOutcomes.Succeeded, null, started, caller, new JsonObject
        {
            ["method"] = connection.Method.ToWireName(),
            ["cloud"] = connection.Method == ConnectionMethod.Ldap ? null : connection.Cloud.WireName,
        });
        return connection;
    }

    /// <summary>Applies changes; a rename is refused with <see cref="ConnectionNameImmutableException"/>.</summary>
    public async Task<Connection> UpdateAsync(string name, ConnectionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var existing = await store.GetAsync(name, cancellationToken);
        Connection updated;
        try
        {
            updated = ConnectionFactory.Update(existing, request, time.GetUtcNow());
        }
        catch (ConnectionNameImmutableException)
        {
            await AuditAsync("connections.update", existing.Name, AuditOutcomes.Failed, "Rename refused: a connection's name cannot change.", started, caller, null);
            throw;
        }

        await store.UpdateAsync(updated, cancellationToken);
        _reports.TryRemove(existing.Name, out _);
        await AuditAsync("connections.update", existing.Name, AuditOutcomes.Succeeded, null, started, caller, null);
        return updated;
    }

    /// <summary>Removes a connection and its secrets.</summary>
    public async Task<string> DeleteAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var removed = await store.RemoveAsync(name, cancellationToken);
        _reports.TryRemove(removed, out _);
        await AuditAsync("connections.remove", removed, AuditOutcomes.Succeeded, null, started, caller, null);
        return removed;
    }

    /// <summary>Tests a saved connection, keeps the outcome with it and the report here.</summary>
    public async Task<ConnectionTestReport> TestSavedAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        var report = await testing.TestSavedAsync(name, cancellationToken, caller.Interface, caller.Actor);
        _reports[report.Connection] = report;
        return report;
    }

    /// <summary>Tests a connection that is not saved yet (the add dialog's Test Connection).</summary>
    public async Task<ConnectionTestReport> TestUnsavedAsync(ConnectionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var connection = ConnectionFactory.Create(request, time.GetUtcNow());
        return await testing.TestAsync(connection, cancellationToken, caller.Interface, caller.Actor);
    }

    /// <summary>The last report of a connection tested by this server, if any.</summary>
    public ConnectionTestReport? LastReport(string name) => _reports.GetValueOrDefault(name);

    private Task AuditAsync(string operation, string connection, string outcome, string? error, long started, Caller caller, JsonObject? details) =>
        audit.WriteAsync(
            new AuditRecord
            {
                At = time.GetUtcNow(),
                Interface = caller.Interface,
                Actor = caller.Actor,
                Operation = operation,
                Connection = connection,
                Outcome = outcome,
                Duration = Stopwatch.GetElapsedTime(started),
                Details = details,
                Error = error,
            },
            CancellationToken.None);
}
