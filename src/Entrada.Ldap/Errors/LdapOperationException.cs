using Entrada.Core;

namespace Entrada.Ldap.Errors;

/// <summary>
/// An LDAP operation failed. The message is a whole sentence that says what happened and what to
/// do; it never contains a password. <see cref="ResultCode"/> is the LDAP result code (RFC 4511)
/// and <see cref="ActiveDirectorySubCode"/> the hexadecimal <c>data</c> code Active Directory adds
/// to result 49 (<c>52e</c>, <c>533</c>, <c>775</c> …).
/// </summary>
public sealed class LdapOperationException : EntradaException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="kind">What kind of failure it is.</param>
    /// <param name="message">The sentence for people.</param>
    /// <param name="resultCode">The LDAP result code, or null when nothing was sent.</param>
    /// <param name="activeDirectorySubCode">The Active Directory sub-code, when the server gave one.</param>
    /// <param name="serverMessage">The server's diagnostic message, when it gave one.</param>
    /// <param name="innerException">The underlying exception.</param>
    public LdapOperationException(
        LdapFailureKind kind,
        string message,
        int? resultCode = null,
        string? activeDirectorySubCode = null,
        string? serverMessage = null,
        Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = kind;
        ResultCode = resultCode;
        ActiveDirectorySubCode = activeDirectorySubCode;
        ServerMessage = serverMessage;
    }

    /// <summary>What kind of LDAP failure it is.</summary>
    public LdapFailureKind Failure { get; }

    /// <summary>The LDAP result code (49 invalid credentials, 32 no such object …), or null when nothing was sent.</summary>
    public int? ResultCode { get; }

    /// <summary>The Active Directory sub-code of result 49, lower-case hexadecimal (<c>52e</c>), when the server gave one.</summary>
    public string? ActiveDirectorySubCode { get; }

    /// <summary>The server's own diagnostic message, when it gave one.</summary>
    public string? ServerMessage { get; }

    /// <summary>The code shown to people and recorded in audits: <c>49/52e</c>, <c>32</c>, or the kind when no result came back.</summary>
    public string Code => ResultCode is null ? Failure.ToString().ToLowerInvariant()
        : ActiveDirectorySubCode is null ? ResultCode.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : $"{ResultCode}/{ActiveDirectorySubCode}";

    /// <inheritdoc />
    public override ErrorKind Kind => Failure switch
    {
        LdapFailureKind.Unreachable or LdapFailureKind.Tls or LdapFailureKind.Authentication => ErrorKind.Authentication,
        LdapFailureKind.AccessDenied => ErrorKind.PermissionMissing,
        LdapFailureKind.InvalidInput => ErrorKind.InvalidInput,
        _ => ErrorKind.RemoteFailure,
    };

    /// <inheritdoc />
    public override bool IsTransient => Failure == LdapFailureKind.Unreachable || ResultCode is 51 or 52;
}
