using System.ComponentModel;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Entrada.Core.Connections;

/// <summary>The kinds of credential a connection can hold, as every edge names them.</summary>
public static class ConnectionCredentials
{
    /// <summary>An App Registration with a client secret.</summary>
    public const string ClientSecret = "client-secret";
    /// <summary>An App Registration with a client certificate.</summary>
    public const string Certificate = "certificate";
    /// <summary>An OAuth connection: a person signs in (delegated permissions).</summary>
    public const string Delegated = "delegated";
    /// <summary>An LDAP simple bind with a password.</summary>
    public const string Password = "password";
    /// <summary>An LDAP anonymous bind.</summary>
    public const string Anonymous = "anonymous";
    /// <summary>The secret is kept only on the connection's runners, which find it where the reference says.</summary>
    public const string SecretReference = "secret-reference";
    /// <summary>No credential is kept: it was removed when the connection's destination changed; set it again.</summary>
    public const string None = "none";
}

/// <summary>
/// A connection as every edge shows it (the CLI's <c>connections show|list</c>, the API, the pages).
/// It is built field by field from the parameters, so no secret can ever be part of it: only
/// which kind of credential is set. Certificates are shown by subject, thumbprint and expiry.
/// </summary>
public sealed record ConnectionView
{
    /// <summary>The connection's name.</summary>
    [Description("The connection's name: fixed at creation, it can never change.")]
    public required string Name { get; init; }

    /// <summary><c>app-registration</c>, <c>oauth</c> or <c>ldap</c>.</summary>
    [Description("app-registration, oauth or ldap.")]
    public required string Method { get; init; }

    /// <summary>The cloud's wire name, for the Graph methods.</summary>
    [Description("Graph methods: global, usgov, usgov-dod, china or custom.")]
    public string? Cloud { get; init; }

    /// <summary>The tenant, for the Graph methods.</summary>
    [Description("Graph methods: the directory (tenant) ID or verified domain.")]
    public string? TenantId { get; init; }

    /// <summary>The application (client) ID, for the Graph methods.</summary>
    [Description("Graph methods: the application (client) ID.")]
    public string? ClientId { get; init; }

    /// <summary>After an update: the stored secrets it removed because it changed where they are sent without giving them again.</summary>
    [Description("After an update: the stored secrets it removed (client secret, certificate, sign-in, password) because it changed where they are sent without giving them again; set them again.")]
    public IReadOnlyList<string>? ClearedSecrets { get; init; }

    /// <summary>Which credential is set (see <see cref="ConnectionCredentials"/>), never its value.</summary>
    [Description("client-secret, certificate, delegated, password, anonymous, or none when it was removed because the destination changed: which credential is set (never its value).")]
    public string? Credential { get; init; }

    /// <summary>The client certificate's subject.</summary>
    [Description("App Registration with a certificate: the client certificate's subject.")]
    public string? CertificateSubject { get; init; }

    /// <summary>The client certificate's SHA-1 thumbprint, as the Entra admin centre shows it.</summary>
    [Description("App Registration with a certificate: the client certificate's SHA-1 thumbprint (hex), as the Entra admin centre shows it.")]
    public string? CertificateThumbprint { get; init; }

    /// <summary>When the client certificate expires.</summary>
    [Description("App Registration with a certificate: when the client certificate expires.")]
    public DateTimeOffset? CertificateExpires { get; init; }

    /// <summary>The identity platform's URL, for a custom cloud.</summary>
    [Description("Custom cloud: the identity platform's https URL.")]
    public string? AuthorityHost { get; init; }

    /// <summary>Graph's v1.0 URL, for a custom cloud.</summary>
    [Description("Custom cloud: Graph's v1.0 https URL.")]
    public string? GraphEndpoint { get; init; }

    /// <summary>The subject of the CA certificate trusted for this connection only, if any.</summary>
    [Description("Custom cloud or LDAP: the subject of the CA certificate trusted for this connection only; absent when the system's trust store is used.")]
    public string? CaCertificateSubject { get; init; }

    /// <summary>The SHA-256 thumbprint of that CA certificate.</summary>
    [Description("The SHA-256 thumbprint (hex) of the CA certificate trusted for this connection, as 'openssl x509 -fingerprint -sha256' shows it without colons.")]
    public string? CaCertificateSha256 { get; init; }

    /// <summary>When that CA certificate expires.</summary>
    [Description("When the CA certificate trusted for this connection expires.")]
    public DateTimeOffset? CaCertificateExpires { get; init; }

    /// <summary>Who is signed in, for an OAuth connection.</summary>
    [Description("OAuth: the user principal name of the person signed in, once signed in.")]
    public string? SignedInUser { get; init; }

    /// <summary>The LDAP server.</summary>
    [Description("LDAP: ldap://host[:port] or ldaps://host[:port].")]
    public string? Uri { get; init; }

    /// <summary>The LDAP bind DN or UPN; absent for an anonymous bind.</summary>
    [Description("LDAP: the bind DN or UPN; absent for an anonymous bind.")]
    public string? BindDn { get; init; }

    /// <summary>The LDAP base DN; absent for the server's default naming context.</summary>
    [Description("LDAP: the base DN; absent for the server's default naming context.")]
    public string? BaseDn { get; init; }

    /// <summary>Whether LDAP upgrades <c>ldap://</c> with StartTLS.</summary>
    [Description("LDAP: whether ldap:// is upgraded with StartTLS.")]
    public bool? StartTls { get; init; }

    /// <summary>Whether LDAP certificate validation is skipped.</summary>
    [Description("LDAP: whether certificate validation is skipped (unsafe; warned about on every test).")]
    public bool? InsecureSkipVerify { get; init; }

    /// <summary>Whether a password bind over plain <c>ldap://</c> is allowed.</summary>
    [Description("LDAP: whether a simple bind over plain ldap:// is allowed (sends the password in clear).")]
    public bool? AllowPlainBind { get; init; }

    /// <summary>The LDAP protocol version.</summary>
    [Description("LDAP: the protocol version.")]
    public int? ProtocolVersion { get; init; }

    /// <summary>The runner group that runs the connection; absent when the server runs it.</summary>
    [Description("The runner group whose runners run everything on this connection (actions, bulk jobs, Test Connection); absent when the server runs it itself.")]
    public string? RunnerGroup { get; init; }

    /// <summary>Where the runners find the secret (not the secret).</summary>
    [Description("For a runner group's connection: where its runners find the secret (env:NAME or file:/path on the runner); the server never holds the secret.")]
    public string? SecretReference { get; init; }

    /// <summary>When the connection was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the connection last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The outcome of the last test, if it was ever tested.</summary>
    public ConnectionTestSummary? LastTest { get; init; }

    /// <summary>The view of a connection.</summary>
    public static ConnectionView From(Connection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var c = connection;
        var view = new ConnectionView
        {
            Name = c.Name,
            Method = c.Method.ToWireName(),
            CreatedAt = c.CreatedAt,
            UpdatedAt = c.UpdatedAt,
            LastTest = c.LastTest,
            RunnerGroup = c.RunnerGroup,
            SecretReference = c.SecretReference,
        };

        if (c.Method != ConnectionMethod.Ldap)
        {
            var custom = c.Cloud.Kind == CloudKind.Custom;
            view = WithCa(view with
            {
                Cloud = c.Cloud.WireName,
                TenantId = c.TenantId,
                ClientId = c.ClientId,
                AuthorityHost = custom ? c.Cloud.AuthorityHost.ToString() : null,
                GraphEndpoint = custom ? c.Cloud.GraphEndpoint.ToString() : null,
            }, custom ? c.Cloud.CaCertificatePem : null);
        }

        if (c.AppRegistration is { } app)
        {
            view = view with
            {
                Credential = app.Certificate is not null ? ConnectionCredentials.Certificate : app.ClientSecret is not null ? ConnectionCredentials.ClientSecret : ConnectionCredentials.None,
                CertificateSubject = app.Certificate?.Subject,
                CertificateThumbprint = app.Certificate?.Thumbprint,
                CertificateExpires = app.Certificate?.NotAfter,
            };
        }

        if (c.OAuth is { } oauth)
        {
            view = view with { Credential = ConnectionCredentials.Delegated, SignedInUser = oauth.SignedInUser };
        }

        if (c.Ldap is { } ldap)
        {
            view = WithCa(view with
            {
                Uri = ldap.Uri.ToString().TrimEnd('/'),
                BindDn = ldap.BindDn,
                Credential = ldap.Password is not null ? ConnectionCredentials.Password : ldap.BindDn is null ? ConnectionCredentials.Anonymous : ConnectionCredentials.None,
                BaseDn = ldap.BaseDn,
                StartTls = ldap.StartTls,
                InsecureSkipVerify = ldap.InsecureSkipVerify,
                AllowPlainBind = ldap.AllowPlainBind,
                ProtocolVersion = ldap.ProtocolVersion,
            }, ldap.CaCertificatePem);
        }

        if (c.SecretReference is not null)
        {
            view = view with { Credential = ConnectionCredentials.SecretReference };
        }

        return view;
    }

    // The PEM was checked when the connection was saved; the view shows what identifies it
    // (subject, SHA-256, expiry) rather than the whole text.
    private static ConnectionView WithCa(ConnectionView view, string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return view;
        }

        try
        {
            using var ca = X509Certificate2.CreateFromPem(pem);
            return view with
            {
                CaCertificateSubject = ca.Subject,
                CaCertificateSha256 = ca.GetCertHashString(HashAlgorithmName.SHA256),
                CaCertificateExpires = new DateTimeOffset(ca.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            };
        }
        catch (CryptographicException)
        {
            // Only a database edited by hand gets here; saying that a CA is set still matters.
            return view with { CaCertificateSubject = "(unreadable CA certificate)" };
        }
    }
}
