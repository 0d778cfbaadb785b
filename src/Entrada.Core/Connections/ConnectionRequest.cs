using Entrada.Core.Secrets;

namespace Entrada.Core.Connections;

/// <summary>
/// What a person asks for when adding or updating a connection, from any edge (CLI, API, page).
/// Every field is optional here: <see cref="ConnectionFactory"/> checks what each method needs and
/// reports every problem at once. On update, a null field keeps the stored value.
/// </summary>
public sealed record ConnectionRequest
{
    /// <summary>The connection's name.</summary>
    public string? Name { get; init; }
    /// <summary><c>app-registration</c>, <c>oauth</c> or <c>ldap</c>.</summary>
    public string? Method { get; init; }
    /// <summary><c>global</c>, <c>usgov</c>, <c>usgov-dod</c>, <c>china</c> or <c>custom</c>.</summary>
    public string? Cloud { get; init; }
    /// <summary>Directory (tenant) ID or verified domain.</summary>
    public string? TenantId { get; init; }
    /// <summary>Application (client) ID.</summary>
    public string? ClientId { get; init; }
    /// <summary>The client secret's value.</summary>
    public Secret? ClientSecret { get; init; }
    /// <summary>The client certificate: PEM text (certificate and private key) or PKCS#12 bytes.</summary>
    public byte[]? Certificate { get; init; }
    /// <summary>Where the certificate came from (a file path), for messages.</summary>
    public string? CertificateSource { get; init; }
    /// <summary>The password of an encrypted PKCS#12 file or PEM key.</summary>
    public Secret? CertificatePassword { get; init; }
    /// <summary>For a custom cloud: the identity platform's host.</summary>
    public string? AuthorityHost { get; init; }
    /// <summary>For a custom cloud: Graph's v1.0 endpoint.</summary>
    public string? GraphEndpoint { get; init; }
    /// <summary>A CA certificate (PEM) to trust: a custom cloud's, or an LDAP server's.</summary>
    public string? CaCertificate { get; init; }
    /// <summary>Where the CA certificate came from (a file path), for messages.</summary>
    public string? CaCertificateSource { get; init; }
    /// <summary>LDAP URI.</summary>
    public string? Uri { get; init; }
    /// <summary>LDAP bind DN or UPN.</summary>
    public string? BindDn { get; init; }
    /// <summary>LDAP password.</summary>
    public Secret? Password { get; init; }
    /// <summary>LDAP anonymous bind (no bind DN, no password).</summary>
    public bool? Anonymous { get; init; }
    /// <summary>LDAP base DN.</summary>
    public string? BaseDn { get; init; }
    /// <summary>LDAP StartTLS.</summary>
    public bool? StartTls { get; init; }
    /// <summary>LDAP: skip certificate validation.</summary>
    public bool? InsecureSkipVerify { get; init; }
    /// <summary>LDAP: allow a simple bind without TLS.</summary>
    public bool? AllowPlainBind { get; init; }
    /// <summary>LDAP protocol version (2 or 3).</summary>
    public int? ProtocolVersion { get; init; }
    /// <summary>The runner group that runs the connection; empty to have the server run it again.</summary>
    public string? RunnerGroup { get; init; }
    /// <summary>For a runner group's connection: where the runners find the secret (<c>env:NAME</c> or <c>file:/path</c>); empty to remove it.</summary>
    public string? SecretReference { get; init; }
}

/// <summary>What a request changes, named as people name the settings.</summary>
public static class ConnectionRequestChanges
{
    /// <summary>The settings a request sets (an update changes these and keeps the rest).</summary>
    public static IReadOnlyList<string> Fields(this ConnectionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fields = new List<string>();
        void Add(bool set, string name)
        {
            if (set)
            {
                fields.Add(name);
            }
        }

        Add(request.TenantId is not null, "tenant ID");
        Add(request.ClientId is not null, "client ID");
        Add(request.ClientSecret is not null, "client secret");
        Add(request.Certificate is not null, "certificate");
        Add(request.Cloud is not null, "cloud");
        Add(request.AuthorityHost is not null, "authority host");
        Add(request.GraphEndpoint is not null, "Graph endpoint");
        Add(request.CaCertificate is not null, "CA certificate");
        Add(request.Uri is not null, "URI");
        Add(request.BindDn is not null, "bind DN");
        Add(request.Password is not null, "password");
        Add(request.Anonymous is true, "anonymous bind");
        Add(request.BaseDn is not null, "base DN");
        Add(request.StartTls is not null, "StartTLS");
        Add(request.InsecureSkipVerify is not null, "certificate verification");
        Add(request.AllowPlainBind is not null, "plain bind");
        Add(request.ProtocolVersion is not null, "protocol version");
        Add(request.RunnerGroup is not null, "runner group");
        Add(request.SecretReference is not null, "secret reference");
        return fields;
    }
}
