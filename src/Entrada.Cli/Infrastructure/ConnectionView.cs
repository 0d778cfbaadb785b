using Entrada.Core.Connections;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// What the CLI shows of a connection. Built field by field from the parameters, so a secret can
/// never be shown: only whether one is set.
/// </summary>
internal sealed record ConnectionView
{
    public required string Name { get; init; }
    public required string Method { get; init; }
    public string? Cloud { get; init; }
    public string? TenantId { get; init; }
    public string? ClientId { get; init; }
    public string? Credential { get; init; }
    public string? CertificateThumbprint { get; init; }
    public DateTimeOffset? CertificateExpires { get; init; }
    public string? AuthorityHost { get; init; }
    public string? GraphEndpoint { get; init; }
    public bool? CaCertificate { get; init; }
    public string? SignedInUser { get; init; }
    public string? Uri { get; init; }
    public string? BindDn { get; init; }
    public bool? Anonymous { get; init; }
    public string? BaseDn { get; init; }
    public bool? StartTls { get; init; }
    public bool? InsecureSkipVerify { get; init; }
    public bool? AllowPlainBind { get; init; }
    public int? ProtocolVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public ConnectionTestSummary? LastTest { get; init; }

    public static ConnectionView From(Connection c)
    {
        var view = new ConnectionView
        {
            Name = c.Name,
            Method = c.Method.ToWireName(),
            CreatedAt = c.CreatedAt,
            UpdatedAt = c.UpdatedAt,
            LastTest = c.LastTest,
        };

        if (c.Method != ConnectionMethod.Ldap)
        {
            var custom = c.Cloud.Kind == CloudKind.Custom;
            view = view with
            {
                Cloud = c.Cloud.WireName,
                TenantId = c.TenantId,
                ClientId = c.ClientId,
                AuthorityHost = custom ? c.Cloud.AuthorityHost.ToString() : null,
                GraphEndpoint = custom ? c.Cloud.GraphEndpoint.ToString() : null,
                CaCertificate = custom ? c.Cloud.CaCertificatePem is not null : null,
            };
        }

        if (c.AppRegistration is { } app)
        {
            view = view with
            {
                Credential = app.Certificate is not null ? "certificate" : "client secret",
                CertificateThumbprint = app.Certificate?.Thumbprint,
                CertificateExpires = app.Certificate?.NotAfter,
            };
        }

        if (c.OAuth is { } oauth)
        {
            view = view with { Credential = "delegated sign-in", SignedInUser = oauth.SignedInUser };
        }

        if (c.Ldap is { } ldap)
        {
            view = view with
            {
                Uri = ldap.Uri.ToString().TrimEnd('/'),
                BindDn = ldap.BindDn,
                Anonymous = ldap.IsAnonymous,
                Credential = ldap.IsAnonymous ? "anonymous" : "password",
                BaseDn = ldap.BaseDn,
                StartTls = ldap.StartTls,
                CaCertificate = ldap.CaCertificatePem is not null,
                InsecureSkipVerify = ldap.InsecureSkipVerify,
                AllowPlainBind = ldap.AllowPlainBind,
                ProtocolVersion = ldap.ProtocolVersion,
            };
        }

        return view;
    }
}
