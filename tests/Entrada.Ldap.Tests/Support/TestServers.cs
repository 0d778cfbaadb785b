using Entrada.Core.Secrets;
using Entrada.Ldap.Sessions;

namespace Entrada.Ldap.Tests.Support;

/// <summary>
/// The real servers ./test.sh starts (tests/infra/samba.start.sh, slapd.start.sh), read from the
/// environment. A missing variable fails the test with the way to fix it: these tests never skip.
/// </summary>
internal static class TestServers
{
    public static string Env(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"The environment variable {name} is not set: the LDAP tests need the Samba and slapd servers that ./test.sh starts. Run ./test.sh from the repository root (or source its tests/infra/*.start.sh first).");

    public static string SambaCaPem => File.ReadAllText(Env("ENTRADA_TEST_SAMBA_CA"));

    public static string SambaBaseDn => Env("ENTRADA_TEST_SAMBA_BASE_DN");

    public static string SambaAdminDn => Env("ENTRADA_TEST_SAMBA_ADMIN_DN");

    /// <summary>LDAPS to Samba as Administrator, trusting the test CA.</summary>
    public static LdapSessionSettings SambaAdmin() => new()
    {
        Uri = new Uri(Env("ENTRADA_TEST_SAMBA_URI")),
        BindName = Env("ENTRADA_TEST_SAMBA_ADMIN_DN"),
        Password = new Secret(Env("ENTRADA_TEST_SAMBA_ADMIN_PASSWORD")),
        CaCertificatePem = SambaCaPem,
        Timeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>LDAPS to Samba as someone, trusting the test CA.</summary>
    public static LdapSessionSettings Samba(string bindName, string password) => SambaAdmin() with
    {
        BindName = bindName,
        Password = new Secret(password),
    };

    /// <summary>Plain ldap:// to slapd, anonymous.</summary>
    public static LdapSessionSettings SlapdAnonymous() => new()
    {
        Uri = new Uri(Env("ENTRADA_TEST_SLAPD_URI")),
        Timeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>Plain ldap:// to slapd as its admin (plain bind allowed: the test server has no trusted name).</summary>
    public static LdapSessionSettings SlapdAdmin() => SlapdAnonymous() with
    {
        BindName = Env("ENTRADA_TEST_SLAPD_ADMIN_DN"),
        Password = new Secret(Env("ENTRADA_TEST_SLAPD_ADMIN_PASSWORD")),
        AllowPlainBind = true,
    };

    public static string SlapdBaseDn => Env("ENTRADA_TEST_SLAPD_BASE_DN");

    public static int SlapdPeople => int.Parse(Env("ENTRADA_TEST_SLAPD_PEOPLE"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A name no earlier run used.</summary>
    public static string Unique(string prefix) => $"{prefix}{Guid.NewGuid().ToString("N")[..10]}";
}
