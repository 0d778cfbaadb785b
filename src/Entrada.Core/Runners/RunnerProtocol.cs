using System.Text.Json.Serialization;
using Entrada.Core.Connections;
using Entrada.Core.Jobs;
using Entrada.Core.Runs;

namespace Entrada.Core.Runners;

/// <summary>
/// The protocol between the server and its runners, carried by ASP.NET Core SignalR over a
/// connection the runner opens (the server never opens one to a runner). A runner says
/// <see cref="RunnerHello"/> first; a different <see cref="Version"/> is refused on both sides.
/// </summary>
public static class RunnerProtocol
{
    /// <summary>The protocol version this build speaks.</summary>
    public const int Version = 1;

    /// <summary>Where the server serves the runners' hub.</summary>
    public const string HubPath = "/runners/hub";

    /// <summary>Where a runner registers (with its one-time token).</summary>
    public const string RegisterPath = "/api/v1/runners/register";

    /// <summary>Server to runner: run an assignment (<see cref="RunnerAssignment"/>).</summary>
    public const string Execute = "Execute";

    /// <summary>Server to runner: stop an assignment (its id).</summary>
    public const string Cancel = "Cancel";
}

/// <summary>What a runner says first on every connection.</summary>
/// <param name="Protocol">Its protocol version.</param>
/// <param name="Version">Its Entrada version.</param>
public sealed record RunnerHello(int Protocol, string Version);

/// <summary>The server's answer to <see cref="RunnerHello"/>.</summary>
/// <param name="Accepted">Whether the runner may take work.</param>
/// <param name="Protocol">The server's protocol version.</param>
/// <param name="Message">Why it was refused.</param>
/// <param name="RunnerId">The runner, as the server knows it.</param>
/// <param name="Group">Its group.</param>
/// <param name="HeartbeatSeconds">How often to send a heartbeat.</param>
public sealed record RunnerWelcome(bool Accepted, int Protocol, string? Message, string? RunnerId, string? Group, int HeartbeatSeconds);

/// <summary>What an assignment asks a runner to do.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunnerWork>))]
public enum RunnerWork
{
    /// <summary>Run an action (a bulk one works through <see cref="RunnerAssignment.Job"/>).</summary>
    [JsonStringEnumMemberName("action")]
    Action,
    /// <summary>Test the connection.</summary>
    [JsonStringEnumMemberName("test")]
    Test,
}

/// <summary>One piece of work the server hands to a runner.</summary>
public sealed record RunnerAssignment
{
    /// <summary>Its id (one per hand-over: a job handed to a second runner gets a new one).</summary>
    public required string Id { get; init; }
    /// <summary>What to do.</summary>
    public required RunnerWork Work { get; init; }
    /// <summary>The connection, without any secret: the runner resolves its secret reference.</summary>
    public required RunnerConnection Connection { get; init; }
    /// <summary>Who asked.</summary>
    public required Caller Caller { get; init; }
    /// <summary>For an action: its id.</summary>
    public string? Action { get; init; }
    /// <summary>For an action: its input (JSON).</summary>
    public string? Input { get; init; }
    /// <summary>For an action: a dry run.</summary>
    public bool DryRun { get; init; }
    /// <summary>For a bulk action: the server's job, with the items already finished.</summary>
    public RunnerJob? Job { get; init; }
}

/// <summary>A bulk job as a runner gets it: the server keeps it; the runner checkpoints to it.</summary>
/// <param name="Id">The job's id.</param>
/// <param name="Items">Every item, in order.</param>
/// <param name="Finished">The items already finished (skipped).</param>
public sealed record RunnerJob(string Id, IReadOnlyList<string> Items, IReadOnlyList<JobItem> Finished);

/// <summary>How an assignment ended, as the runner reports it.</summary>
public sealed record RunnerOutcome
{
    /// <summary>The assignment.</summary>
    public required string AssignmentId { get; init; }
    /// <summary>Whether it succeeded.</summary>
    public bool Succeeded { get; init; }
    /// <summary>Why it failed.</summary>
    public RunProblem? Problem { get; init; }
    /// <summary>A single-result action's output (JSON).</summary>
    public string? Value { get; init; }
    /// <summary>A list action's item count.</summary>
    public long ItemCount { get; init; }
    /// <summary>A dry run's requests (JSON).</summary>
    public string? Planned { get; init; }
    /// <summary>A test's report (JSON).</summary>
    public string? Report { get; init; }
}

/// <summary>
/// A connection as a runner gets it: every setting, no secret. <see cref="SecretReference"/> says
/// where the runner finds the secret.
/// </summary>
public sealed record RunnerConnection
{
    /// <summary>The connection's name.</summary>
    public required string Name { get; init; }
    /// <summary>Its method's wire name.</summary>
    public required string Method { get; init; }
    /// <summary>The cloud's wire name (Graph).</summary>
    public string? Cloud { get; init; }
    /// <summary>Custom cloud: the authority host.</summary>
    public string? AuthorityHost { get; init; }
    /// <summary>Custom cloud: the Graph endpoint.</summary>
    public string? GraphEndpoint { get; init; }
    /// <summary>The CA to trust (custom cloud or LDAP).</summary>
    public string? CaCertificate { get; init; }
    /// <summary>Graph: the tenant.</summary>
    public string? TenantId { get; init; }
    /// <summary>Graph: the client.</summary>
    public string? ClientId { get; init; }
    /// <summary>LDAP: the URI.</summary>
    public string? Uri { get; init; }
    /// <summary>LDAP: the bind DN.</summary>
    public string? BindDn { get; init; }
    /// <summary>LDAP: the base DN.</summary>
    public string? BaseDn { get; init; }
    /// <summary>LDAP: StartTLS.</summary>
    public bool StartTls { get; init; }
    /// <summary>LDAP: skip verification.</summary>
    public bool InsecureSkipVerify { get; init; }
    /// <summary>LDAP: plain bind allowed.</summary>
    public bool AllowPlainBind { get; init; }
    /// <summary>LDAP: the protocol version.</summary>
    public int ProtocolVersion { get; init; } = 3;
    /// <summary>Where the runner finds the secret.</summary>
    public string? SecretReference { get; init; }

    /// <summary>The runner's view of a connection (it has no secret to leave out: see <see cref="RunnerPlacement"/>).</summary>
    public static RunnerConnection From(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var custom = connection.Method != ConnectionMethod.Ldap && connection.Cloud.Kind == CloudKind.Custom;
        return new RunnerConnection
        {
            Name = connection.Name,
            Method = connection.Method.ToWireName(),
            Cloud = connection.Method == ConnectionMethod.Ldap ? null : connection.Cloud.WireName,
            AuthorityHost = custom ? connection.Cloud.AuthorityHost.ToString() : null,
            GraphEndpoint = custom ? connection.Cloud.GraphEndpoint.ToString() : null,
            CaCertificate = connection.Ldap?.CaCertificatePem ?? (custom ? connection.Cloud.CaCertificatePem : null),
            TenantId = connection.TenantId,
            ClientId = connection.ClientId,
            Uri = connection.Ldap?.Uri.ToString(),
            BindDn = connection.Ldap?.BindDn,
            BaseDn = connection.Ldap?.BaseDn,
            StartTls = connection.Ldap?.StartTls ?? false,
            InsecureSkipVerify = connection.Ldap?.InsecureSkipVerify ?? false,
            AllowPlainBind = connection.Ldap?.AllowPlainBind ?? false,
            ProtocolVersion = connection.Ldap?.ProtocolVersion ?? 3,
            SecretReference = connection.SecretReference,
        };
    }

    /// <summary>
    /// The connection a runner runs: the settings with the secret its reference names, built and
    /// checked by <see cref="ConnectionFactory"/> like any other, and run by the runner itself (no group).
    /// </summary>
    public Connection ToConnection(DateTimeOffset now)
    {
        var secret = SecretReference is null ? null : SecretReferences.Resolve(SecretReference);
        var method = Method;
        return ConnectionFactory.Create(
            new ConnectionRequest
            {
                Name = Name,
                Method = method,
                Cloud = Cloud,
                AuthorityHost = AuthorityHost,
                GraphEndpoint = GraphEndpoint,
                CaCertificate = CaCertificate,
                TenantId = TenantId,
                ClientId = ClientId,
                ClientSecret = method == "app-registration" ? secret : null,
                Uri = Uri,
                BindDn = method == "ldap" ? BindDn : null,
                Password = method == "ldap" ? secret : null,
                Anonymous = method == "ldap" && BindDn is null ? true : null,
                BaseDn = method == "ldap" ? BaseDn : null,
                StartTls = method == "ldap" ? StartTls : null,
                InsecureSkipVerify = method == "ldap" ? InsecureSkipVerify : null,
                AllowPlainBind = method == "ldap" ? AllowPlainBind : null,
                ProtocolVersion = method == "ldap" ? ProtocolVersion : null,
            },
            now);
    }
}
