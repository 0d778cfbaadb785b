using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Emulator;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Graph;

namespace Entrada.Graph.Tests.Identity;

/// <summary>
/// The identity rows against the emulated tenant: authentication methods, Temporary Access Passes,
/// the sign-in and audit logs, risk detections and invitations — each end state read back with
/// Microsoft's Graph client, apart from Entrada.
/// </summary>
public sealed class IdentityActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "identity";

    private GraphServiceClient? _sdk;

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private GraphServiceClient Sdk => _sdk ??= IdentitySdk.Client(fixture.Server, fixture.Demo);

    // Seeded users by their place (EmulatorState.Identity): 0 has every kind of method, 10 and 20
    // an attacker's phone, 4 a software OATH token, 6 a phone (default) and an Authenticator.
    private string User(int index) => fixture.Server.State.GetUserIds()[index];

    private async Task<string> AttackerPhoneIdAsync(string userId)
    {
        var phones = await Sdk.Users[userId].Authentication.PhoneMethods.GetAsync();
        return phones!.Value!.Single(p => p.PhoneNumber!.StartsWith(Entrada.Emulator.State.EmulatorState.AttackerPhonePrefix, StringComparison.Ordinal)).Id!;
    }

    [Fact]
    public async Task AuthMethodsList_OfTheFirstUser_ShowsEveryKindWithItsDetails()
    {
        var run = await fixture.RunAsync("users.auth-methods.list", Conn, new { userId = User(0) });
        var types = run.Items.Select(i => i!["type"]!.GetValue<string>()).ToList();
        types.ShouldContain("password");
        foreach (var kind in (string[])["phone", "microsoftAuthenticator", "fido2", "softwareOath", "email", "windowsHelloForBusiness"])
        {
            types.ShouldContain(kind);
        }

        run.Items.ShouldContain(i => i!["type"]!.GetValue<string>() == "phone" && i["phoneType"]!.GetValue<string>() == "alternateMobile" && i["phoneNumber"]!.GetValue<string>().StartsWith("+234 ", StringComparison.Ordinal));
        run.Items.Count.ShouldBe((await Sdk.Users[User(0)].Authentication.Methods.GetAsync())!.Value!.Count);
    }

    [Fact]
    public async Task AuthMethodsList_ByUserPrincipalName_FindsTheSameUser()
    {
        var upn = fixture.Server.State.FindUser(User(2))!.UserPrincipalName;
        var run = await fixture.RunAsync("users.auth-methods.list", Conn, new { userId = upn });
        var graph = (await Sdk.Users[User(2)].Authentication.Methods.GetAsync())!.Value!;
        run.Items.Select(i => i!["id"]!.GetValue<string>()).ShouldBe(graph.Select(m => m.Id!), ignoreOrder: true);
        run.Items.Select(i => i!["type"]!.GetValue<string>()).ShouldContain("password");
    }

    [Fact]
    public async Task AuthMethodsList_OfAnUnknownUser_SaysWhichUser()
    {
        var id = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("users.auth-methods.list", Conn, new { userId = id }));
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
        failure.Message.ShouldContain($"user '{id}'");
    }

    [Fact]
    public async Task AuthMethodsDelete_TheAttackersPhone_IsGoneFromGraph_AndTheRealPhoneStays()
    {
        var user = User(10);
        var phoneId = await AttackerPhoneIdAsync(user);
        var run = await fixture.RunAsync("users.auth-methods.delete", Conn, new { userId = user, methodId = phoneId, type = "phone" });
        run.Value!["deleted"]!.GetValue<bool>().ShouldBeTrue();

        var phones = (await Sdk.Users[user].Authentication.PhoneMethods.GetAsync())!.Value!;
        phones.ShouldNotContain(p => p.Id == phoneId);
        phones.ShouldHaveSingleItem().PhoneType.ShouldBe(Microsoft.Graph.Models.AuthenticationPhoneType.Mobile);
    }

    [Fact]
    public async Task AuthMethodsDelete_DryRun_PlansTheExactDelete_AndChangesNothing()
    {
        var user = User(20);
        var phoneId = await AttackerPhoneIdAsync(user);
        var run = await fixture.RunAsync("users.auth-methods.delete", Conn, new { userId = user, methodId = phoneId, type = "phone" }, dryRun: true);
        var planned = run.Result.PlannedRequests.ShouldHaveSingleItem();
        planned.Method.ShouldBe("DELETE");
        planned.Target.ShouldEndWith($"/users/{user}/authentication/phoneMethods/{phoneId}");
        (await Sdk.Users[user].Authentication.PhoneMethods.GetAsync())!.Value!.ShouldContain(p => p.Id == phoneId);
    }

    [Fact]
    public async Task AuthMethodsDelete_WithoutAType_LooksTheMethodUp()
    {
        var user = User(4);
        var oath = (await Sdk.Users[user].Authentication.SoftwareOathMethods.GetAsync())!.Value!.Single();
        var run = await fixture.RunAsync("users.auth-methods.delete", Conn, new { userId = user, methodId = oath.Id });
        run.Value!["type"]!.GetValue<string>().ShouldBe("softwareOath");
        (await Sdk.Users[user].Authentication.SoftwareOathMethods.GetAsync())!.Value!.ShouldBeEmpty();
    }

    [Fact]
    public async Task AuthMethodsDelete_ThePassword_IsRefusedBeforeAnythingIsSent()
    {
        var user = User(3);
        var password = (await Sdk.Users[user].Authentication.PasswordMethods.GetAsync())!.Value!.Single();
        var typed = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("users.auth-methods.delete", Conn, new { userId = user, methodId = password.Id, type = "password" }));
        typed.Message.ShouldContain("password method cannot be deleted");
        var untyped = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("users.auth-methods.delete", Conn, new { userId = user, methodId = password.Id }));
        untyped.Message.ShouldContain("users.reset-password");
        (await Sdk.Users[user].Authentication.PasswordMethods.GetAsync())!.Value!.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task AuthMethodsDelete_TheDefaultWhileOthersRemain_IsRefusedWithGraphsReason()
    {
        var user = User(6);
        var phone = (await Sdk.Users[user].Authentication.PhoneMethods.GetAsync())!.Value!.Single();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("users.auth-methods.delete", Conn, new { userId = user, methodId = phone.Id, type = "phone" }));
        failure.Status.ShouldBe(400);
        failure.Message.ShouldContain("default authentication method");
        (await Sdk.Users[user].Authentication.PhoneMethods.GetAsync())!.Value!.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task AuthMethodsDelete_AnUnknownMethod_SaysWhichMethodOfWhichUser()
    {
        var user = User(8);
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("users.auth-methods.delete", Conn, new { userId = user, methodId = "00000000-0000-0000-0000-00000000dead", type = "fido2" }));
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
        failure.Message.ShouldContain($"authentication method '00000000-0000-0000-0000-00000000dead' of user '{user}'");
    }

    [Fact]
    public async Task Tap_Create_ShowsThePassOnce_ListNeverShowsIt_DeleteRemovesIt()
    {
        var user = User(12);
        var made = await fixture.RunAsync("users.tap.create", Conn, new { userId = user, lifetimeInMinutes = 120, isUsableOnce = true });
        var pass = made.Value!["temporaryAccessPass"]!.GetValue<string>();
        pass.Length.ShouldBe(8);
        made.Value["isUsable"]!.GetValue<bool>().ShouldBeTrue();

        var graph = (await Sdk.Users[user].Authentication.TemporaryAccessPassMethods.GetAsync())!.Value!.ShouldHaveSingleItem();
        graph.TemporaryAccessPass.ShouldBeNull();
        graph.LifetimeInMinutes.ShouldBe(120);
        graph.IsUsableOnce.ShouldBe(true);

        var listed = await fixture.RunAsync("users.tap.list", Conn, new { userId = user });
        listed.Items.ShouldHaveSingleItem()!["id"]!.GetValue<string>().ShouldBe(graph.Id);
        listed.Items[0]!.ToJsonString().ShouldNotContain(pass);

        await fixture.RunAsync("users.tap.delete", Conn, new { userId = user, methodId = graph.Id });
        (await Sdk.Users[user].Authentication.TemporaryAccessPassMethods.GetAsync())!.Value!.ShouldBeEmpty();
    }

    [Fact]
    public async Task Tap_Create_AgainReplacesTheFirst()
    {
        var user = User(13);
        var first = await fixture.RunAsync("users.tap.create", Conn, new { userId = user });
        var second = await fixture.RunAsync("users.tap.create", Conn, new { userId = user });
        var only = (await Sdk.Users[user].Authentication.TemporaryAccessPassMethods.GetAsync())!.Value!.ShouldHaveSingleItem();
        only.Id.ShouldBe(second.Value!["id"]!.GetValue<string>());
        only.Id.ShouldNotBe(first.Value!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tap_Create_BeyondThePolicysLifetime_IsRefusedWithGraphsReason()
    {
        var user = User(14);
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("users.tap.create", Conn, new { userId = user, lifetimeInMinutes = 600 }));
        failure.Status.ShouldBe(400);
        failure.Message.ShouldContain("between 60 and 480");
        (await Sdk.Users[user].Authentication.TemporaryAccessPassMethods.GetAsync())!.Value!.ShouldBeEmpty();
    }

    [Fact]
    public async Task Tap_Create_DryRun_PlansThePost_AndMakesNoPass()
    {
        var user = User(15);
        var run = await fixture.RunAsync("users.tap.create", Conn, new { userId = user, lifetimeInMinutes = 90 }, dryRun: true);
        var planned = run.Result.PlannedRequests.ShouldHaveSingleItem();
        planned.Method.ShouldBe("POST");
        planned.Body!["lifetimeInMinutes"]!.GetValue<int>().ShouldBe(90);
        (await Sdk.Users[user].Authentication.TemporaryAccessPassMethods.GetAsync())!.Value!.ShouldBeEmpty();
    }

    [Fact]
    public async Task Tap_Delete_DryRun_ChangesNothing()
    {
        var user = User(16);
        await fixture.RunAsync("users.tap.create", Conn, new { userId = user });
        var tap = (await Sdk.Users[user].Authentication.TemporaryAccessPassMethods.GetAsync())!.Value!.Single();
        var run = await fixture.RunAsync("users.tap.delete", Conn, new { userId = user, methodId = tap.Id }, dryRun: true);
        run.Result.PlannedRequests.ShouldHaveSingleItem().Method.ShouldBe("DELETE");
        (await Sdk.Users[user].Authentication.TemporaryAccessPassMethods.GetAsync())!.Value!.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task SignInsList_FailuresOfTheAttackedUser_AreTheSprayFromAbroad()
    {
        var user = User(10);
        var run = await fixture.RunAsync("signins.list", Conn, new { userId = user, status = "failure" });
        run.Items.Count.ShouldBeGreaterThanOrEqualTo(3);
        run.Items.ShouldAllBe(i => i!["userId"]!.GetValue<string>() == user && i["status"]!.GetValue<string>() == "failure" && i["errorCode"]!.GetValue<int>() != 0);
        run.Items.ShouldContain(i => i!["countryOrRegion"]!.GetValue<string>() != "US" && i["countryOrRegion"]!.GetValue<string>() != "GB" && i["countryOrRegion"]!.GetValue<string>() != "DE");

        // Newest first, as Graph answers.
        var times = run.Items.Select(i => i!["createdDateTime"]!.GetValue<DateTimeOffset>()).ToList();
        times.ShouldBe([.. times.OrderDescending()]);
    }

    [Fact]
    public async Task SignInsList_ByIpAppAndWindow_MatchesWhatGraphHas()
    {
        var all = await fixture.RunAsync("signins.list", Conn, new { max = 500 });
        var sample = all.Items.First(i => i!["status"]!.GetValue<string>() == "success")!;
        var ip = sample["ipAddress"]!.GetValue<string>();
        var when = sample["createdDateTime"]!.GetValue<DateTimeOffset>();
        var app = sample["appDisplayName"]!.GetValue<string>();
        var run = await fixture.RunAsync("signins.list", Conn, new { ipAddress = ip, appDisplayName = app, status = "success", since = when.AddMinutes(-1), until = when.AddMinutes(1) });
        run.Items.ShouldContain(i => i!["id"]!.GetValue<string>() == sample["id"]!.GetValue<string>());
        run.Items.ShouldAllBe(i => i!["ipAddress"]!.GetValue<string>() == ip && i["appDisplayName"]!.GetValue<string>() == app);

        var filter = $"ipAddress eq '{ip}' and appDisplayName eq '{app}' and status/errorCode eq 0 and createdDateTime ge {when.AddMinutes(-1).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} and createdDateTime le {when.AddMinutes(1).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}";
        var graph = await Sdk.AuditLogs.SignIns.GetAsync(rc => rc.QueryParameters.Filter = filter);
        run.Items.Count.ShouldBe(graph!.Value!.Count);
    }

    [Fact]
    public async Task SignInsList_ForManyUsers_AsksForFifteenARequest_AndFindsWhatEachUsersOwnListFinds()
    {
        var users = Enumerable.Range(0, 20).Select(User).ToList();
        var since = DateTimeOffset.UtcNow.AddDays(-7);
        bool AsksFor(string line, string user) => line.StartsWith("Request starting", StringComparison.Ordinal) && line.Contains("/auditLogs/signIns", StringComparison.Ordinal) && line.Contains(user, StringComparison.OrdinalIgnoreCase);
        var before = users.ToDictionary(u => u, u => fixture.Requests.Lines.Count(l => AsksFor(l, u)));

        var many = await fixture.RunAsync("signins.list", Conn, new { userIds = users.Append(users[0]).ToList(), since });

        // 20 users (one given twice): each user in exactly one request (15 a request: two).
        foreach (var user in users)
        {
            fixture.Requests.Lines.Count(l => AsksFor(l, user)).ShouldBe(before[user] + 1, user);
        }

        foreach (var user in users)
        {
            var own = await Sdk.AuditLogs.SignIns.GetAsync(rc => { rc.QueryParameters.Filter = $"userId eq '{user}' and createdDateTime ge {since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"; rc.QueryParameters.Top = 1000; });
            many.Items.Where(i => i!["userId"]!.GetValue<string>() == user).Select(i => i!["id"]!.GetValue<string>()).Order()
                .ShouldBe(own!.Value!.Select(s => s.Id!).Order(), user);
        }

        many.Items.ShouldNotBeEmpty();
        many.Items.ShouldAllBe(i => users.Contains(i!["userId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SignInsList_FromACountry_IsOnlyThatCountrysSignIns()
    {
        var user = User(10);
        var abroad = (await fixture.RunAsync("signins.list", Conn, new { userId = user, status = "failure" })).Items
            .Select(i => i!["countryOrRegion"]!.GetValue<string>()).First(c => c is not ("US" or "GB" or "DE"));

        var run = await fixture.RunAsync("signins.list", Conn, new { status = "failure", countryOrRegion = abroad.ToLowerInvariant() });

        run.Items.ShouldNotBeEmpty();
        run.Items.ShouldAllBe(i => i!["countryOrRegion"]!.GetValue<string>() == abroad && i["status"]!.GetValue<string>() == "failure");
        var graph = await Sdk.AuditLogs.SignIns.GetAsync(rc => { rc.QueryParameters.Filter = $"location/countryOrRegion eq '{abroad}' and status/errorCode ne 0"; rc.QueryParameters.Top = 1000; });
        run.Items.Count.ShouldBe(graph!.Value!.Count);
        await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("signins.list", Conn, new { countryOrRegion = "R1" }));
    }

    [Fact]
    public async Task SignInsList_ByAUserPrincipalNameWithAnApostrophe_IsAnEscapedLiteral()
    {
        var run = await fixture.RunAsync("signins.list", Conn, new { userId = $"o'brien@{fixture.Server.TenantDomain}" });
        run.Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task SignInsList_AStartAfterItsEnd_IsRefused()
    {
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("signins.list", Conn, new { since = DateTimeOffset.UtcNow, until = DateTimeOffset.UtcNow.AddDays(-1) }));
        failure.Message.ShouldContain("'since'");
    }

    [Fact]
    public async Task SignInsList_ThrottledOnce_WaitsAsGraphAsks_AndSucceeds()
    {
        await fixture.InjectAsync(429, 1, "/auditLogs/signIns", retryAfterSeconds: 1);
        var messages = new List<string>();
        var run = await fixture.RunAsync("signins.list", Conn, new { max = 3 }, progress: new SynchronousProgress(p => { if (p.Message is { } m) { messages.Add(m); } }));
        run.Items.Count.ShouldBe(3);
        messages.ShouldContain(m => m.Contains("429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DirectoryAuditsList_ByActivityAndTarget_FindsTheAttackersRegistration()
    {
        var user = User(20);
        var run = await fixture.RunAsync("audit.directory.list", Conn, new { activity = "User registered security info", targetId = user, category = "UserManagement" });
        var item = run.Items.ShouldHaveSingleItem()!;
        item["initiatedBy"]!.GetValue<string>().ShouldBe(fixture.Server.State.FindUser(user)!.UserPrincipalName);
        item["initiatedByIpAddress"]!.GetValue<string>().ShouldNotStartWith("131.107.");

        var byInitiator = await fixture.RunAsync("audit.directory.list", Conn, new { initiatedByUser = User(0), max = 5 });
        byInitiator.Items.Count.ShouldBe(5);
        byInitiator.Items.ShouldAllBe(i => i!["initiatedBy"]!.GetValue<string>() == fixture.Server.State.FindUser(User(0))!.UserPrincipalName);
    }

    [Fact]
    public async Task DirectoryAuditsList_RecordsTheDeletesEntradaMade()
    {
        var user = User(11);
        var email = (await Sdk.Users[user].Authentication.EmailMethods.GetAsync())!.Value!.Single();
        await fixture.RunAsync("users.auth-methods.delete", Conn, new { userId = user, methodId = email.Id, type = "email" });
        var run = await fixture.RunAsync("audit.directory.list", Conn, new { activity = "Admin deleted security info", targetId = user, initiatedByApp = fixture.Demo.ClientId });
        run.Items.ShouldHaveSingleItem()!["result"]!.GetValue<string>().ShouldBe("success");
    }

    [Fact]
    public async Task RiskDetectionsList_OfTheAttackedUser_ShowsTheUnfamiliarSignIn()
    {
        var user = User(10);
        var run = await fixture.RunAsync("risk-detections.list", Conn, new { userId = user, riskLevel = "high" });
        var detection = run.Items.ShouldHaveSingleItem()!;
        detection["riskEventType"]!.GetValue<string>().ShouldBe("unfamiliarFeatures");
        detection["countryOrRegion"]!.GetValue<string>().ShouldNotBe("US");
        var graph = await Sdk.IdentityProtection.RiskDetections.GetAsync(rc => rc.QueryParameters.Filter = $"userId eq '{user}'");
        graph!.Value!.ShouldContain(d => d.Id == detection["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task GuestsInvite_MakesEachGuest_WithItsRedeemUrlInTheOutput()
    {
        var sentBefore = fixture.Server.State.GetInvitationMessagesSent();
        var run = await fixture.RunAsync("guests.invite", Conn, new { emails = new[] { "ana@fabrikam.example", "bo@fabrikam.example" }, sendInvitationMessage = true });
        run.Value!["done"]!.GetValue<int>().ShouldBe(2);
        foreach (var item in run.Value["items"]!.AsArray())
        {
            item!["inviteRedeemUrl"]!.GetValue<string>().ShouldStartWith("https://login.microsoftonline.com/redeem?");
        }

        fixture.Server.State.GetInvitationMessagesSent().ShouldBe(sentBefore + 2);
        var guests = await Sdk.Users.GetAsync(rc => { rc.QueryParameters.Filter = "mail in ('ana@fabrikam.example','bo@fabrikam.example')"; rc.QueryParameters.Select = ["id", "mail", "userType"]; });
        guests!.Value!.Count.ShouldBe(2);
        guests.Value.ShouldAllBe(g => g.UserType == "Guest");
    }

    [Fact]
    public async Task GuestsInvite_AnAddressOfTheTenantsOwnDomain_FailsThatItemOnly()
    {
        var run = await fixture.RunAsync("guests.invite", Conn, new { emails = new[] { $"insider@{fixture.Server.TenantDomain}", "cy@fabrikam.example" } });
        run.Value!["done"]!.GetValue<int>().ShouldBe(1);
        var failed = run.Value["items"]!.AsArray().Single(i => i!["outcome"]!.GetValue<string>() == "failed")!;
        failed["message"]!.GetValue<string>().ShouldContain("verified domain");
    }

    [Fact]
    public async Task GuestsInvite_DryRun_PlansOneBatch_AndInvitesNobody()
    {
        var run = await fixture.RunAsync("guests.invite", Conn, new { emails = new[] { "dry@fabrikam.example" } }, dryRun: true);
        run.Result.PlannedRequests.ShouldHaveSingleItem().Target.ShouldEndWith("/$batch");
        (await Sdk.Users.GetAsync(rc => rc.QueryParameters.Filter = "mail eq 'dry@fabrikam.example'"))!.Value!.ShouldBeEmpty();
    }

    [Fact]
    public async Task GuestsInvite_ANonAddress_IsRefused()
    {
        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("guests.invite", Conn, new { emails = new[] { "not-an-address" } }));
        failure.Message.ShouldContain("emails[0]");
    }
}
