using Entrada.Core;
using System.DirectoryServices.Protocols;
using Entrada.Ldap.Errors;
using Entrada.Ldap.Sessions;
using Entrada.Ldap.Tests.Support;

namespace Entrada.Ldap.Tests.Sessions;

public sealed class LdapSessionTests
{
    [Fact]
    public async Task Ldaps_TrustingTheConnectionsCa_BindsAsTheAdministratorDn()
    {
        using var session = await LdapSession.OpenAsync(TestServers.SambaAdmin(), null, TimeProvider.System, CancellationToken.None);

        var root = await session.ReadRootDseAsync(CancellationToken.None);

        root.IsActiveDirectory.ShouldBeTrue();
        root.DefaultNamingContext.ShouldBe(TestServers.SambaBaseDn);
        (await session.GetBaseDnAsync(CancellationToken.None)).ShouldBe(TestServers.SambaBaseDn);
    }

    [Fact]
    public async Task Ldaps_BindsWithAUserPrincipalName()
    {
        var settings = TestServers.SambaAdmin() with { BindName = TestServers.Env("ENTRADA_TEST_SAMBA_ADMIN_UPN") };

        using var session = await LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None);

        (await session.GetEntryAsync(TestServers.SambaAdminDn, ["sAMAccountName"], CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task StartTls_OnThePlainPort_BindsWithTheCertificateVerified()
    {
        var settings = TestServers.SambaAdmin() with { Uri = new Uri(TestServers.Env("ENTRADA_TEST_SAMBA_PLAIN_URI")), StartTls = true };

        using var session = await LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None);

        session.UsesTls.ShouldBeTrue();
        (await session.ReadRootDseAsync(CancellationToken.None)).IsActiveDirectory.ShouldBeTrue();
    }

    [Fact]
    public async Task StartTls_WithAnotherCa_IsRefusedAsUntrusted()
    {
        var settings = TestServers.SambaAdmin() with
        {
            Uri = new Uri(TestServers.Env("ENTRADA_TEST_SAMBA_PLAIN_URI")),
            StartTls = true,
            CaCertificatePem = OtherCa.Pem,
        };

        var ex = await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None));

        ex.Failure.ShouldBe(LdapFailureKind.Tls);
        ex.Message.ShouldContain("is not trusted");
    }

    [Fact]
    public async Task Ldaps_WithAnotherCa_IsRefusedAsUntrustedNamingTheIssuer()
    {
        var settings = TestServers.SambaAdmin() with { CaCertificatePem = OtherCa.Pem };

        var ex = await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None));

        ex.Failure.ShouldBe(LdapFailureKind.Tls);
        ex.Kind.ShouldBe(ErrorKind.Authentication);
        ex.Message.ShouldContain("is not trusted");
        ex.Message.ShouldContain("Entrada Test CA");
        ex.Message.ShouldContain("--ca-cert");
    }

    [Fact]
    public async Task Ldaps_WithoutACa_UsesTheSystemStore_WhichDoesNotTrustTheTestCa()
    {
        var settings = TestServers.SambaAdmin() with { CaCertificatePem = null };

        var ex = await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None));

        ex.Failure.ShouldBe(LdapFailureKind.Tls);
        ex.Message.ShouldContain("system's certificate store");
    }

    [Fact]
    public async Task Ldaps_ToACertificateForAnotherName_IsRefusedAsNameMismatch()
    {
        var settings = new LdapSessionSettings
        {
            Uri = new Uri(TestServers.Env("ENTRADA_TEST_SLAPD_WRONG_NAME_URI")),
            CaCertificatePem = File.ReadAllText(TestServers.Env("ENTRADA_TEST_SLAPD_CA")),
        };

        var ex = await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None));

        ex.Failure.ShouldBe(LdapFailureKind.Tls);
        ex.Message.ShouldContain("does not name '127.0.0.1'");
        ex.Message.ShouldContain("DNS:wrong-name.invalid");
    }

    [Fact]
    public async Task InsecureSkipVerify_AcceptsACertificateThatWouldBeRefused()
    {
        var settings = new LdapSessionSettings
        {
            Uri = new Uri(TestServers.Env("ENTRADA_TEST_SLAPD_WRONG_NAME_URI")),
            InsecureSkipVerify = true,
        };

        using var session = await LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None);

        (await session.ReadRootDseAsync(CancellationToken.None)).NamingContexts.ShouldContain(TestServers.SlapdBaseDn);
    }

    [Fact]
    public async Task WrongPassword_FailsWithSubCode52e_AndNeverShowsThePassword()
    {
        var user = await SambaDirectory.CreateUserAsync();
        const string wrong = "Wrong-Secret-Password-123";

        var ex = await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(TestServers.Samba(user.Dn, wrong), null, TimeProvider.System, CancellationToken.None));

        ex.Failure.ShouldBe(LdapFailureKind.Authentication);
        ex.ResultCode.ShouldBe(49);
        ex.ActiveDirectorySubCode.ShouldBe("52e");
        ex.Kind.ShouldBe(ErrorKind.Authentication);
        ex.Message.ShouldContain("rejected the password");
        ex.ToString().ShouldNotContain(wrong);
    }

    [Fact]
    public async Task PlainBind_WithAPassword_IsRefusedBeforeAnythingIsSent()
    {
        // Port 9 has no listener: the refusal must come before any connection attempt.
        var settings = TestServers.SlapdAdmin() with { Uri = new Uri("ldap://127.0.0.1:9"), AllowPlainBind = false };

        var ex = await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None));

        ex.Failure.ShouldBe(LdapFailureKind.InvalidInput);
        ex.Kind.ShouldBe(ErrorKind.InvalidInput);
        ex.Message.ShouldContain("in clear");
        ex.Message.ShouldContain("--allow-plain-bind");
    }

    [Fact]
    public async Task PlainBind_WhenAllowed_BindsToSamba()
    {
        var settings = TestServers.SambaAdmin() with { Uri = new Uri(TestServers.Env("ENTRADA_TEST_SAMBA_PLAIN_URI")), AllowPlainBind = true };

        using var session = await LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None);

        session.UsesTls.ShouldBeFalse();
        (await session.GetEntryAsync(TestServers.SambaAdminDn, ["cn"], CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task AnonymousBind_OverPlainLdap_NeedsNoPermission()
    {
        using var session = await LdapSession.OpenAsync(TestServers.SlapdAnonymous(), null, TimeProvider.System, CancellationToken.None);

        (await session.ReadRootDseAsync(CancellationToken.None)).IsActiveDirectory.ShouldBeFalse();
    }

    [Fact]
    public async Task ClosedPort_IsReportedAsUnreachable()
    {
        var settings = new LdapSessionSettings { Uri = new Uri("ldap://127.0.0.1:9"), Timeout = TimeSpan.FromSeconds(5) };

        var ex = await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None));

        ex.Failure.ShouldBe(LdapFailureKind.Unreachable);
        ex.Kind.ShouldBe(ErrorKind.Authentication);
        ex.Message.ShouldContain("Cannot reach");
    }

    [Fact]
    public async Task AServerThatNeverAnswers_TimesOutInsteadOfHanging()
    {
        // Accepts the TCP connection, then says nothing: only the session's timeout can end the bind.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        var settings = new LdapSessionSettings { Uri = new Uri($"ldap://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
        var started = System.Diagnostics.Stopwatch.StartNew();

        var ex = await Should.ThrowAsync<LdapOperationException>(() => LdapSession.OpenAsync(settings, null, TimeProvider.System, CancellationToken.None));

        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
        ex.Failure.ShouldBe(LdapFailureKind.Unreachable);
        ex.Kind.ShouldBe(ErrorKind.Authentication);
    }

    [Fact]
    public async Task PagedSearch_ReturnsEveryEntry_BeyondTheServersPerSearchLimit()
    {
        using var session = await LdapSession.OpenAsync(TestServers.SlapdAnonymous(), null, TimeProvider.System, CancellationToken.None);

        var uids = new List<string>();
        await foreach (var entry in session.SearchAsync($"ou=people,{TestServers.SlapdBaseDn}", "(uid=person*)", SearchScope.OneLevel, ["uid"], 100, null, CancellationToken.None))
        {
            uids.Add((string)entry.Attributes["uid"][0]);
        }

        uids.Count.ShouldBe(TestServers.SlapdPeople);
        uids.Distinct().Count().ShouldBe(TestServers.SlapdPeople);
    }

    [Fact]
    public async Task UnpagedSearch_HitsTheServersLimit_WhichIsWhyPagingMatters()
    {
        using var session = await LdapSession.OpenAsync(TestServers.SlapdAnonymous(), null, TimeProvider.System, CancellationToken.None);
        var request = new SearchRequest($"ou=people,{TestServers.SlapdBaseDn}", "(uid=person*)", SearchScope.OneLevel, "uid");

        var ex = await Should.ThrowAsync<LdapOperationException>(() => session.SendAsync<SearchResponse>(request, "search", request.DistinguishedName, CancellationToken.None));

        ex.ResultCode.ShouldBe(4);
    }

    [Fact]
    public async Task PagedSearch_StopsAtTheSizeLimit()
    {
        using var session = await LdapSession.OpenAsync(TestServers.SlapdAnonymous(), null, TimeProvider.System, CancellationToken.None);

        var count = 0;
        await foreach (var _ in session.SearchAsync(TestServers.SlapdBaseDn, "(objectClass=inetOrgPerson)", SearchScope.Subtree, ["uid"], 100, 130, CancellationToken.None))
        {
            count++;
        }

        count.ShouldBe(130);
    }

    [Fact]
    public async Task Search_WhenCancelled_ThrowsOperationCanceled()
    {
        using var session = await LdapSession.OpenAsync(TestServers.SlapdAnonymous(), null, TimeProvider.System, CancellationToken.None);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in session.SearchAsync(TestServers.SlapdBaseDn, "(objectClass=*)", SearchScope.Subtree, null, 100, null, cts.Token))
            {
            }
        });
    }
}
