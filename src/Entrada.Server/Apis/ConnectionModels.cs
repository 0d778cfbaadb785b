using System.ComponentModel;
using System.Text;
using System.Text.Json.Serialization;
using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;

namespace Entrada.Server.Apis;

/// <summary>
/// A connection as the API and the pages take it. Secrets (<c>clientSecret</c>, <c>certificate</c>,
/// <c>certificatePassword</c>, <c>password</c>) are write-only: they are never returned. On update a
/// field left out (or null) keeps its value.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record ConnectionBody
{
    [Description("The connection's name: fixed at creation, it can never change.")]
    public string? Name { get; init; }
    [Description("app-registration, oauth or ldap.")]
    public string? Method { get; init; }
    [Description("global, usgov, usgov-dod, china or custom.")]
    public string? Cloud { get; init; }
    [Description("Directory (tenant) ID GUID or verified domain.")]
    public string? TenantId { get; init; }
    [Description("Application (client) ID GUID.")]
    public string? ClientId { get; init; }
    [Description("The client secret's Value (write-only).")]
    public string? ClientSecret { get; init; }
    [Description("The client certificate with its private key: PEM text, or base64 PFX (write-only).")]
    public string? Certificate { get; init; }
    [Description("The password of the PFX or encrypted PEM key (write-only).")]
    public string? CertificatePassword { get; init; }
    [Description("For the custom cloud: the identity platform's https URL.")]
    public string? AuthorityHost { get; init; }
    [Description("For the custom cloud: Graph's v1.0 https URL.")]
    public string? GraphEndpoint { get; init; }
    [Description("A CA certificate (PEM) to trust for this connection only: the custom cloud's or the LDAP server's.")]
    public string? CaCertificate { get; init; }
    [Description("LDAP: ldap://host[:port] or ldaps://host[:port].")]
    public string? Uri { get; init; }
    [Description("LDAP: the bind DN or UPN.")]
    public string? BindDn { get; init; }
    [Description("LDAP: the bind password (write-only).")]
    public string? Password { get; init; }
    [Description("LDAP: the base DN; empty for the server's default naming context.")]
    public string? BaseDn { get; init; }
    [Description("LDAP: upgrade ldap:// with StartTLS.")]
    public bool? StartTls { get; init; }
    [Description("LDAP: skip certificate validation (unsafe; warned about on every test).")]
    public bool? InsecureSkipVerify { get; init; }
    [Description("LDAP: anonymous bind (no bind DN, no password).")]
    public bool? Anonymous { get; init; }
    [Description("LDAP: allow a simple bind over plain ldap:// (sends the password in clear).")]
    public bool? AllowPlainBind { get; init; }
    [Description("LDAP protocol version, 3 unless set.")]
    public int? ProtocolVersion { get; init; }
    [Description("The runner group whose runners run everything on this connection (actions, bulk jobs, Test Connection); empty to have the server run it again.")]
    public string? RunnerGroup { get; init; }
    [Description("With runnerGroup: where the runners find the secret (env:NAME or file:/path on the runner); the server never holds the secret.")]
    public string? SecretReference { get; init; }

    /// <summary>The core request; a certificate that is neither PEM nor base64 is reported on its field.</summary>
    public ConnectionRequest ToRequest()
    {
        byte[]? certificate = null;
        if (!string.IsNullOrWhiteSpace(Certificate))
        {
            certificate = ReadCertificate(Certificate);
        }

        return new ConnectionRequest
        {
            Name = Name,
            Method = Method,
            Cloud = Blank(Cloud),
            TenantId = Blank(TenantId),
            ClientId = Blank(ClientId),
            ClientSecret = SecretOf(ClientSecret),
            Certificate = certificate,
            CertificatePassword = SecretOf(CertificatePassword),
            AuthorityHost = Blank(AuthorityHost),
            GraphEndpoint = Blank(GraphEndpoint),
            CaCertificate = Blank(CaCertificate),
            Uri = Blank(Uri),
            BindDn = Blank(BindDn),
            Password = SecretOf(Password),
            BaseDn = BaseDn,
            StartTls = StartTls,
            InsecureSkipVerify = InsecureSkipVerify,
            Anonymous = Anonymous,
            AllowPlainBind = AllowPlainBind,
            ProtocolVersion = ProtocolVersion,
            RunnerGroup = RunnerGroup,
            SecretReference = SecretReference,
        };
    }

    private static byte[] ReadCertificate(string text)
    {
        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written)
            ? buffer[..written]
            : throw new EntradaValidationException("certificate", "The certificate must be PEM text (certificate and private key) or a base64-encoded PFX/PKCS#12 file.");
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static Secret? SecretOf(string? value) => string.IsNullOrEmpty(value) ? null : new Secret(value);
}
