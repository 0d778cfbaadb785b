using Entrada.Core.Secrets;

namespace Entrada.Core.Connections;

/// <summary>How a connection authenticates.</summary>
public enum ConnectionMethod
{
    /// <summary>An app registration with a client secret or certificate (application permissions).</summary>
    AppRegistration,
    /// <summary>Delegated sign-in of a person (delegated permissions).</summary>
    OAuth,
    /// <summary>LDAP simple bind to Microsoft Entra Domain Services or any LDAP server.</summary>
    Ldap,
}

/// <summary>Wire names of connection methods.</summary>
public static class ConnectionMethods
{
    /// <summary>The command-line and API name of a method.</summary>
    public static string ToWireName(this ConnectionMethod method) => method switch
    {
        ConnectionMethod.AppRegistration => "app-registration",
        ConnectionMethod.OAuth => "oauth",
        ConnectionMethod.Ldap => "ldap",
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    /// <summary>Parses a method's command-line and API name.</summary>
    public static bool TryParse(string? value, out ConnectionMethod method)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "app-registration": method = ConnectionMethod.AppRegistration; return true;
            case "oauth": method = ConnectionMethod.OAuth; return true;
            case "ldap": method = ConnectionMethod.Ldap; return true;
            default: method = default; return false;
        }
    }
}

/// <summary>
/// A named connection to a tenant or directory. The <see cref="Name"/> is fixed at creation;
/// exactly one of <see cref="AppRegistration"/>, <see cref="OAuth"/> and <see cref="Ldap"/> is set,
/// matching <see cref="Method"/>.
/// </summary>
public sealed record Connection
{
    /// <summary>The connection's name: 1–64 letters, digits, spaces, '.', '_' or '-', unique ignoring case, never changed.</summary>
    public required string Name { get; init; }

    /// <summary>How it authenticates.</summary>
    public required ConnectionMethod Method { get; init; }

    /// <summary>The cloud, for the Graph methods.</summary>
    public CloudSettings Cloud { get; init; } = CloudSettings.Global;

    /// <summary>The App Registration parameters, when <see cref="Method"/> is <see cref="ConnectionMethod.AppRegistration"/>.</summary>
    public AppRegistrationSettings? AppRegistration { get; init; }

    /// <summary>The OAuth parameters, when <see cref="Method"/> is <see cref="ConnectionMethod.OAuth"/>.</summary>
    public OAuthSettings? OAuth { get; init; }

    /// <summary>The LDAP parameters, when <see cref="Method"/> is <see cref="ConnectionMethod.Ldap"/>.</summary>
    public LdapSettings? Ldap { get; init; }

    /// <summary>When it was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it was last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The outcome of the last test, if it was ever tested.</summary>
    public ConnectionTestSummary? LastTest { get; init; }

    /// <summary>
    /// The runner group whose runners run everything on this connection (actions, bulk jobs, tests);
    /// null when the server runs them itself.
    /// </summary>
    public string? RunnerGroup { get; init; }

    /// <summary>
    /// For a connection of a runner group: where its runners find the secret (<c>env:NAME</c> or
    /// <c>file:/path</c>). The secret itself is never given to or kept by the server.
    /// </summary>
    public string? SecretReference { get; init; }

    /// <summary>The tenant, for the Graph methods.</summary>
    public string? TenantId => AppRegistration?.TenantId ?? OAuth?.TenantId;

    /// <summary>The client (application) ID, for the Graph methods.</summary>
    public string? ClientId => AppRegistration?.ClientId ?? OAuth?.ClientId;
}

/// <summary>App Registration parameters: a client secret or a client certificate, never both.</summary>
/// <param name="TenantId">Directory (tenant) ID: a GUID or a verified domain.</param>
/// <param name="ClientId">Application (client) ID: a GUID.</param>
/// <param name="ClientSecret">The client secret's <em>Value</em>, or null when a certificate is used.</param>
/// <param name="Certificate">The client certificate, or null when a secret is used.</param>
public sealed record AppRegistrationSettings(string TenantId, string ClientId, Secret? ClientSecret, ClientCertificate? Certificate);

/// <summary>
/// A client certificate with its private key. The key material is kept as a password-less
/// PKCS#12 blob inside a <see cref="Secret"/> (encrypted at rest); subject, thumbprint and expiry
/// are kept in clear for display.
/// </summary>
/// <param name="Pkcs12">Base64 PKCS#12 holding the certificate and its private key.</param>
/// <param name="Thumbprint">SHA-1 thumbprint, as the Entra admin centre shows it.</param>
/// <param name="Subject">The certificate's subject.</param>
/// <param name="NotAfter">When it expires.</param>
public sealed record ClientCertificate(Secret Pkcs12, string Thumbprint, string Subject, DateTimeOffset NotAfter);

/// <summary>OAuth (delegated) parameters.</summary>
/// <param name="TenantId">Tenant ID, verified domain, or <c>organizations</c>.</param>
/// <param name="ClientId">Client ID of an app registration that allows public-client sign-in.</param>
/// <param name="TokenCache">The MSAL token cache (encrypted at rest), once signed in.</param>
/// <param name="SignedInUser">The user principal name of the person signed in, once signed in.</param>
public sealed record OAuthSettings(string TenantId, string ClientId, Secret? TokenCache = null, string? SignedInUser = null);

/// <summary>LDAP parameters.</summary>
/// <param name="Uri">The server: <c>ldap://host[:port]</c> or <c>ldaps://host[:port]</c>.</param>
/// <param name="BindDn">The bind DN or UPN; null for anonymous bind.</param>
/// <param name="Password">The bind password; null for anonymous bind.</param>
/// <param name="BaseDn">The base DN for searches; null to use the server's default naming context.</param>
/// <param name="StartTls">Whether to upgrade <c>ldap://</c> with StartTLS.</param>
/// <param name="CaCertificatePem">The CA certificate (PEM) to trust; null to use the system store.</param>
/// <param name="InsecureSkipVerify">Skip certificate validation (explicit opt-out; warned about on every test).</param>
/// <param name="AllowPlainBind">Allow a simple bind over plain <c>ldap://</c> without TLS (sends the password in clear).</param>
/// <param name="ProtocolVersion">The LDAP protocol version, 3 unless set.</param>
public sealed record LdapSettings(
    Uri Uri,
    string? BindDn,
    Secret? Password,
    string? BaseDn,
    bool StartTls,
    string? CaCertificatePem,
    bool InsecureSkipVerify,
    bool AllowPlainBind,
    int ProtocolVersion = 3)
{
    /// <summary>Whether the URI is <c>ldaps://</c>.</summary>
    public bool IsLdaps => string.Equals(Uri.Scheme, "ldaps", StringComparison.OrdinalIgnoreCase);

    /// <summary>The port, with the scheme's default (389, 636) when none is given.</summary>
    public int Port => Uri.IsDefaultPort || Uri.Port <= 0 ? (IsLdaps ? 636 : 389) : Uri.Port;

    /// <summary>Whether the bind is anonymous (no bind identity; a bind DN whose password was removed is not anonymous).</summary>
    public bool IsAnonymous => BindDn is null;

    /// <summary>Whether the session is protected by TLS (LDAPS or StartTLS).</summary>
    public bool UsesTls => IsLdaps || StartTls;
}

/// <summary>The short outcome of a connection's last test, shown in lists.</summary>
/// <param name="At">When it ran.</param>
/// <param name="Outcome"><c>ready</c>, <c>partly-ready</c> or <c>failed</c>.</param>
/// <param name="Summary">One sentence.</param>
public sealed record ConnectionTestSummary(DateTimeOffset At, string Outcome, string Summary);
