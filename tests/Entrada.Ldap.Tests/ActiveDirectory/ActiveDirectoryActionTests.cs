using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Ldap.Actions;
using Entrada.Ldap.ActiveDirectory;
using Entrada.Ldap.Entries;
using Entrada.Ldap.Errors;
using Entrada.Ldap.Escaping;
using Entrada.Ldap.Sessions;
using Entrada.Ldap.Tests.Support;

namespace Entrada.Ldap.Tests.ActiveDirectory;

/// <summary>The Active Directory actions and bind sub-codes against the real Samba domain controller.</summary>
public sealed class ActiveDirectoryActionTests : IAsyncLifetime
{
    private const string Ad = "Samba";
    private readonly EntradaHost _entrada = EntradaHost.Create();

    public async Task InitializeAsync() =>
        await _entrada.AddConnectionAsync(EntradaHost.SambaRequest(Ad, TestServers.SambaAdminDn, TestServers.Env("ENTRADA_TEST_SAMBA_ADMIN_PASSWORD")));

    public async Task DisposeAsync() => await _entrada.DisposeAsync();

    private static Task<LdapOperationException> BindFailureAsync(TestUser user, string? password = null) =>
        Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(TestServers.Samba(user.Upn, password ?? user.Password), null, TimeProvider.System, CancellationToken.None));

    private static async Task BindAsync(TestUser user, string? password = null)
    {
        using var session = await LdapSession.OpenAsync(TestServers.Samba(user.Upn, password ?? user.Password), null, TimeProvider.System, CancellationToken.None);
    }

    [Fact]
    public async Task DisableThenEnable_TouchesOnlyBit2_KeepingEveryOtherBit()
    {
        var user = await SambaDirectory.CreateUserAsync();
        const int normalAndDontExpire = 0x200 | 0x10000;
        await SambaDirectory.ModifyAsync(user.Dn, "userAccountControl", DirectoryAttributeOperation.Replace, normalAndDontExpire);

        var disabled = await _entrada.RunValueAsync<LdapAccountResult>("ldap.ad.disable-account", Ad, new JsonObject { ["dn"] = user.Dn });
        disabled.PreviousUserAccountControl.ShouldBe(normalAndDontExpire);
        disabled.UserAccountControl.ShouldBe(normalAndDontExpire | 0x2);
        (await SambaDirectory.ReadAsync(user.Dn, "userAccountControl")).ShouldBe((normalAndDontExpire | 0x2).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var again = await _entrada.RunValueAsync<LdapAccountResult>("ldap.ad.disable-account", Ad, new JsonObject { ["dn"] = user.Dn });
        again.Changed.ShouldBeFalse();

        var enabled = await _entrada.RunValueAsync<LdapAccountResult>("ldap.ad.enable-account", Ad, new JsonObject { ["dn"] = user.Dn });
        enabled.UserAccountControl.ShouldBe(normalAndDontExpire);
    }

    [Fact]
    public async Task Disable_AsADryRun_ChangesNothingAndShowsTheModify()
    {
        var user = await SambaDirectory.CreateUserAsync();

        var (result, _) = await _entrada.RunAsync("ldap.ad.disable-account", Ad, new JsonObject { ["dn"] = user.Dn }, dryRun: true);

        var planned = result.PlannedRequests.ShouldHaveSingleItem();
        planned.Method.ShouldBe("modify");
        planned.Body!.ToJsonString().ShouldContain("514");
        await BindAsync(user);
    }

    [Fact]
    public async Task ThreeBadPasswords_LockTheAccount_With775_AndUnlockReleasesIt()
    {
        var user = await SambaDirectory.CreateUserAsync();
        for (var i = 0; i < 3; i++)
        {
            (await BindFailureAsync(user, "wrong-" + i)).ActiveDirectorySubCode.ShouldBe("52e");
        }

        var locked = await BindFailureAsync(user);
        locked.ActiveDirectorySubCode.ShouldBe("775");
        locked.Message.ShouldContain("locked out");

        var unlocked = await _entrada.RunValueAsync<LdapAccountResult>("ldap.ad.unlock-account", Ad, new JsonObject { ["dn"] = user.Dn });
        unlocked.Changed.ShouldBeTrue();
        unlocked.LockedOut.ShouldBeFalse();
        await BindAsync(user);

        (await _entrada.RunValueAsync<LdapAccountResult>("ldap.ad.unlock-account", Ad, new JsonObject { ["dn"] = user.Dn })).Changed.ShouldBeFalse();
    }

    [Fact]
    public async Task ResetPassword_WithMustChange_MakesTheNextBindFailWith773()
    {
        var user = await SambaDirectory.CreateUserAsync();
        const string chosen = "Chosen-Passw0rd-for-773!";

        var reset = await _entrada.RunValueAsync<LdapResetPasswordResult>("ldap.ad.reset-password", Ad, new JsonObject { ["dn"] = user.Dn, ["password"] = chosen, ["mustChange"] = true });

        reset.Generated.ShouldBeFalse();
        reset.Password.ShouldBeNull();
        (await SambaDirectory.ReadAsync(user.Dn, "pwdLastSet")).ShouldBe("0");
        var ex = await BindFailureAsync(user, chosen);
        ex.ActiveDirectorySubCode.ShouldBe("773");
        ex.Message.ShouldContain("must be changed");
    }

    [Fact]
    public async Task ResetPassword_ThatBreaksThePolicy_SaysSo()
    {
        var user = await SambaDirectory.CreateUserAsync();

        var ex = await Should.ThrowAsync<LdapOperationException>(() => _entrada.RunAsync("ldap.ad.reset-password", Ad, new JsonObject { ["dn"] = user.Dn, ["password"] = "short" }));

        ex.Message.ShouldContain("password policy");
        ex.Message.ShouldNotContain("short\"");
    }

    [Fact]
    public async Task ResetPassword_OverPlainLdap_IsRefusedBeforeConnecting()
    {
        var user = await SambaDirectory.CreateUserAsync();
        await _entrada.AddConnectionAsync(EntradaHost.SambaRequest("Samba plain", TestServers.SambaAdminDn, TestServers.Env("ENTRADA_TEST_SAMBA_ADMIN_PASSWORD")) with
        {
            Uri = TestServers.Env("ENTRADA_TEST_SAMBA_PLAIN_URI"),
            AllowPlainBind = true,
            CaCertificate = null,
        });

        var ex = await Should.ThrowAsync<LdapOperationException>(() => _entrada.RunAsync("ldap.ad.reset-password", "Samba plain", new JsonObject { ["dn"] = user.Dn }));

        ex.Kind.ShouldBe(ErrorKind.InvalidInput);
        ex.Message.ShouldContain("runs only over TLS");
        await BindAsync(user);
    }

    [Fact]
    public async Task AnExpiredAccount_FailsToBindWith701()
    {
        var user = await SambaDirectory.CreateUserAsync();
        await SambaDirectory.ModifyAsync(user.Dn, "accountExpires", DirectoryAttributeOperation.Replace, "116444736000000000"); // 1970-01-01

        var ex = await BindFailureAsync(user);

        ex.ActiveDirectorySubCode.ShouldBe("701");
        ex.Message.ShouldContain("has expired");
    }

    [Fact]
    public async Task AddingAMemberTwice_ChangesOnce_AndRemovingWorksTheSameWay()
    {
        var user = await SambaDirectory.CreateUserAsync();
        var group = await SambaDirectory.CreateGroupAsync();
        var input = new JsonObject { ["groupDn"] = group, ["memberDn"] = user.Dn };

        (await _entrada.RunValueAsync<LdapGroupMemberResult>("ldap.ad.add-group-member", Ad, input)).Changed.ShouldBeTrue();
        (await _entrada.RunValueAsync<LdapGroupMemberResult>("ldap.ad.add-group-member", Ad, input)).Changed.ShouldBeFalse();
        (await _entrada.RunListAsync<LdapUserGroup>("ldap.ad.list-user-groups", Ad, new JsonObject { ["dn"] = user.Dn })).ShouldContain(g => DistinguishedName.AreEqual(g.Dn, group));

        (await _entrada.RunValueAsync<LdapGroupMemberResult>("ldap.ad.remove-group-member", Ad, input)).Changed.ShouldBeTrue();
        (await _entrada.RunValueAsync<LdapGroupMemberResult>("ldap.ad.remove-group-member", Ad, input)).Changed.ShouldBeFalse();
        (await _entrada.RunListAsync<LdapUserGroup>("ldap.ad.list-user-groups", Ad, new JsonObject { ["dn"] = user.Dn })).ShouldNotContain(g => DistinguishedName.AreEqual(g.Dn, group));
    }

    [Fact]
    public async Task AddGroupMember_ToSomethingThatIsNotAGroup_IsRefused()
    {
        var user = await SambaDirectory.CreateUserAsync();
        var other = await SambaDirectory.CreateUserAsync();

        var ex = await Should.ThrowAsync<LdapOperationException>(() => _entrada.RunAsync("ldap.ad.add-group-member", Ad, new JsonObject { ["groupDn"] = other.Dn, ["memberDn"] = user.Dn }));

        ex.Message.ShouldContain("is not a group");
    }

    [Fact]
    public async Task Get_RendersObjectGuidAndObjectSid_InForms_TheServerItselfMatches()
    {
        var user = await SambaDirectory.CreateUserAsync();

        var entry = await _entrada.RunValueAsync<LdapEntry>("ldap.get", Ad, new JsonObject { ["dn"] = user.Dn, ["attributes"] = new JsonArray("objectGUID", "objectSid", "sAMAccountName") });

        var sid = entry.First("objectSid").ShouldNotBeNull();
        sid.ShouldStartWith("S-1-5-21-");
        var guid = Guid.Parse(entry.First("objectGUID").ShouldNotBeNull());
        entry.BinaryAttributes.ShouldBeNull();

        // Active Directory accepts a SID's string form in a filter, and a GUID as its escaped bytes: both find the same user.
        var bySid = await _entrada.RunListAsync<LdapEntry>("ldap.search", Ad, new JsonObject { ["filter"] = $"(objectSid={sid})", ["attributes"] = new JsonArray("sAMAccountName") });
        bySid.ShouldHaveSingleItem().First("sAMAccountName").ShouldBe(user.SamAccountName);
        var byGuid = await _entrada.RunListAsync<LdapEntry>("ldap.search", Ad, new JsonObject { ["filter"] = $"(objectGUID={LdapFilter.Escape(guid.ToByteArray())})", ["attributes"] = new JsonArray("sAMAccountName") });
        byGuid.ShouldHaveSingleItem().First("sAMAccountName").ShouldBe(user.SamAccountName);
    }

    [Theory]
    [InlineData("*)(objectClass=*")]
    [InlineData("Zoë Ünïcödé")]
    [InlineData(@"Doe\, Jane + Co")]
    public async Task FindDn_OnActiveDirectory_MatchesNamesWithSpecialCharactersLiterally(string name)
    {
        var cn = $"{name} {TestServers.Unique("")}";
        var user = await SambaDirectory.CreateUserAsync(cn);

        var found = await _entrada.RunListAsync<LdapFoundDn>("ldap.find-dn", Ad, new JsonObject { ["query"] = cn });

        DistinguishedName.AreEqual(found.ShouldHaveSingleItem().Dn, user.Dn).ShouldBeTrue(found[0].Dn);
        found[0].ObjectClass.ShouldBe("user");
        (await _entrada.RunListAsync<LdapFoundDn>("ldap.find-dn", Ad, new JsonObject { ["query"] = user.Upn })).ShouldHaveSingleItem();
    }
}
