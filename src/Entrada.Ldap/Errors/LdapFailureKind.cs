namespace Entrada.Ldap.Errors;

/// <summary>What kind of failure an <see cref="LdapOperationException"/> reports; decides its exit code.</summary>
public enum LdapFailureKind
{
    /// <summary>The server could not be reached, or did not answer in time.</summary>
    Unreachable,
    /// <summary>The TLS handshake failed: the certificate is untrusted, expired or names another host.</summary>
    Tls,
    /// <summary>The bind was refused: wrong credentials, or an account that cannot sign in now.</summary>
    Authentication,
    /// <summary>The bound identity lacks the rights for the operation.</summary>
    AccessDenied,
    /// <summary>The connection's settings or the input are unusable (refused before anything is sent, or rejected as malformed).</summary>
    InvalidInput,
    /// <summary>The server refused or failed the operation.</summary>
    Refused,
}
