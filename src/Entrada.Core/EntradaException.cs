namespace Entrada.Core;

/// <summary>
/// The exit codes of the <c>entrada</c> command, shared by every edge so that the CLI, the API
/// and scripts agree on what a failure means.
/// </summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;
    /// <summary>The remote service refused or failed the operation.</summary>
    public const int RemoteFailure = 1;
    /// <summary>Invalid input or usage.</summary>
    public const int InvalidInput = 2;
    /// <summary>Authentication or connection failure.</summary>
    public const int AuthenticationFailure = 3;
    /// <summary>A needed permission is missing.</summary>
    public const int PermissionMissing = 4;
    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int Cancelled = 130;
}

/// <summary>
/// The base of every error Entrada reports to a person. Messages are whole sentences that say
/// what to do next and never contain a secret; <see cref="ExitCode"/> says how the CLI exits.
/// </summary>
public abstract class EntradaException : Exception
{
    protected EntradaException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The documented exit code for this kind of failure.</summary>
    public abstract int ExitCode { get; }

    /// <summary>Whether trying the same operation again later may succeed.</summary>
    public virtual bool IsTransient => false;
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
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>No connection has the given name.</summary>
public sealed class ConnectionNotFoundException(string name)
    : EntradaException($"There is no connection named '{name}'. List them with 'entrada connections list'.")
{
    /// <summary>The name asked for.</summary>
    public string Name { get; } = name;

    /// <inheritdoc />
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>A connection with that name (ignoring case) already exists.</summary>
public sealed class ConnectionAlreadyExistsException(string name, string existing)
    : EntradaException($"A connection named '{existing}' already exists (names are unique ignoring case). Choose another name, or change it with 'entrada connections update \"{existing}\"'.")
{
    /// <summary>The name asked for.</summary>
    public string Name { get; } = name;

    /// <inheritdoc />
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>An attempt to rename a connection, which is never allowed.</summary>
public sealed class ConnectionNameImmutableException(string name)
    : EntradaException($"The name of connection '{name}' cannot change: a connection's name is fixed when it is created. To use another name, add a new connection and remove this one.")
{
    /// <summary>The connection's name.</summary>
    public string Name { get; } = name;

    /// <inheritdoc />
    public override int ExitCode => ExitCodes.InvalidInput;
}

/// <summary>Authentication or reaching the service failed.</summary>
public class AuthenticationFailedException(string message, string? code = null, Exception? innerException = null)
    : EntradaException(message, innerException)
{
    /// <summary>The service's error code (for example <c>AADSTS7000215</c> or LDAP <c>49/52e</c>), when known.</summary>
    public string? Code { get; } = code;

    /// <inheritdoc />
    public override int ExitCode => ExitCodes.AuthenticationFailure;
}

/// <summary>The connection lacks a permission the operation needs.</summary>
public class PermissionMissingException(string message, string? permission = null, Exception? innerException = null)
    : EntradaException(message, innerException)
{
    /// <summary>The least-privileged permission to add, when known.</summary>
    public string? Permission { get; } = permission;

    /// <inheritdoc />
    public override int ExitCode => ExitCodes.PermissionMissing;
}

/// <summary>The remote service refused or failed the operation.</summary>
public class RemoteOperationException(string message, Exception? innerException = null, bool isTransient = false)
    : EntradaException(message, innerException)
{
    private readonly bool _isTransient = isTransient;

    /// <inheritdoc />
    public override int ExitCode => ExitCodes.RemoteFailure;

    /// <inheritdoc />
    public override bool IsTransient => _isTransient;
}
