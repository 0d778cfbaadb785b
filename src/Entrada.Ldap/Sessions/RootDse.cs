namespace Entrada.Ldap.Sessions;

/// <summary>What an LDAP server says about itself in its root DSE (RFC 4512 5.1).</summary>
/// <param name="NamingContexts">The naming contexts (suffixes) it holds.</param>
/// <param name="DefaultNamingContext">Active Directory's domain naming context, when given.</param>
/// <param name="SupportedControls">OIDs of the controls it supports.</param>
/// <param name="SupportedExtensions">OIDs of the extended operations it supports.</param>
/// <param name="SupportedCapabilities">Active Directory capability OIDs (<c>1.2.840.113556.1.4.800</c> means Active Directory).</param>
/// <param name="SupportedLdapVersions">Protocol versions it speaks.</param>
/// <param name="Vendor">Vendor name and version, when it says.</param>
/// <param name="DnsHostName">Its DNS host name (Active Directory).</param>
public sealed record RootDse(
    IReadOnlyList<string> NamingContexts,
    string? DefaultNamingContext,
    IReadOnlyList<string> SupportedControls,
    IReadOnlyList<string> SupportedExtensions,
    IReadOnlyList<string> SupportedCapabilities,
    IReadOnlyList<string> SupportedLdapVersions,
    string? Vendor,
    string? DnsHostName)
{
    /// <summary>LDAP_CAP_ACTIVE_DIRECTORY_OID: the server is Active Directory (or Samba, or Entra Domain Services).</summary>
    public const string ActiveDirectoryCapability = "1.2.840.113556.1.4.800";

    /// <summary>The simple paged results control (RFC 2696).</summary>
    public const string PagedResultsControl = "1.2.840.113556.1.4.319";

    /// <summary>The "Who am I?" extended operation (RFC 4532).</summary>
    public const string WhoAmIExtension = "1.3.6.1.4.1.4203.1.11.3";

    /// <summary>The attributes to ask for; most are operational, so they must be named.</summary>
    internal static readonly string[] Attributes =
    [
        "namingContexts", "defaultNamingContext", "supportedControl", "supportedExtension",
        "supportedCapabilities", "supportedLDAPVersion", "vendorName", "vendorVersion", "dnsHostName",
    ];

    /// <summary>Whether the server is Active Directory.</summary>
    public bool IsActiveDirectory => SupportedCapabilities.Contains(ActiveDirectoryCapability);

    /// <summary>Whether the server supports paged results.</summary>
    public bool SupportsPaging => SupportedControls.Contains(PagedResultsControl);

    /// <summary>The base DN to use when none is configured: the default naming context, else the only naming context.</summary>
    public string? DefaultBaseDn => DefaultNamingContext ?? (NamingContexts.Count >= 1 ? NamingContexts[0] : null);
}
