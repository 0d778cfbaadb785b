using Entrada.Core.Connections;
using Entrada.Core.Secrets;

namespace Entrada.Ldap.Tests.Support;

internal static class SlapdConnection
{
    /// <summary>slapd's admin over plain ldap:// (allowed explicitly: the test slapd's TLS port has a certificate for another name on purpose).</summary>
    public static ConnectionRequest Admin(string name) => new()
    {
        Name = name,
        Method = "ldap",
        Uri = TestServers.Env("ENTRADA_TEST_SLAPD_URI"),
        BindDn = TestServers.Env("ENTRADA_TEST_SLAPD_ADMIN_DN"),
        Password = new Secret(TestServers.Env("ENTRADA_TEST_SLAPD_ADMIN_PASSWORD")),
        AllowPlainBind = true,
    };

    public static ConnectionRequest Anonymous(string name) => new()
    {
        Name = name,
        Method = "ldap",
        Uri = TestServers.Env("ENTRADA_TEST_SLAPD_URI"),
        Anonymous = true,
    };
}
