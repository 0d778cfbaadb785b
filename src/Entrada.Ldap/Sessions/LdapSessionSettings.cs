using Entrada.Core.Connections;
using Entrada.Core.Secrets;

namespace Entrada.Ldap.Sessions;

/// <summary>Everything an <see cref="LdapSession"/> needs to connect and bind.</summary>
internal sealed record LdapSessionSettings
{
    /// <summary>The default time allowed to connect, bind and run one request.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary><c>ldap://host[:port]</c> or <c>ldaps://host[:port]</c>.</summary>
    public required Uri Uri { get; init; }

    /// <summary>Bind DN or UPN; null for an anonymous bind.</summary>
    public string? BindName { get; init; }

    /// <summary>Bind password; null for an anonymous bind.</summary>
    public Secret? Password { get; init; }

    /// <summary>Base DN for searches; null for the server's default naming context.</summary>
    public string? BaseDn { get; init; }

    /// <summary>Upgrade <c>ldap://</c> with StartTLS.</summary>
    public bool StartTls { get; init; }

    /// <summary>CA certificates (PEM) to trust instead of the system store.</summary>
    public string? CaCertificatePem { get; init; }

    /// <summary>Skip certificate validation (explicit opt-out).</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>Allow a simple bind with a password over plain <c>ldap://</c>.</summary>
    public bool AllowPlainBind { get; init; }

    /// <summary>LDAP protocol version (3 unless set).</summary>
    public int ProtocolVersion { get; init; } = 3;

    /// <summary>Time allowed to connect, bind and run one request.</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>The session settings of a saved connection.</summary>
    public static LdapSessionSettings From(LdapSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new LdapSessionSettings
        {
            Uri = settings.Uri,
            BindName = settings.BindDn,
            Password = settings.Password,
            BaseDn = settings.BaseDn,
            StartTls = settings.StartTls,
            CaCertificatePem = settings.CaCertificatePem,
            InsecureSkipVerify = settings.InsecureSkipVerify,
            AllowPlainBind = settings.AllowPlainBind,
            ProtocolVersion = settings.ProtocolVersion,
        };
    }

    /// <summary>Whether the URI is <c>ldaps://</c>.</summary>
    public bool IsLdaps => string.Equals(Uri.Scheme, "ldaps", StringComparison.OrdinalIgnoreCase);

    /// <summary>The port, with the scheme's default (389, 636) when none is given.</summary>
    public int Port => Uri.IsDefaultPort || Uri.Port <= 0 ? (IsLdaps ? 636 : 389) : Uri.Port;

    /// <summary>Whether the session is protected by TLS (LDAPS or StartTLS).</summary>
    public bool UsesTls => IsLdaps || StartTls;

    /// <summary>The server as people read it: <c>ldaps://host:port</c>.</summary>
    public string Server => $"{Uri.Scheme.ToLowerInvariant()}://{Uri.Host}:{Port}";

    /// <summary>Every problem with these settings; empty when usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Uri.IsAbsoluteUri || Uri.Scheme is not ("ldap" or "ldaps"))
        {
            problems.Add($"The URI '{Uri}' must start with ldap:// or ldaps://, such as ldaps://dc1.example.com.");
        }

        if (string.IsNullOrEmpty(Uri.Host))
        {
            problems.Add($"The URI '{Uri}' names no host.");
        }

        if (IsLdaps && StartTls)
        {
            problems.Add("StartTLS upgrades a plain ldap:// connection; an ldaps:// connection is already encrypted. Use one or the other.");
        }

        if (ProtocolVersion is not (2 or 3))
        {
            problems.Add($"LDAP protocol version {ProtocolVersion} does not exist; use 3 (or 2 for very old servers).");
        }

        if (Password is not null && string.IsNullOrWhiteSpace(BindName))
        {
            problems.Add("A password was given without a bind DN or UPN; give both, or neither for an anonymous bind.");
        }

        if (Password is null && !string.IsNullOrWhiteSpace(BindName))
        {
            problems.Add($"There is no password to bind as '{BindName}': it was removed when the connection's server or TLS settings changed, so that it is sent only where it was given. Set the bind password again.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            problems.Add("The timeout must be positive.");
        }

        return problems;
    }
}
