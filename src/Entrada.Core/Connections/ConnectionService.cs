using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Entrada.Core.Audit;
using Entrada.Core.Diagnostics;

namespace Entrada.Core.Connections;

/// <summary>A sign-in an edge carried out (a browser, a device code, a web redirect): the connection holding its new token cache, and who signed in.</summary>
public interface ISignedIn
{
    /// <summary>The connection with its new sign-in (token cache).</summary>
    Connection Connection { get; }

    /// <summary>Who signed in.</summary>
    string UserPrincipalName { get; }
}

/// <summary>How to add a connection.</summary>
public sealed record AddConnectionOptions
{
    /// <summary>Test it first and save it only when authentication works.</summary>
    public bool TestFirst { get; init; }

    /// <summary>A report of testing exactly this request already (the page's Test Connection), kept with the connection.</summary>
    public ConnectionTestReport? Tested { get; init; }

    /// <summary>
    /// Completes the connection before it is saved — an OAuth connection's first sign-in. A
    /// failure is audited as the add's and nothing is saved.
    /// </summary>
    public Func<Connection, CancellationToken, Task<Connection>>? BeforeSave { get; init; }
}

/// <summary>What adding a connection did.</summary>
/// <param name="Connection">The connection (saved, or as it would have been).</param>
/// <param name="Saved">Whether it was saved (false when the first test could not authenticate).</param>
/// <param name="Report">The test's report, when it was tested.</param>
public sealed record AddConnectionResult(Connection Connection, bool Saved, ConnectionTestReport? Report);

/// <summary>What updating a connection did.</summary>
/// <param name="Connection">The connection as saved.</param>
/// <param name="Changed">The settings that changed, as people name them.</param>
/// <param name="ClearedSecrets">
/// The stored secrets dropped because the update moved where they are sent without giving them
/// again (<see cref="SecretDestination"/>): set them again before the connection is used.
/// </param>
public sealed record UpdateConnectionResult(Connection Connection, IReadOnlyList<string> Changed, IReadOnlyList<string> ClearedSecrets)
{
    /// <summary>A sentence that says which secrets were dropped and why, or null when none was.</summary>
    public string? ClearedMessage => ClearedSecrets.Count == 0
        ? null
        : $"The stored {string.Join(" and ", ClearedSecrets)} of connection '{Connection.Name}' {(ClearedSecrets.Count == 1 ? "was" : "were")} removed: the update changed where {(ClearedSecrets.Count == 1 ? "it is" : "they are")} sent without giving {(ClearedSecrets.Count == 1 ? "it" : "them")} again. Set {(ClearedSecrets.Count == 1 ? "it" : "them")} again before using the connection.";
}

/// <summary>
/// The connection use cases of every edge — add, update, remove, test, sign in and out — each
/// validated, stored and audited here once. It also keeps the last full readiness report of every
/// connection tested through it, so that an edge can show which actions are ready without testing again.
/// </summary>
public sealed class ConnectionService(ConnectionStore store, ConnectionTesting testing, AuditLog audit, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConnectionTestReport> _reports = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every connection.</summary>
    public Task<IReadOnlyList<Connection>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>One connection; unknown names throw <see cref="ConnectionNotFoundException"/>.</summary>
    public Task<Connection> GetAsync(string name, CancellationToken cancellationToken) => store.GetAsync(name, cancellationToken);

    /// <summary>One connection, or null when no connection has that name.</summary>
    public Task<Connection?> FindAsync(string name, CancellationToken cancellationToken) => store.FindAsync(name, cancellationToken);

    /// <summary>One OAuth connection; a connection of another method is refused (only OAuth connections sign in).</summary>
    public async Task<Connection> GetOAuthAsync(string name, CancellationToken cancellationToken)
    {
        var connection = await store.GetAsync(name, cancellationToken);
        return connection.Method == ConnectionMethod.OAuth
            ? connection
            : throw new EntradaValidationException("method", $"Connection '{connection.Name}' uses {connection.Method.ToWireName()}; only OAuth connections sign in.");
    }

    /// <summary>
    /// Validates and saves a new connection: optionally completed first (<see cref="AddConnectionOptions.BeforeSave"/>)
    /// and tested first (<see cref="AddConnectionOptions.TestFirst"/>, saved only if it authenticates).
    /// Audited whatever the outcome.
    /// </summary>
    public async Task<AddConnectionResult> AddAsync(ConnectionRequest request, Caller caller, AddConnectionOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        options ??= new AddConnectionOptions();
        var started = time.GetTimestamp();
        Connection connection;
        try
        {
            connection = ConnectionFactory.Create(request, time.GetUtcNow());
        }
        catch (EntradaException ex)
        {
            await AuditAsync(caller, "connections.add", request.Name, AuditOutcome.Failed, started, new JsonObject { ["method"] = request.Method }, ex.Message);
            throw;
        }

        var details = new JsonObject
        {
            ["method"] = connection.Method.ToWireName(),
            ["cloud"] = connection.Method == ConnectionMethod.Ldap ? null : connection.Cloud.WireName,
        };
        var report = options.Tested;
        try
        {
            if (options.BeforeSave is { } complete)
            {
                connection = await complete(connection, cancellationToken);
            }

            if (options.TestFirst)
            {
                report = await testing.TestAsync(connection, caller, cancellationToken);
                if (!report.Authenticated)
                {
                    await AuditAsync(caller, "connections.add", connection.Name, AuditOutcome.Failed, started, details, report.Error);
                    return new AddConnectionResult(connection, Saved: false, report);
                }
            }

            if (report is not null)
            {
                connection = connection with { LastTest = report.ToSummary() };
            }

            await store.AddAsync(connection, cancellationToken);
        }
        catch (EntradaException ex)
        {
            await AuditAsync(caller, "connections.add", connection.Name, AuditOutcome.Failed, started, details, ex.Message);
            throw;
        }

        if (report is not null)
        {
            _reports[connection.Name] = report;
        }

        await AuditAsync(caller, "connections.add", connection.Name, AuditOutcome.Succeeded, started, details, null);
        return new AddConnectionResult(connection, Saved: true, report);
    }

    /// <summary>
    /// Audits an add that an edge refused before it could call <see cref="AddAsync"/> (a secret or
    /// file it could not read, an option that does not apply), so that every failed add is on
    /// record whichever layer refused it.
    /// </summary>
    public Task RecordRefusedAddAsync(string? name, string? method, Caller caller, EntradaException error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(error);
        cancellationToken.ThrowIfCancellationRequested();
        return AuditAsync(caller, "connections.add", string.IsNullOrWhiteSpace(name) ? null : name, AuditOutcome.Failed, time.GetTimestamp(), new JsonObject { ["method"] = method }, error.Message);
    }

    /// <summary>Applies changes to every setting but the name; a rename is refused with <see cref="ConnectionNameImmutableException"/>.</summary>
    public async Task<UpdateConnectionResult> UpdateAsync(string name, ConnectionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var started = time.GetTimestamp();
        var existing = await store.GetAsync(name, cancellationToken);
        var changed = request.Fields();
        Connection updated;
        try
        {
            if (changed.Count == 0 && request.Name is null)
            {
                throw new EntradaValidationException("connection", $"Nothing to update: give at least one setting of connection '{existing.Name}' to change.") { Next = new NextStep(NextStepKind.UpdateConnection, existing.Name) };
            }

            updated = ConnectionFactory.Update(existing, request, time.GetUtcNow());
        }
        catch (EntradaException ex)
        {
            await AuditAsync(caller, "connections.update", existing.Name, AuditOutcome.Failed, started, Changed(changed), ex is ConnectionNameImmutableException ? "Rename refused: a connection's name cannot change." : ex.Message);
            throw;
        }

        // A stored secret follows its destination: one that would now be sent elsewhere is dropped.
        var (safe, cleared) = SecretDestination.Follow(existing, updated, request);
        await store.UpdateAsync(safe, cancellationToken);
        _reports.TryRemove(existing.Name, out _);
        var details = Changed(changed);
        if (cleared.Count > 0)
        {
            details["removedOnDestinationChange"] = new JsonArray([.. cleared.Select(c => (JsonNode?)JsonValue.Create(c))]);
        }

        await AuditAsync(caller, "connections.update", existing.Name, AuditOutcome.Succeeded, started, details, null);
        return new UpdateConnectionResult(safe, changed, cleared);
    }

    /// <summary>Removes a connection and its secrets; returns its exact name.</summary>
    public async Task<string> RemoveAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var removed = await store.RemoveAsync(name, cancellationToken);
        _reports.TryRemove(removed, out _);
        await AuditAsync(caller, "connections.remove", removed, AuditOutcome.Succeeded, started, null, null);
        return removed;
    }

    /// <summary>Tests a saved connection and keeps the outcome with it.</summary>
    public async Task<ConnectionTestReport> TestAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        var connection = await store.GetAsync(name, cancellationToken);
        var report = await testing.TestAsync(connection, caller, cancellationToken);
        await store.SetLastTestAsync(connection.Name, report.ToSummary(), CancellationToken.None);
        _reports[report.Connection] = report;
        return report;
    }

    /// <summary>Tests a connection that is not saved yet (the add dialog's Test Connection).</summary>
    public async Task<ConnectionTestReport> TestUnsavedAsync(ConnectionRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var connection = ConnectionFactory.Create(request, time.GetUtcNow());
        return await testing.TestAsync(connection, caller, cancellationToken);
    }

    /// <summary>The last report of a connection tested through this service, if any.</summary>
    public ConnectionTestReport? LastReport(string name) => _reports.GetValueOrDefault(name);

    /// <summary>
    /// Carries out a sign-in of an OAuth connection and keeps it, encrypted, with the saved
    /// connection; audited whatever the outcome. <paramref name="name"/> is the connection the
    /// sign-in is for when known (a failed web callback may not know it; then nothing is audited).
    /// </summary>
    public async Task<T> SignInAsync<T>(string? name, Caller caller, Func<CancellationToken, Task<T>> signIn, CancellationToken cancellationToken)
        where T : ISignedIn
    {
        ArgumentNullException.ThrowIfNull(signIn);
        var started = time.GetTimestamp();
        T result;
        Connection saved;
        try
        {
            result = await signIn(cancellationToken);
            saved = await store.GetAsync(result.Connection.Name, cancellationToken);
            if (saved.OAuth is null || result.Connection.OAuth is null)
            {
                throw new EntradaValidationException("method", $"Connection '{saved.Name}' is not an OAuth connection; only OAuth connections sign in.");
            }
        }
        catch (EntradaException ex) when (name is not null)
        {
            await AuditAsync(caller, "connections.sign-in", name, AuditOutcome.Failed, started, null, ex.Message);
            throw;
        }

        var updated = saved with { OAuth = saved.OAuth with { TokenCache = result.Connection.OAuth.TokenCache, SignedInUser = result.UserPrincipalName }, UpdatedAt = time.GetUtcNow() };
        await store.UpdateAsync(updated, cancellationToken);
        await AuditAsync(caller, "connections.sign-in", saved.Name, AuditOutcome.Succeeded, started, new JsonObject { ["signedInUser"] = result.UserPrincipalName }, null);
        return result;
    }

    /// <summary>Forgets the sign-in of an OAuth connection: its token cache is removed.</summary>
    public async Task<Connection> SignOutAsync(string name, Caller caller, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var saved = await store.GetAsync(name, cancellationToken);
        if (saved.OAuth is null)
        {
            throw new EntradaValidationException("method", $"Connection '{saved.Name}' is not an OAuth connection; only OAuth connections sign in and out.");
        }

        var updated = saved with { OAuth = saved.OAuth with { TokenCache = null, SignedInUser = null }, UpdatedAt = time.GetUtcNow() };
        await store.UpdateAsync(updated, cancellationToken);
        await AuditAsync(caller, "connections.sign-out", saved.Name, AuditOutcome.Succeeded, started, null, null);
        return updated;
    }

    private static JsonObject Changed(IReadOnlyList<string> changed) =>
        new() { ["changed"] = new JsonArray([.. changed.Select(c => (JsonNode?)JsonValue.Create(c))]) };

    private Task<long> AuditAsync(Caller caller, string operation, string? connection, AuditOutcome outcome, long started, JsonObject? details, string? error) =>
        audit.RecordAsync(caller, operation, connection, outcome, time.GetElapsedTime(started), details, error);
}
