using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Ldap.Actions;
using Entrada.Ldap.ActiveDirectory;
using Entrada.Ldap.Errors;
using Entrada.Ldap.Sessions;
using Entrada.Ldap.Tests.Support;

namespace Entrada.Ldap.Tests.ActiveDirectory;

/// <summary>The "done when", against the real Samba domain controller, through the action runner.</summary>
public sealed class DoneWhenScenarioTests
{
    [Fact]
    public async Task ANewLdapsConnection_TestsFindsDisablesEnablesResetsAddsToAGroupAndListsNestedGroups()
    {
        // A user to work on, a group, and a parent group the first is nested in.
        var cn = TestServers.Unique("Quinn Example ");
        var user = await SambaDirectory.CreateUserAsync(cn);
        var team = await SambaDirectory.CreateGroupAsync();
        var division = await SambaDirectory.CreateGroupAsync();
        await SambaDirectory.ModifyAsync(division, "member", DirectoryAttributeOperation.Add, team);

        await using var entrada = EntradaHost.Create();
        await entrada.AddConnectionAsync(EntradaHost.SambaRequest("Corp AD", TestServers.SambaAdminDn, TestServers.Env("ENTRADA_TEST_SAMBA_ADMIN_PASSWORD")));

        // Test: authenticated, TLS trusted, Active Directory, every action ready.
        var report = await entrada.TestAsync("Corp AD");
        report.Authenticated.ShouldBeTrue(report.Error);
        report.Outcome.ShouldBe("ready");
        report.FailureKind.ShouldBeNull();
        report.Checks.Single(c => c.Name == "tls").Passed.ShouldBeTrue();
        report.Checks.Single(c => c.Name == "tls").Detail.ShouldContain("trusted by the connection's CA certificate");
        report.ServerFacts["activeDirectory"].ShouldBe("yes");
        report.ServerFacts["baseDn"].ShouldBe(TestServers.SambaBaseDn);
        report.Identity.ShouldBe("dn:" + TestServers.SambaAdminDn);
        report.Warnings.ShouldBeEmpty();

        // Find the user's DN by name.
        var found = await entrada.RunListAsync<LdapFoundDn>("ldap.find-dn", "Corp AD", new JsonObject { ["query"] = cn });
        found.ShouldHaveSingleItem().Dn.ShouldBe(user.Dn, StringCompareShould.IgnoreCase);

        // Disable: the user can no longer bind (533); enable: it can again.
        var disabled = await entrada.RunValueAsync<LdapAccountResult>("ldap.ad.disable-account", "Corp AD", new JsonObject { ["dn"] = user.Dn });
        disabled.Changed.ShouldBeTrue();
        disabled.Enabled.ShouldBeFalse();
        var bind = await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(TestServers.Samba(user.Upn, user.Password), null, TimeProvider.System, CancellationToken.None));
        bind.ActiveDirectorySubCode.ShouldBe("533");
        bind.Message.ShouldContain("is disabled");

        var enabled = await entrada.RunValueAsync<LdapAccountResult>("ldap.ad.enable-account", "Corp AD", new JsonObject { ["dn"] = user.Dn });
        enabled.Enabled.ShouldBeTrue();
        using (await LdapSession.OpenAsync(TestServers.Samba(user.Upn, user.Password), null, TimeProvider.System, CancellationToken.None))
        {
        }

        // Reset the password to a generated one, shown once: the old one stops working, the new one works.
        var reset = await entrada.RunValueAsync<LdapResetPasswordResult>("ldap.ad.reset-password", "Corp AD", new JsonObject { ["dn"] = user.Dn });
        reset.Generated.ShouldBeTrue();
        reset.Password.ShouldNotBeNullOrEmpty();
        reset.ToString().ShouldNotContain(reset.Password!);
        (await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(TestServers.Samba(user.Upn, user.Password), null, TimeProvider.System, CancellationToken.None)))
            .ActiveDirectorySubCode.ShouldBe("52e");
        using (await LdapSession.OpenAsync(TestServers.Samba(user.Upn, reset.Password!), null, TimeProvider.System, CancellationToken.None))
        {
        }

        // Add to the team group; the nested list holds the team (direct), the division (through the team) and Domain Users (primary).
        var added = await entrada.RunValueAsync<LdapGroupMemberResult>("ldap.ad.add-group-member", "Corp AD", new JsonObject { ["groupDn"] = team, ["memberDn"] = user.Dn });
        added.Changed.ShouldBeTrue();
        var groups = await entrada.RunListAsync<LdapUserGroup>("ldap.ad.list-user-groups", "Corp AD", new JsonObject { ["dn"] = user.Dn, ["nested"] = true });
        groups.ShouldContain(g => g.Dn.Equals(team, StringComparison.OrdinalIgnoreCase) && g.Direct);
        groups.ShouldContain(g => g.Dn.Equals(division, StringComparison.OrdinalIgnoreCase) && !g.Direct);
        groups.ShouldContain(g => g.Primary && g.Name == "Domain Users");

        var directOnly = await entrada.RunListAsync<LdapUserGroup>("ldap.ad.list-user-groups", "Corp AD", new JsonObject { ["dn"] = user.Dn });
        directOnly.ShouldNotContain(g => g.Dn.Equals(division, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ConnectionTest_WithAWrongCa_FailsWithTheTlsMessageAndExitCode3()
    {
        await using var entrada = EntradaHost.Create();
        await entrada.AddConnectionAsync(EntradaHost.SambaRequest("Wrong CA", TestServers.SambaAdminDn, TestServers.Env("ENTRADA_TEST_SAMBA_ADMIN_PASSWORD"), OtherCa.Pem));

        var report = await entrada.TestAsync("Wrong CA");

        report.Authenticated.ShouldBeFalse();
        report.FailureKind.ShouldBe(ErrorKind.Authentication);
        report.Error.ShouldNotBeNull().ShouldContain("is not trusted");
        report.Checks.ShouldContain(c => c.Name == "reachable" && c.Passed);
        report.Checks.ShouldContain(c => c.Name == "tls" && !c.Passed);
    }

    [Fact]
    public async Task ConnectionTest_WithAWrongPassword_Reports52eAndExitCode3_WithoutThePassword()
    {
        const string wrong = "Not-The-Password-42";
        await using var entrada = EntradaHost.Create();
        await entrada.AddConnectionAsync(EntradaHost.SambaRequest("Wrong password", TestServers.SambaAdminDn, wrong));

        var report = await entrada.TestAsync("Wrong password");

        report.Authenticated.ShouldBeFalse();
        report.FailureKind.ShouldBe(ErrorKind.Authentication);
        report.ErrorCode.ShouldBe("49/52e");
        report.Error.ShouldNotBeNull().ShouldContain("rejected the password");
        System.Text.Json.JsonSerializer.Serialize(report).ShouldNotContain(wrong);
    }

    [Fact]
    public async Task PlainBindConnection_IsRefusedWithExitCode2()
    {
        await using var entrada = EntradaHost.Create();
        var request = EntradaHost.SambaRequest("Plain", TestServers.SambaAdminDn, "whatever") with { Uri = TestServers.Env("ENTRADA_TEST_SAMBA_PLAIN_URI"), CaCertificate = null };

        var ex = await Should.ThrowAsync<EntradaValidationException>(() => entrada.AddConnectionAsync(request));

        ex.Kind.ShouldBe(ErrorKind.InvalidInput);
        ex.Message.ShouldContain("in clear");
    }

    [Fact]
    public async Task ConnectionTest_WithInsecureSkipVerify_WarnsInTheResult()
    {
        await using var entrada = EntradaHost.Create();
        await entrada.AddConnectionAsync(EntradaHost.SambaRequest("Skip verify", TestServers.SambaAdminDn, TestServers.Env("ENTRADA_TEST_SAMBA_ADMIN_PASSWORD"), OtherCa.Pem) with { InsecureSkipVerify = true });

        var report = await entrada.TestAsync("Skip verify");

        report.Authenticated.ShouldBeTrue(report.Error);
        report.Warnings.ShouldContain(w => w.Contains("Certificate validation is switched off", StringComparison.Ordinal));
        report.Checks.Single(c => c.Name == "tls").Detail.ShouldContain("NOT verified");
    }
}
