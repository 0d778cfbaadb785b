using Entrada.Emulator.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Emulator.Tests.Sdk;

/// <summary>Authentication methods, passes, the logs and invitations through Microsoft.Graph's GraphServiceClient, unchanged.</summary>
public sealed class AuthenticationMethodsTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly GraphServiceClient _graph = GraphClients.Create(fixture.Server, fixture.Credential());

    private string User(int index) => fixture.Server.State.GetUserIds()[index];

    [Fact]
    public async Task Methods_OfTheFirstUser_AreTypedByTheirODataType_WithV1Properties()
    {
        var methods = (await _graph.Users[User(0)].Authentication.Methods.GetAsync())!.Value!;
        methods.OfType<PasswordAuthenticationMethod>().ShouldHaveSingleItem();
        methods.OfType<Fido2AuthenticationMethod>().ShouldHaveSingleItem().CreatedDateTime.ShouldNotBeNull();
        methods.OfType<MicrosoftAuthenticatorAuthenticationMethod>().ShouldHaveSingleItem().DisplayName.ShouldNotBeNullOrEmpty();
        methods.OfType<WindowsHelloForBusinessAuthenticationMethod>().ShouldHaveSingleItem().KeyStrength.ShouldBe(AuthenticationMethodKeyStrength.Normal);
        methods.OfType<SoftwareOathAuthenticationMethod>().ShouldHaveSingleItem().SecretKey.ShouldBeNull();
        methods.OfType<EmailAuthenticationMethod>().ShouldHaveSingleItem().EmailAddress!.ShouldContain("@");
        var phones = methods.OfType<PhoneAuthenticationMethod>().ToList();
        phones.Select(p => p.PhoneType).ShouldBe([AuthenticationPhoneType.Mobile, AuthenticationPhoneType.AlternateMobile], ignoreOrder: true);
        phones.ShouldContain(p => p.PhoneNumber!.StartsWith(Entrada.Emulator.State.EmulatorState.AttackerPhonePrefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TemporaryAccessPass_IsGivenOnlyWhenMade_AndReplacedByTheNext()
    {
        var user = User(22);
        var made = await _graph.Users[user].Authentication.TemporaryAccessPassMethods.PostAsync(new TemporaryAccessPassAuthenticationMethod { LifetimeInMinutes = 60, IsUsableOnce = true });
        made!.TemporaryAccessPass!.Length.ShouldBe(8);
        made.IsUsable.ShouldBe(true);
        made.MethodUsabilityReason.ShouldBe("EnabledByPolicy");

        var read = await _graph.Users[user].Authentication.TemporaryAccessPassMethods[made.Id].GetAsync();
        read!.TemporaryAccessPass.ShouldBeNull();

        var next = await _graph.Users[user].Authentication.TemporaryAccessPassMethods.PostAsync(new TemporaryAccessPassAuthenticationMethod());
        (await _graph.Users[user].Authentication.TemporaryAccessPassMethods.GetAsync())!.Value!.ShouldHaveSingleItem().Id.ShouldBe(next!.Id);
        next.LifetimeInMinutes.ShouldBe(60);
    }

    [Fact]
    public async Task TemporaryAccessPass_OutsideThePolicysLifetime_Is400()
    {
        var failure = await Should.ThrowAsync<ODataError>(() => _graph.Users[User(23)].Authentication.TemporaryAccessPassMethods.PostAsync(new TemporaryAccessPassAuthenticationMethod { LifetimeInMinutes = 30 }));
        failure.ResponseStatusCode.ShouldBe(400);
        failure.Error!.Message!.ShouldContain("between 60 and 480");
    }

    [Fact]
    public async Task PasswordMethod_CannotBeDeleted()
    {
        var password = (await _graph.Users[User(24)].Authentication.PasswordMethods.GetAsync())!.Value!.Single();
        var result = await fixture.GraphAsync(HttpMethod.Delete, $"/users/{User(24)}/authentication/passwordMethods/{password.Id}");
        result.Status.ShouldBe(405);
        (await _graph.Users[User(24)].Authentication.PasswordMethods.GetAsync())!.Value!.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task MobileNumber_CannotBeDeletedWhileAnAlternateRemains()
    {
        var user = User(20);
        var phones = (await _graph.Users[user].Authentication.PhoneMethods.GetAsync())!.Value!;
        var mobile = phones.Single(p => p.PhoneType == AuthenticationPhoneType.Mobile);
        var failure = await Should.ThrowAsync<ODataError>(() => _graph.Users[user].Authentication.PhoneMethods[mobile.Id].DeleteAsync());
        failure.ResponseStatusCode.ShouldBe(400);
    }

    [Fact]
    public async Task Methods_WithoutTheirPermission_Are403()
    {
        var noConsent = GraphClients.Create(fixture.Server, fixture.Credential(fixture.NoConsent));
        var failure = await Should.ThrowAsync<ODataError>(() => noConsent.Users[User(0)].Authentication.Methods.GetAsync());
        failure.ResponseStatusCode.ShouldBe(403);
        var logs = await Should.ThrowAsync<ODataError>(() => noConsent.AuditLogs.SignIns.GetAsync());
        logs.ResponseStatusCode.ShouldBe(403);
    }

    [Fact]
    public async Task SignIns_FilterByNestedStatusAndUser_AndPage()
    {
        var user = User(10);
        var failures = (await _graph.AuditLogs.SignIns.GetAsync(rc => rc.QueryParameters.Filter = $"userId eq '{user}' and status/errorCode ne 0"))!.Value!;
        failures.Count.ShouldBeGreaterThanOrEqualTo(3);
        failures.ShouldAllBe(s => s.UserId == user && s.Status!.ErrorCode != 0);

        var page = await _graph.AuditLogs.SignIns.GetAsync(rc => rc.QueryParameters.Top = 5);
        page!.Value!.Count.ShouldBe(5);
        page.OdataNextLink.ShouldNotBeNull();
    }

    [Fact]
    public async Task Invitation_MakesAPendingGuest_AndRefusesBadOnes()
    {
        var invited = await _graph.Invitations.PostAsync(new Invitation { InvitedUserEmailAddress = "guest.one@partner.example", InviteRedirectUrl = "https://myapps.microsoft.com" });
        invited!.Status.ShouldBe("PendingAcceptance");
        invited.InviteRedeemUrl.ShouldNotBeNullOrEmpty();
        var guest = await _graph.Users[invited.InvitedUser!.Id].GetAsync(rc => rc.QueryParameters.Select = ["userType", "externalUserState", "mail"]);
        guest!.UserType.ShouldBe("Guest");
        guest.ExternalUserState.ShouldBe("PendingAcceptance");

        (await Should.ThrowAsync<ODataError>(() => _graph.Invitations.PostAsync(new Invitation { InvitedUserEmailAddress = "not-an-address", InviteRedirectUrl = "https://myapps.microsoft.com" }))).ResponseStatusCode.ShouldBe(400);
        (await Should.ThrowAsync<ODataError>(() => _graph.Invitations.PostAsync(new Invitation { InvitedUserEmailAddress = "x@partner.example" }))).ResponseStatusCode.ShouldBe(400);
        (await Should.ThrowAsync<ODataError>(() => _graph.Invitations.PostAsync(new Invitation { InvitedUserEmailAddress = $"x@{fixture.Server.TenantDomain}", InviteRedirectUrl = "https://myapps.microsoft.com" }))).ResponseStatusCode.ShouldBe(400);
    }

    [Fact]
    public async Task MeAuthentication_WithAnAppToken_IsRefusedAsGraphRefusesIt()
    {
        var result = await fixture.GraphAsync(HttpMethod.Get, "/me/authentication/methods");
        result.Status.ShouldBe(400);
        result.ErrorMessage!.ShouldContain("delegated");
    }
}
