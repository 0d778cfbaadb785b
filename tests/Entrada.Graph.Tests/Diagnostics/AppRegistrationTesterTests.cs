using Entrada.Core;
using Entrada.Graph.Tests.Support;

namespace Entrada.Graph.Tests.Diagnostics;

public sealed class AppRegistrationTesterTests(GraphFixture fixture) : IClassFixture<GraphFixture>
{
    [Fact]
    public async Task Test_OfTheDemoApp_ReportsTheTenantPermissionsAndEveryActionReady()
    {
        var report = await fixture.TestAsync(fixture.SecretConnection("demo-test"));

        report.Authenticated.ShouldBeTrue();
        report.TenantId.ShouldBe(fixture.Server.TenantId);
        report.TenantName.ShouldNotBeNullOrWhiteSpace();
        report.GrantedPermissions.ShouldContain("User.Read.All");
        report.Actions.Count.ShouldBeGreaterThan(30);
        report.Actions.Where(a => !a.Ready).ShouldBeEmpty();
        report.FailureKind.ShouldBeNull();
        report.AdminConsentUrl.ShouldBeNull();
    }

    [Fact]
    public async Task Test_OfAnAppWithoutConsent_NamesLeastPermissionsAndTheConsentUrl_AndExits4()
    {
        var connection = fixture.SecretConnection("no-consent-test", fixture.NoConsent);
        var report = await fixture.TestAsync(connection);

        report.Authenticated.ShouldBeTrue();
        report.FailureKind.ShouldBe(ErrorKind.PermissionMissing);
        report.Outcome.ShouldBe("partly-ready");
        var disable = report.Actions.Single(a => a.ActionId == "users.disable");
        disable.Ready.ShouldBeFalse();
        disable.MissingPermission.ShouldBe("User.EnableDisableAccount.All");
        disable.AlternativePermissions.ShouldContain("User.ReadWrite.All");
        disable.AlsoMissing.ShouldContain("User.Read.All");
        report.Actions.Single(a => a.ActionId == "groups.create").MissingPermission.ShouldBe("Group.Create");
        report.AdminConsentUrl.ShouldBe($"{fixture.Server.AuthorityHost.GetLeftPart(UriPartial.Authority)}/{fixture.Server.TenantId}/adminconsent?client_id={fixture.NoConsent.ClientId}");
        report.AdminSteps.ShouldContain(s => s.Contains("API permissions", StringComparison.Ordinal));
        report.AdminSteps.ShouldContain(s => s.Contains("User.EnableDisableAccount.All", StringComparison.Ordinal));
        report.AdminSteps.ShouldContain(s => s.Contains(report.AdminConsentUrl!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Test_WithTheSecretId_FailsWithAadsts7000215_AndExits3()
    {
        var report = await fixture.TestAsync(fixture.SecretConnection("secret-id-test", secret: "9b2c6a3e-secret-id"));

        report.Authenticated.ShouldBeFalse();
        report.ErrorCode.ShouldBe("AADSTS7000215");
        report.Error!.ShouldContain("Value, not its Secret ID");
        report.FailureKind.ShouldBe(ErrorKind.Authentication);
        report.Checks.ShouldContain(c => c.Name == "token" && !c.Passed);
    }

    [Fact]
    public async Task Test_WithACertificate_Authenticates()
    {
        var report = await fixture.TestAsync(await fixture.CertificateConnectionAsync("cert-test"));
        report.Authenticated.ShouldBeTrue();
        report.FailureKind.ShouldBeNull();
    }

    [Fact]
    public async Task Run_OnAnAppWithoutConsent_IsRefusedBeforeAnyGraphRequest_WithExit4AndTheConsentUrl()
    {
        await fixture.SavedAsync(fixture.SecretConnection("no-consent-run", fixture.NoConsent));
        var graphRequests = fixture.Requests.Count("/v1.0/");

        var failure = await Should.ThrowAsync<PermissionMissingException>(() => fixture.RunAsync("users.list", "no-consent-run"));

        failure.Kind.ShouldBe(ErrorKind.PermissionMissing);
        failure.Permission.ShouldBe("User.Read.All");
        failure.Message.ShouldContain("User.Read.All");
        failure.Message.ShouldContain($"/adminconsent?client_id={fixture.NoConsent.ClientId}");
        fixture.Requests.Count("/v1.0/").ShouldBe(graphRequests);
    }

    [Fact]
    public async Task GraphsOwn403_IsTranslatedIntoAMissingPermission_WithExit4()
    {
        // graph.request checks nothing ahead, so Graph itself refuses and the answer is translated.
        await fixture.SavedAsync(fixture.SecretConnection("no-consent-raw", fixture.NoConsent));
        var failure = await Should.ThrowAsync<PermissionMissingException>(() => fixture.RunAsync("graph.request", "no-consent-raw", new { method = "GET", path = "/users" }));
        failure.Kind.ShouldBe(ErrorKind.PermissionMissing);
        failure.Message.ShouldContain("403");
        failure.Message.ShouldContain("adminconsent");
    }
}
