using Entrada.Emulator.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Emulator.Tests.Sdk;

/// <summary>Every endpoint family through Microsoft.Graph 6.10.0's GraphServiceClient, unchanged.</summary>
public sealed class GraphSdkTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    private readonly GraphServiceClient _graph = GraphClients.Create(fixture.Server, fixture.Credential());

    private const string E5 = "c7df2760-2c81-4ef7-b578-5b5392b571df";
    private const string E3 = "05e9a617-0261-4cee-bb44-138d3ef5d965";

    [Fact]
    public async Task Users_ListWithSelectAndTop_ReturnsAPageAndANextLink()
    {
        var page = await _graph.Users.GetAsync(c =>
        {
            c.QueryParameters.Top = 5;
            c.QueryParameters.Select = ["id", "displayName", "userPrincipalName"];
        });

        page!.Value!.Count.ShouldBe(5);
        page.OdataNextLink!.ShouldStartWith(fixture.Server.GraphEndpoint + "/users?");
        page.Value.ShouldAllBe(u => u.Id != null && u.UserPrincipalName != null && u.JobTitle == null);
    }

    [Fact]
    public async Task Users_GetByIdAndByUpn_ReturnTheSameUser()
    {
        var first = (await _graph.Users.GetAsync(c => c.QueryParameters.Top = 1))!.Value![0];

        var byId = await _graph.Users[first.Id].GetAsync();
        var byUpn = await _graph.Users[first.UserPrincipalName].GetAsync();

        byId!.Id.ShouldBe(first.Id);
        byUpn!.Id.ShouldBe(first.Id);
    }

    [Fact]
    public async Task Users_GetGuestByExtUpn_Works()
    {
        var guest = (await _graph.Users.GetAsync(c =>
        {
            c.QueryParameters.Filter = "userType eq 'Guest'";
            c.QueryParameters.Select = ["id", "userPrincipalName", "userType"];
        }))!.Value!.First();

        guest.UserPrincipalName!.ShouldContain("#EXT#");
        var fetched = await _graph.Users[guest.UserPrincipalName].GetAsync(c => c.QueryParameters.Select = ["id", "userType"]);

        fetched!.Id.ShouldBe(guest.Id);
        fetched.UserType.ShouldBe("Guest");
    }

    [Fact]
    public async Task Users_CreateUpdateDelete_RoundTrips()
    {
        var created = await _graph.Users.PostAsync(new User
        {
            AccountEnabled = true,
            DisplayName = "Sdk Created",
            MailNickname = "sdkcreated",
            UserPrincipalName = "sdk.created@" + fixture.Server.TenantDomain,
            PasswordProfile = new PasswordProfile { Password = "Str0ng-Pass!", ForceChangePasswordNextSignIn = true },
        });
        created!.Id.ShouldNotBeNull();

        await _graph.Users[created.Id].PatchAsync(new User { JobTitle = "Tester", AccountEnabled = false });
        var updated = await _graph.Users[created.Id].GetAsync(c => c.QueryParameters.Select = ["jobTitle", "accountEnabled"]);
        updated!.JobTitle.ShouldBe("Tester");
        updated.AccountEnabled.ShouldBe(false);

        await _graph.Users[created.Id].DeleteAsync();
        var gone = await Should.ThrowAsync<ODataError>(() => _graph.Users[created.Id].GetAsync());
        gone.ResponseStatusCode.ShouldBe(404);
        gone.Error!.Code.ShouldBe("Request_ResourceNotFound");
    }

    [Fact]
    public async Task Users_CreateWithTakenUpn_Returns400()
    {
        var existing = fixture.Server.State.FindUser(fixture.Server.State.GetUserIds()[0])!;

        var error = await Should.ThrowAsync<ODataError>(() => _graph.Users.PostAsync(new User
        {
            AccountEnabled = true,
            DisplayName = "Dup",
            MailNickname = "dup",
            UserPrincipalName = existing.UserPrincipalName,
            PasswordProfile = new PasswordProfile { Password = "Str0ng-Pass!" },
        }));

        error.ResponseStatusCode.ShouldBe(400);
        error.Error!.Message!.ShouldContain("already exists");
    }

    [Fact]
    public async Task Users_RevokeSignInSessions_ReturnsTrueAndMovesValidFrom()
    {
        var id = fixture.Server.State.GetUserIds()[4];

        var result = await _graph.Users[id].RevokeSignInSessions.PostAsRevokeSignInSessionsPostResponseAsync();

        result!.Value.ShouldBe(true);
        fixture.Server.State.FindUser(id)!.SignInSessionsValidFrom.ShouldNotBeNull();
    }

    [Fact]
    public async Task Licenses_AssignAndReadDetails_ConsumesASeat()
    {
        var id = fixture.Server.State.GetUserIds()[5];
        var before = (await _graph.SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == Guid.Parse(E5)).ConsumedUnits;

        var user = await _graph.Users[id].AssignLicense.PostAsync(new Microsoft.Graph.Users.Item.AssignLicense.AssignLicensePostRequestBody
        {
            AddLicenses = [new AssignedLicense { SkuId = Guid.Parse(E5), DisabledPlans = [] }],
            RemoveLicenses = [],
        });

        user!.Id.ShouldBe(id);
        var details = await _graph.Users[id].LicenseDetails.GetAsync();
        details!.Value!.ShouldContain(d => d.SkuPartNumber == "ENTERPRISEPREMIUM" && d.ServicePlans!.Count > 0);
        (await _graph.SubscribedSkus.GetAsync())!.Value!.Single(s => s.SkuId == Guid.Parse(E5)).ConsumedUnits.ShouldBe(before + 1);
    }

    [Fact]
    public async Task Licenses_AssignWithNoFreeSeats_Returns400()
    {
        var id = fixture.Server.State.GetUserIds()[2];

        var error = await Should.ThrowAsync<ODataError>(() => _graph.Users[id].AssignLicense.PostAsync(new Microsoft.Graph.Users.Item.AssignLicense.AssignLicensePostRequestBody
        {
            AddLicenses = [new AssignedLicense { SkuId = Guid.Parse(E3) }],
            RemoveLicenses = [],
        }));

        error.ResponseStatusCode.ShouldBe(400);
        error.Error!.Message!.ShouldContain("does not have any available licenses");
    }

    [Fact]
    public async Task Users_MemberOfAndMembershipChecks_AgreeWithTheState()
    {
        var id = fixture.Server.State.GetUserIds()[2];
        var groupIds = fixture.Server.State.FindUser(id)!.GroupIds;

        var memberOf = await _graph.Users[id].MemberOf.GetAsync();
        var check = await _graph.DirectoryObjects[id].CheckMemberGroups.PostAsCheckMemberGroupsPostResponseAsync(new() { GroupIds = [.. groupIds, Guid.NewGuid().ToString()] });
        var all = await _graph.Users[id].GetMemberGroups.PostAsGetMemberGroupsPostResponseAsync(new() { SecurityEnabledOnly = false });

        memberOf!.Value!.OfType<Group>().Select(g => g.Id).ShouldBe(groupIds, ignoreOrder: true);
        check!.Value!.ShouldBe(groupIds, ignoreOrder: true);
        all!.Value!.ShouldBeSubsetOf(fixture.Server.State.GetGroupIds());
        all.Value!.Count.ShouldBeGreaterThanOrEqualTo(groupIds.Count);
    }

    [Fact]
    public async Task Groups_CreateUpdateDelete_RoundTrips()
    {
        var group = await _graph.Groups.PostAsync(new Group { DisplayName = "Sdk Group", MailEnabled = false, MailNickname = "sdkgroup", SecurityEnabled = true });

        await _graph.Groups[group!.Id].PatchAsync(new Group { Description = "changed" });
        (await _graph.Groups[group.Id].GetAsync())!.Description.ShouldBe("changed");
        await _graph.Groups[group.Id].DeleteAsync();

        (await Should.ThrowAsync<ODataError>(() => _graph.Groups[group.Id].GetAsync())).ResponseStatusCode.ShouldBe(404);
    }

    [Fact]
    public async Task Groups_AddMemberTwice_SecondAddIs400AlreadyExist()
    {
        var group = await _graph.Groups.PostAsync(new Group { DisplayName = "Ref Group", MailEnabled = false, MailNickname = "refgroup", SecurityEnabled = true });
        var userId = fixture.Server.State.GetUserIds()[7];
        // A fresh body each time: Kiota's backing store sends only changed values on a second use.
        ReferenceCreate Reference() => new() { OdataId = $"{fixture.Server.GraphEndpoint}/directoryObjects/{userId}" };

        await _graph.Groups[group!.Id].Members.Ref.PostAsync(Reference());
        var error = await Should.ThrowAsync<ODataError>(() => _graph.Groups[group.Id].Members.Ref.PostAsync(Reference()));

        error.ResponseStatusCode.ShouldBe(400);
        error.Error!.Message.ShouldBe("One or more added object references already exist for the following modified properties: 'members'.");
        fixture.Server.State.GetGroupMemberIds(group.Id!)!.ShouldBe([userId]);

        await _graph.Groups[group.Id].Members[userId].Ref.DeleteAsync();
        fixture.Server.State.GetGroupMemberIds(group.Id!)!.ShouldBeEmpty();
    }

    [Fact]
    public async Task Groups_PatchWithMembersBind_AddsUpToTwentyAndRefusesMore()
    {
        var group = await _graph.Groups.PostAsync(new Group { DisplayName = "Bind Group", MailEnabled = false, MailNickname = "bindgroup", SecurityEnabled = true });
        var ids = fixture.Server.State.GetUserIds();
        List<string> Binds(int count) => [.. ids.Take(count).Select(i => $"{fixture.Server.GraphEndpoint}/directoryObjects/{i}")];

        var tooMany = await Should.ThrowAsync<ODataError>(() => _graph.Groups[group!.Id].PatchAsync(new Group { AdditionalData = new Dictionary<string, object> { ["members@odata.bind"] = Binds(21) } }));
        await _graph.Groups[group!.Id].PatchAsync(new Group { AdditionalData = new Dictionary<string, object> { ["members@odata.bind"] = Binds(20) } });

        tooMany.ResponseStatusCode.ShouldBe(400);
        fixture.Server.State.GetGroupMemberIds(group.Id!)!.Count.ShouldBe(20);
        var members = await _graph.Groups[group.Id].Members.GetAsync(c => c.QueryParameters.Top = 999);
        members!.Value!.OfType<User>().Count().ShouldBe(20);
        var count = await _graph.Groups[group.Id].Members.Count.GetAsync(c => c.Headers.Add("ConsistencyLevel", "eventual"));
        count.ShouldBe(20);
    }

    [Fact]
    public async Task Groups_TransitiveMembers_IncludeNestedGroupMembers()
    {
        var groupIds = fixture.Server.State.GetGroupIds();
        var direct = await _graph.Groups[groupIds[0]].Members.GetAsync();
        var transitive = await _graph.Groups[groupIds[0]].TransitiveMembers.GetAsync(c => c.QueryParameters.Top = 999);

        direct!.Value!.OfType<Group>().Select(g => g.Id).ShouldContain(groupIds[1]);
        transitive!.Value!.Count.ShouldBeGreaterThan(direct.Value!.Count);
        transitive.Value!.Select(m => m.Id).ShouldContain(fixture.Server.State.GetGroupMemberIds(groupIds[2])![0]);
    }

    [Fact]
    public async Task DirectoryObjects_GetAndGetByIds_ReturnTypedObjects()
    {
        var userId = fixture.Server.State.GetUserIds()[0];
        var groupId = fixture.Server.State.GetGroupIds()[0];

        var one = await _graph.DirectoryObjects[userId].GetAsync();
        var many = await _graph.DirectoryObjects.GetByIds.PostAsGetByIdsPostResponseAsync(new() { Ids = [userId, groupId] });

        one.ShouldBeOfType<User>();
        many!.Value!.Select(o => o.GetType()).ShouldBe([typeof(User), typeof(Group)]);
    }

    [Fact]
    public async Task Organization_Get_ReturnsTheTenant()
    {
        var organization = await _graph.Organization.GetAsync();

        var org = organization!.Value!.Single();
        org.Id.ShouldBe(fixture.Server.TenantId);
        org.VerifiedDomains!.Single().Name.ShouldBe(fixture.Server.TenantDomain);
    }

    [Fact]
    public async Task DirectoryRoles_ListAndMembers_ShowTheGlobalAdministrator()
    {
        var roles = await _graph.DirectoryRoles.GetAsync();
        var global = roles!.Value!.Single(r => r.DisplayName == "Global Administrator");

        var members = await _graph.DirectoryRoles[global.Id].Members.GetAsync();

        // The role's members are the holders of its tenant-wide role assignments (a handful of Global Administrators).
        members!.Value!.OfType<User>().Select(u => u.Id).ShouldContain(fixture.Server.State.GetUserIds()[0]);
        members.Value!.Select(m => m.Id).ShouldBe(fixture.Server.State.GetRoleAssignments().Where(a => a.RoleDefinitionId == global.RoleTemplateId).Select(a => a.PrincipalId), ignoreOrder: true);
    }

    [Fact]
    public async Task SubscribedSkus_List_HasSeatsAndPlans()
    {
        var skus = await _graph.SubscribedSkus.GetAsync();

        skus!.Value!.Count.ShouldBe(3);
        skus.Value!.ShouldAllBe(s => s.PrepaidUnits!.Enabled != null && s.ServicePlans!.Count > 0 && s.SkuPartNumber != null);
    }

    [Fact]
    public async Task RiskyUsers_ListGetHistoryConfirmAndDismiss()
    {
        var risky = await _graph.IdentityProtection.RiskyUsers.GetAsync();
        var first = risky!.Value!.First();
        first.RiskLevel.ShouldNotBeNull();

        await _graph.IdentityProtection.RiskyUsers.ConfirmCompromised.PostAsync(new() { UserIds = [first.Id!] });
        var confirmed = await _graph.IdentityProtection.RiskyUsers[first.Id].GetAsync();
        confirmed!.RiskState.ShouldBe(RiskState.ConfirmedCompromised);

        await _graph.IdentityProtection.RiskyUsers.Dismiss.PostAsync(new() { UserIds = [first.Id!] });
        var history = await _graph.IdentityProtection.RiskyUsers[first.Id].History.GetAsync();
        history!.Value!.Select(h => h.RiskState).ShouldBe([RiskState.AtRisk, RiskState.ConfirmedCompromised, RiskState.Dismissed]);
        fixture.Server.State.FindUser(first.Id!)!.RiskState.ShouldBe("dismissed");
    }

    [Fact]
    public async Task RiskyUsers_FilterByEnumLiteral_Works()
    {
        var high = await _graph.IdentityProtection.RiskyUsers.GetAsync(c => c.QueryParameters.Filter = "riskLevel eq microsoft.graph.riskLevel'medium'");

        high!.Value!.ShouldNotBeEmpty();
        high.Value!.ShouldAllBe(r => r.RiskLevel == RiskLevel.Medium);
    }

    [Fact]
    public async Task Alerts_ListGetUpdateAndComment()
    {
        var alerts = await _graph.Security.Alerts_v2.GetAsync();
        var id = alerts!.Value!.First().Id;

        var updated = await _graph.Security.Alerts_v2[id].PatchAsync(new Microsoft.Graph.Models.Security.Alert
        {
            Status = Microsoft.Graph.Models.Security.AlertStatus.Resolved,
            Classification = Microsoft.Graph.Models.Security.AlertClassification.TruePositive,
            Determination = Microsoft.Graph.Models.Security.AlertDetermination.Malware,
        });
        var comments = await _graph.Security.Alerts_v2[id].Comments.PostAsync([new Microsoft.Graph.Models.Security.AlertComment { Comment = "Looked at it" }]);
        var fetched = await _graph.Security.Alerts_v2[id].GetAsync();

        updated!.Status.ShouldBe(Microsoft.Graph.Models.Security.AlertStatus.Resolved);
        // Graph answers {"value":[…]} (as documented); the SDK's collection parser reads a bare array, so it sees none.
        comments.ShouldNotBeNull();
        fetched!.Comments!.Last().Comment.ShouldBe("Looked at it");
        fetched.Comments!.Last().CreatedByDisplayName.ShouldBe("demo");
        fetched.ResolvedDateTime.ShouldNotBeNull();
        fetched.Evidence!.ShouldContain(e => e is Microsoft.Graph.Models.Security.DeviceEvidence);
    }

    [Fact]
    public async Task Batch_WithDependsOn_RunsInOrderAndReportsEachResponse()
    {
        var batch = new Microsoft.Graph.BatchRequestContentCollection(_graph);
        var list = await batch.AddBatchRequestStepAsync(_graph.Users.ToGetRequestInformation(c => c.QueryParameters.Top = 2));
        var missing = await batch.AddBatchRequestStepAsync(_graph.Users[Guid.NewGuid().ToString()].ToGetRequestInformation());

        var response = await _graph.Batch.PostAsync(batch);

        (await response.GetResponseByIdAsync<UserCollectionResponse>(list)).Value!.Count.ShouldBe(2);
        var statuses = await response.GetResponsesStatusCodesAsync();
        ((int)statuses[missing]).ShouldBe(404);
    }
}
