using Entrada.Core.Actions;
using Entrada.Core.Connections;

namespace Entrada.Core.Diagnostics;

/// <summary>One check of a connection test: reachable, TLS, token, bind …</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Detail">What was found, or what to do.</param>
public sealed record TestCheck(string Name, bool Passed, string Detail);

/// <summary>
/// What testing a connection found — never a bare "ok": the checks made, who is connected to
/// what, the permissions granted, and for every action whether it is ready and if not what to
/// grant, with the admin-consent link when an administrator must approve.
/// </summary>
public sealed record ConnectionTestReport
{
    /// <summary>The connection's name.</summary>
    public required string Connection { get; init; }
    /// <summary>Its method.</summary>
    public required ConnectionMethod Method { get; init; }
    /// <summary>When the test ran.</summary>
    public DateTimeOffset At { get; init; }
    /// <summary>Whether authentication (token or bind) worked.</summary>
    public bool Authenticated { get; init; }
    /// <summary>The checks, in order.</summary>
    public IReadOnlyList<TestCheck> Checks { get; init; } = [];
    /// <summary>Graph: the tenant's ID.</summary>
    public string? TenantId { get; init; }
    /// <summary>Graph: the tenant's display name.</summary>
    public string? TenantName { get; init; }
    /// <summary>OAuth: who is signed in. LDAP: the bind identity.</summary>
    public string? Identity { get; init; }
    /// <summary>Graph: permissions granted (token roles or scp).</summary>
    public IReadOnlyList<string> GrantedPermissions { get; init; } = [];
    /// <summary>LDAP: facts about the server (naming contexts, vendor, AD or not …).</summary>
    public IReadOnlyDictionary<string, string> ServerFacts { get; init; } = new Dictionary<string, string>();
    /// <summary>Readiness of every action that applies to the method.</summary>
    public IReadOnlyList<ActionReadiness> Actions { get; init; } = [];
    /// <summary>When something needs an administrator's consent: the URL to open.</summary>
    public string? AdminConsentUrl { get; init; }
    /// <summary>The steps an administrator takes.</summary>
    public IReadOnlyList<string> AdminSteps { get; init; } = [];
    /// <summary>Warnings (certificate validation skipped, secret expiring …).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>When authentication failed: the service's error code.</summary>
    public string? ErrorCode { get; init; }
    /// <summary>When authentication failed: what went wrong and what to do.</summary>
    public string? Error { get; init; }

    /// <summary><c>ready</c>, <c>partly-ready</c> or <c>failed</c>.</summary>
    public string Outcome => !Authenticated ? "failed" : Actions.All(a => a.Ready) ? "ready" : "partly-ready";

    /// <summary>What kind of failure the report is, for an edge's exit code or status: none when every action is ready.</summary>
    public ErrorKind? FailureKind => !Authenticated ? ErrorKind.Authentication : Actions.All(a => a.Ready) ? null : ErrorKind.PermissionMissing;

    /// <summary>One sentence for lists and logs.</summary>
    public string Summary => !Authenticated
        ? Error ?? "Authentication failed."
        : $"{Actions.Count(a => a.Ready)} of {Actions.Count} actions ready.";

    /// <summary>The summary kept with the connection.</summary>
    public ConnectionTestSummary ToSummary() => new(At, Outcome, Summary);
}

/// <summary>Tests connections of the methods it supports. Each method's assembly registers one.</summary>
public interface IConnectionTester
{
    /// <summary>Whether it tests connections of this method.</summary>
    bool Supports(ConnectionMethod method);

    /// <summary>Tests a connection and reports what works; never throws for an authentication failure, reports it.</summary>
    Task<ConnectionTestReport> TestAsync(Connection connection, CancellationToken cancellationToken);
}

/// <summary>
/// Checks, just before an action runs, that the connection can run it (for Graph: the token's
/// permissions), so a missing permission is reported before any request is sent.
/// </summary>
public interface IActionPreflight
{
    /// <summary>Throws <see cref="PermissionMissingException"/> (or another <see cref="EntradaException"/>) when the action cannot run.</summary>
    Task CheckAsync(ActionDescriptor action, Connection connection, CancellationToken cancellationToken);
}
