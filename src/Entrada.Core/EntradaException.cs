using System.Text.Json.Serialization;

namespace Entrada.Core;

/// <summary>
/// What kind of failure an <see cref="EntradaException"/> is. Each edge maps kinds to its own
/// terms in one table: the CLI to exit codes, the server to HTTP statuses.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ErrorKind>))]
public enum ErrorKind
{
    /// <summary>The input is invalid: fix it and try again.</summary>
    [JsonStringEnumMemberName("invalid-input")]
    InvalidInput,
    /// <summary>Entrada has nothing by that name (connection, action, run, job, key).</summary>
    [JsonStringEnumMemberName("not-found")]
    NotFound,
    /// <summary>The name is taken, or the thing is in a state that forbids the operation.</summary>
    [JsonStringEnumMemberName("conflict")]
    Conflict,
    /// <summary>Authenticating or reaching the remote service failed.</summary>
    [JsonStringEnumMemberName("authentication")]
    Authentication,
    /// <summary>The connection lacks a permission the operation needs.</summary>
    [JsonStringEnumMemberName("permission-missing")]
    PermissionMissing,
    /// <summary>The remote service refused or failed the operation.</summary>
    [JsonStringEnumMemberName("remote-failure")]
    RemoteFailure,
    /// <summary>The remote service refused the request as given (Graph's 400).</summary>
    [JsonStringEnumMemberName("remote-rejected")]
    RemoteRejected,
    /// <summary>The remote service has no such object (Graph's 404).</summary>
    [JsonStringEnumMemberName("remote-not-found")]
    RemoteNotFound,
    /// <summary>The remote service refused because of the object's state (Graph's 409).</summary>
    [JsonStringEnumMemberName("remote-conflict")]
    RemoteConflict,
    /// <summary>The remote service throttled the operation and it could not finish in time.</summary>
    [JsonStringEnumMemberName("throttled")]
    Throttled,
    /// <summary>Someone cancelled the operation.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
    /// <summary>Entrada's own stored state cannot be used (its database or key ring).</summary>
    [JsonStringEnumMemberName("configuration")]
    Configuration,
    /// <summary>Entrada failed unexpectedly; its log has the details.</summary>
    [JsonStringEnumMemberName("internal")]
    Internal,
}

/// <summary>What a person can do next about a failure, named in product terms; each edge words it as its own command or route.</summary>
public enum NextStepKind
{
    /// <summary>List the connections.</summary>
    ListConnections,
    /// <summary>Change a connection's settings or secret (<see cref="NextStep.Target"/>: the connection).</summary>
    UpdateConnection,
    /// <summary>Test a connection (<see cref="NextStep.Target"/>: the connection).</summary>
    TestConnection,
    /// <summary>Sign an OAuth connection in again (<see cref="NextStep.Target"/>: the connection).</summary>
    SignIn,
    /// <summary>List the actions.</summary>
    ListActions,
    /// <summary>Show an action's input (<see cref="NextStep.Target"/>: the action).</summary>
    ShowAction,
    /// <summary>Run a read-only action that lists what is valid (<see cref="NextStep.Target"/>: the action).</summary>
    RunAction,
    /// <summary>List the jobs.</summary>
    ListJobs,
    /// <summary>Show a job (<see cref="NextStep.Target"/>: the job).</summary>
    ShowJob,
    /// <summary>Resume a job (<see cref="NextStep.Target"/>: the job).</summary>
    ResumeJob,
    /// <summary>Cancel a job (<see cref="NextStep.Target"/>: the job).</summary>
    CancelJob,
    /// <summary>List the runs.</summary>
    ListRuns,
    /// <summary>List the API keys.</summary>
    ListKeys,
    /// <summary>List the runners.</summary>
    ListRunners,
}

/// <summary>A next step for a failure: what to do, and what to do it to.</summary>
/// <param name="Kind">What to do.</param>
/// <param name="Target">The connection, action or job it concerns, when there is one.</param>
public sealed record NextStep(NextStepKind Kind, string? Target = null);

/// <summary>
/// The base of every error Entrada reports to a person. Messages are whole sentences in product
/// terms that say what is wrong and never contain a secret; <see cref="Kind"/> classifies the
/// failure and <see cref="Next"/> names what to do, for each edge to word as its own command.
/// </summary>
public abstract class EntradaException : Exception
{
    protected EntradaException(string message, Exception? innerException = null, NextStep? next = null)
        : base(message, innerException)
    {
        Next = next;
    }

    /// <summary>What kind of failure this is.</summary>
    public abstract ErrorKind Kind { get; }

    /// <summary>Whether trying the same operation again later may succeed.</summary>
    public virtual bool IsTransient => false;

    /// <summary>What a person can do next, when there is a clear step.</summary>
    public NextStep? Next { get; init; }
}

/// <summary>One problem with one field of an input.</summary>
/// <param name="Field">The field, as the user names it (an option or JSON property).</param>
/// <param name="Message">What is wrong and what is expected.</param>
public sealed record ValidationError(string Field, string Message);

/// <summary>Input that is invalid; lists every problem found, not just the first.</summary>
public sealed class EntradaValidationException : EntradaException
{
    public EntradaValidationException(IReadOnlyList<ValidationError> errors)
        : base(string.Join(" ", errors.Select(e => e.Message)))
    {
        Errors = errors;
    }

    public EntradaValidationException(string field, string message)
        : this([new ValidationError(field, message)])
    {
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.InvalidInput;
}

/// <summary>No connection has the given name.</summary>
public sealed class ConnectionNotFoundException(string name)
    : EntradaException($"There is no connection named '{name}'.", next: new NextStep(NextStepKind.ListConnections))
{
    /// <summary>The name asked for.</summary>
    public string Name { get; } = name;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}

/// <summary>A connection with that name (ignoring case) already exists.</summary>
public sealed class ConnectionAlreadyExistsException(string name, string existing)
    : EntradaException($"A connection named '{existing}' already exists (names are unique ignoring case). Choose another name.", next: new NextStep(NextStepKind.UpdateConnection, existing))
{
    /// <summary>The name asked for.</summary>
    public string Name { get; } = name;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Conflict;
}

/// <summary>An attempt to rename a connection, which is never allowed.</summary>
public sealed class ConnectionNameImmutableException(string name)
    : EntradaException($"The name of connection '{name}' cannot change: a connection's name is fixed when it is created. To use another name, add a new connection and remove this one.")
{
    /// <summary>The connection's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.InvalidInput;
}

/// <summary>Authentication or reaching the service failed.</summary>
public class AuthenticationFailedException(string message, string? code = null, Exception? innerException = null)
    : EntradaException(message, innerException)
{
    /// <summary>The service's error code (for example <c>AADSTS7000215</c> or LDAP <c>49/52e</c>), when known.</summary>
    public string? Code { get; } = code;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Authentication;
}

/// <summary>The connection lacks a permission the operation needs.</summary>
public class PermissionMissingException(string message, string? permission = null, Exception? innerException = null)
    : EntradaException(message, innerException)
{
    /// <summary>The least-privileged permission to add, when known.</summary>
    public string? Permission { get; } = permission;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.PermissionMissing;
}

/// <summary>The remote service refused or failed the operation.</summary>
public class RemoteOperationException(string message, Exception? innerException = null, bool isTransient = false)
    : EntradaException(message, innerException)
{
    private readonly bool _isTransient = isTransient;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.RemoteFailure;

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
