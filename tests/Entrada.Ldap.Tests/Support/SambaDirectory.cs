using System.DirectoryServices.Protocols;
using System.Text;
using Entrada.Ldap.Escaping;
using Entrada.Ldap.Sessions;

namespace Entrada.Ldap.Tests.Support;

/// <summary>A user made for one test in the real Samba domain.</summary>
internal sealed record TestUser(string Dn, string SamAccountName, string Upn, string Password);

/// <summary>Makes users and groups in the real Samba domain for tests, as Administrator over LDAPS.</summary>
internal static class SambaDirectory
{
    public static Task<LdapSession> OpenAdminAsync() => LdapSession.OpenAsync(TestServers.SambaAdmin(), null, TimeProvider.System, CancellationToken.None);

    public static async Task<TestUser> CreateUserAsync(string? cn = null, bool enabled = true)
    {
        var sam = TestServers.Unique("t");
        cn ??= sam;
        var dn = $"{DistinguishedName.Rdn("CN", cn)},CN=Users,{TestServers.SambaBaseDn}";
        var upn = $"{sam}@entrada.test";
        var password = "Pw-" + Guid.NewGuid().ToString("N")[..16] + "!a9";
        using var admin = await OpenAdminAsync();
        var add = new AddRequest(dn,
            new DirectoryAttribute("objectClass", "user"),
            new DirectoryAttribute("sAMAccountName", sam),
            new DirectoryAttribute("userPrincipalName", upn),
            new DirectoryAttribute("unicodePwd", Encoding.Unicode.GetBytes($"\"{password}\"")),
            new DirectoryAttribute("userAccountControl", (enabled ? 512 : 514).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await admin.SendAsync<AddResponse>(add, "add", dn, CancellationToken.None);
        return new TestUser(dn, sam, upn, password);
    }

    public static async Task<string> CreateGroupAsync(string? cn = null)
    {
        cn ??= TestServers.Unique("g");
        var dn = $"{DistinguishedName.Rdn("CN", cn)},CN=Users,{TestServers.SambaBaseDn}";
        using var admin = await OpenAdminAsync();
        await admin.SendAsync<AddResponse>(new AddRequest(dn,
            new DirectoryAttribute("objectClass", "group"),
            new DirectoryAttribute("sAMAccountName", cn.Length > 20 ? cn[..20] : cn)), "add", dn, CancellationToken.None);
        return dn;
    }

    public static async Task ModifyAsync(string dn, string attribute, DirectoryAttributeOperation operation, params object[] values)
    {
        using var admin = await OpenAdminAsync();
        var modification = new DirectoryAttributeModification { Name = attribute, Operation = operation };
        foreach (var value in values)
        {
            switch (value)
            {
                case byte[] b: modification.Add(b); break;
                default: modification.Add(value.ToString()); break;
            }
        }

        await admin.SendAsync<ModifyResponse>(new ModifyRequest(dn, modification), "modify", dn, CancellationToken.None);
    }

    public static async Task<string?> ReadAsync(string dn, string attribute)
    {
        using var admin = await OpenAdminAsync();
        var entry = await admin.GetEntryAsync(dn, [attribute], CancellationToken.None);
        return entry?.Attributes[attribute] is { Count: > 0 } a ? (string)a.GetValues(typeof(string))[0] : null;
    }
}
