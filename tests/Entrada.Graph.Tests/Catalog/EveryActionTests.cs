using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Graph.Tests.Catalog;

/// <summary>The failure paths, for every action of the catalogue, against the emulated tenant.</summary>
public sealed class EveryActionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await fixture.SavedAsync(fixture.SecretConnection("every"));
        await fixture.SavedAsync(fixture.SecretConnection("every-no-consent", fixture.NoConsent));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> CheckedActions()
    {
        var catalog = new ActionCatalog();
        GraphActions.Register(catalog);
        var data = new TheoryData<string>();
        foreach (var action in catalog.All.Where(a => a.Descriptor.Permission is not null))
        {
            data.Add(action.Descriptor.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CheckedActions))]
    public async Task EveryAction_OnAnAppWithoutConsent_IsRefusedWithExit4_NamingItsLeastPermission(string id)
    {
        var action = fixture.Services.GetRequiredService<ActionCatalog>().Get(id);
        var failure = await Should.ThrowAsync<PermissionMissingException>(() => fixture.RunAsync(id, "every-no-consent", action.Descriptor.Example));
        failure.Kind.ShouldBe(ErrorKind.PermissionMissing);
        failure.Permission.ShouldBe(action.Descriptor.Permission!.Least);
        failure.Message.ShouldContain("adminconsent?client_id=");
        if (action.Descriptor.Bulk)
        {
            // The job written while the preflight waited for its token is gone again: the run never started.
            (await fixture.Services.GetRequiredService<Entrada.Core.Jobs.JobStore>().ListAsync(500, default))
                .ShouldNotContain(j => j.Action == id && j.Connection == "every-no-consent");
        }
    }

    [Theory]
    [InlineData("users.get", "{\"id\":\"ghost@entradaemulator.onmicrosoft.com\"}", "user 'ghost@")]
    [InlineData("users.update", "{\"id\":\"00000000-0000-0000-0000-0000000000aa\",\"jobTitle\":\"x\"}", "user '00000000-0000-0000-0000-0000000000aa'")]
    [InlineData("users.delete", "{\"id\":\"00000000-0000-0000-0000-0000000000aa\"}", "user '00000000-0000-0000-0000-0000000000aa'")]
    [InlineData("users.reset-password", "{\"id\":\"00000000-0000-0000-0000-0000000000aa\"}", "user '00000000-0000-0000-0000-0000000000aa'")]
    [InlineData("users.list-groups", "{\"id\":\"00000000-0000-0000-0000-0000000000aa\"}", "user '00000000-0000-0000-0000-0000000000aa'")]
    [InlineData("users.list-licenses", "{\"id\":\"00000000-0000-0000-0000-0000000000aa\"}", "user '00000000-0000-0000-0000-0000000000aa'")]
    [InlineData("groups.get", "{\"id\":\"00000000-0000-0000-0000-0000000000bb\"}", "group '00000000-0000-0000-0000-0000000000bb'")]
    [InlineData("groups.update", "{\"id\":\"00000000-0000-0000-0000-0000000000bb\",\"description\":\"x\"}", "group '00000000-0000-0000-0000-0000000000bb'")]
    [InlineData("groups.delete", "{\"id\":\"00000000-0000-0000-0000-0000000000bb\"}", "group '00000000-0000-0000-0000-0000000000bb'")]
    [InlineData("groups.members.list", "{\"groupId\":\"00000000-0000-0000-0000-0000000000bb\"}", "group '00000000-0000-0000-0000-0000000000bb'")]
    [InlineData("groups.members.remove", "{\"groupId\":\"00000000-0000-0000-0000-0000000000bb\",\"memberIds\":[\"00000000-0000-0000-0000-0000000000aa\"]}", "group '00000000-0000-0000-0000-0000000000bb'")]
    [InlineData("risky-users.history", "{\"id\":\"00000000-0000-0000-0000-0000000000aa\"}", "risky user '00000000-0000-0000-0000-0000000000aa'")]
    [InlineData("alerts.update", "{\"alertId\":\"nope\",\"status\":\"resolved\"}", "alert 'nope'")]
    [InlineData("alerts.comment", "{\"alertId\":\"nope\",\"comment\":\"x\"}", "alert 'nope'")]
    [InlineData("directory.roles.members", "{\"roleId\":\"00000000-0000-0000-0000-0000000000cc\"}", "directory role '00000000-0000-0000-0000-0000000000cc'")]
    public async Task ActionsOnAMissingObject_SayWhichObjectWasNotFound(string id, string input, string named)
    {
        var failure = await Should.ThrowAsync<GraphRequestException>(() => fixture.RunAsync(id, "every", System.Text.Json.Nodes.JsonNode.Parse(input)));
        failure.Status.ShouldBe(404);
        failure.Kind.ShouldBe(ErrorKind.RemoteNotFound);
        failure.Message.ShouldContain(named);
    }

    [Theory]
    [InlineData("users.list", "/users", "{\"max\":2}")]
    [InlineData("groups.list", "/groups", "{\"max\":2}")]
    [InlineData("risky-users.list", "/riskyUsers", "{}")]
    [InlineData("alerts.list", "/alerts_v2", "{}")]
    [InlineData("licenses.list-skus", "/subscribedSkus", "{}")]
    [InlineData("directory.organization", "/organization", "{}")]
    [InlineData("directory.roles.list", "/directoryRoles", "{}")]
    [InlineData("users.revoke-sessions", "$batch", "{\"userIds\":[\"adele.vance@entradaemulator.onmicrosoft.com\"]}")]
    [InlineData("risky-users.dismiss", "/riskyUsers/dismiss", "{\"userIds\":[\"00000000-0000-0000-0000-0000000000aa\"]}")]
    public async Task ThrottledOnce_EachFamily_WaitsAndSucceeds(string id, string path, string input)
    {
        await fixture.InjectAsync(429, 1, path, retryAfterSeconds: 1);
        var waits = new List<string>();
        await fixture.RunAsync(id, "every", System.Text.Json.Nodes.JsonNode.Parse(input), progress: new SynchronousProgress(p => { if (p.Message is { } m) { waits.Add(m); } }));
        waits.ShouldContain(m => m.Contains("429", StringComparison.Ordinal) || m.Contains("throttl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThrottledPastTheRetries_FailsAsTransient_SayingSo()
    {
        await fixture.InjectAsync(429, 10, "/organization", retryAfterSeconds: 0);
        var any = await Should.ThrowAsync<Exception>(() => fixture.RunAsync("directory.organization", "every"));
        var failure = any as GraphRequestException ?? throw new InvalidOperationException(any.ToString());
        failure.IsTransient.ShouldBeTrue();
        failure.Message.ShouldContain("still throttling");
        using var cleared = await fixture.ControlAsync(HttpMethod.Delete, "faults");
    }

    [Fact]
    public async Task ABatchGraphRefusesEntirely_FailsWithExit4_NamingThePermission()
    {
        // Straight to the action (no preflight), as a token that Graph refuses would be.
        var connection = fixture.SecretConnection("every-no-consent", fixture.NoConsent);
        var action = fixture.Services.GetRequiredService<ActionCatalog>().Get("users.revoke-sessions");
        var context = fixture.Services.GetServices<IActionContextFactory>().Single(f => f.Target == ActionTarget.Graph).Create(new ActionContext(connection, Caller.Cli()));
        var input = ActionInput.Bind(action.Descriptor, System.Text.Json.Nodes.JsonNode.Parse("{\"userIds\":[\"adele.vance@entradaemulator.onmicrosoft.com\"]}"));
        var failure = await Should.ThrowAsync<PermissionMissingException>(async () =>
        {
            await foreach (var _ in action.InvokeAsync(input, context, CancellationToken.None))
            {
            }
        });
        failure.Permission.ShouldBe("User.RevokeSessions.All");
    }
}
