using Entrada.Core;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace Entrada.Graph.Tests.Users;

public sealed class ManagerActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "managers";

    private GraphServiceClient Graph => MicrosoftGraph.Client(fixture);

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private string UserId(int index) => fixture.Server.State.GetUserIds()[index];

    [Fact]
    public async Task Get_ReturnsTheManagerGraphHas()
    {
        var expected = (User)(await Graph.Users[UserId(5)].Manager.GetAsync())!;

        var run = await fixture.RunAsync("users.manager.get", Conn, new { userId = UserId(5) });

        run.Value!["manager"]!["id"]!.GetValue<string>().ShouldBe(expected.Id);
        run.Value!["manager"]!["type"]!.GetValue<string>().ShouldBe("user");
        run.Value!["manager"]!["displayName"]!.GetValue<string>().ShouldBe(expected.DisplayName);
    }

    [Fact]
    public async Task Get_OfAUserWithoutAManager_AnswersNone()
    {
        var run = await fixture.RunAsync("users.manager.get", Conn, new { userId = UserId(0) });
        run.Value!["manager"].ShouldBeNull();
    }

    [Fact]
    public async Task Get_OfAnUnknownUser_SaysWhichUserWasNotFound()
    {
        var id = Guid.NewGuid().ToString();
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("users.manager.get", Conn, new { userId = id }));
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
        failure.Message.ShouldContain($"user '{id}'");
    }

    [Fact]
    public async Task Set_ThenRemove_EachShowsInGraph()
    {
        var user = UserId(13);
        var manager = fixture.Server.State.FindUser(UserId(20))!;

        var set = await fixture.RunAsync("users.manager.set", Conn, new { userId = user, managerId = manager.UserPrincipalName });
        set.Value!["changed"]!.GetValue<bool>().ShouldBeTrue();
        ((User)(await Graph.Users[user].Manager.GetAsync())!).Id.ShouldBe(manager.Id);
        (await Graph.Users[manager.Id].DirectReports.GetAsync())!.Value!.Select(r => r.Id).ShouldContain(user);

        var removed = await fixture.RunAsync("users.manager.remove", Conn, new { userId = user });
        removed.Value!["changed"]!.GetValue<bool>().ShouldBeTrue();
        var gone = await Should.ThrowAsync<ODataError>(() => Graph.Users[user].Manager.GetAsync());
        gone.ResponseStatusCode.ShouldBe(404);

        var again = await fixture.RunAsync("users.manager.remove", Conn, new { userId = user });
        again.Value!["changed"]!.GetValue<bool>().ShouldBeFalse();
        again.Value!["message"]!.GetValue<string>().ShouldContain("no manager");
    }

    [Fact]
    public async Task Set_DryRun_PlansThePut_AndChangesNothing()
    {
        var user = UserId(14);
        var before = ((User)(await Graph.Users[user].Manager.GetAsync())!).Id;

        var run = await fixture.RunAsync("users.manager.set", Conn, new { userId = user, managerId = UserId(21) }, dryRun: true);

        var planned = run.Result.PlannedRequests.ShouldHaveSingleItem();
        planned.Method.ShouldBe("PUT");
        planned.Target.ShouldEndWith($"/users/{user}/manager/$ref");
        planned.Body!["@odata.id"]!.GetValue<string>().ShouldEndWith($"/users/{UserId(21)}");
        ((User)(await Graph.Users[user].Manager.GetAsync())!).Id.ShouldBe(before);
    }

    [Fact]
    public async Task Set_TheUserAsTheirOwnManager_IsRefused_ByTheInputOrByGraph()
    {
        var user = fixture.Server.State.FindUser(UserId(15))!;
        var invalid = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("users.manager.set", Conn, new { userId = user.Id, managerId = user.Id }));
        invalid.Errors.ShouldContain(e => e.Field == "managerId");

        var rejected = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync("users.manager.set", Conn, new { userId = user.Id, managerId = user.UserPrincipalName }));
        rejected.Kind.ShouldBe(ErrorKind.RemoteRejected);
        rejected.Message.ShouldContain("own manager");
    }

    [Fact]
    public async Task DirectReports_ListsWhoGraphSaysReportsToTheUser()
    {
        var expected = (await Graph.Users[UserId(0)].DirectReports.GetAsync())!.Value!.Select(r => r.Id!).ToList();

        var run = await fixture.RunAsync("users.direct-reports.list", Conn, new { userId = UserId(0) });

        run.Items.Select(i => i!["id"]!.GetValue<string>()).ShouldBe(expected, ignoreOrder: true);
        expected.Count.ShouldBeGreaterThan(0);
    }
}
