using System.Net;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Graph.Tests.Client;

public sealed class GraphClientTests(GraphFixture fixture) : IClassFixture<GraphFixture>
{
    [Fact]
    public async Task EveryGraphRequest_CarriesTheBearerToken_SoNoneIsRefusedWith401()
    {
        await fixture.SavedAsync(fixture.SecretConnection("bearer"));
        var before = fixture.Requests.Lines.Count;
        await fixture.RunAsync("users.list", "bearer", new { max = 2 });
        await fixture.RunAsync("groups.list", "bearer", new { max = 2 });
        await fixture.RunAsync("users.disable", "bearer", new { userIds = new[] { fixture.Server.State.GetUserIds()[20] } });
        var lines = fixture.Requests.Lines.Skip(before).ToList();
        lines.Count(l => l.Contains("/v1.0/", StringComparison.Ordinal) && l.StartsWith("Request starting", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(4);
        lines.Where(l => l.StartsWith("Request finished", StringComparison.Ordinal)).ShouldAllBe(l => !l.Contains(" - 401 ", StringComparison.Ordinal));
        fixture.Server.State.SetAccountEnabled(fixture.Server.State.GetUserIds()[20], true);
    }

    [Fact]
    public async Task WithoutTheGraphHostInTheAllowedList_TheSdkWouldSendNoToken_SoTheEmulatorRefuses()
    {
        // The control case that makes the test above meaningful: a bare SDK client for a
        // non-Microsoft host sends no Authorization header and gets 401.
        using var http = new HttpClient(fixture.Server.CreateHttpHandler());
        var bare = new Microsoft.Graph.GraphServiceClient(http, new Azure.Identity.ClientSecretCredential(fixture.Server.TenantId, fixture.Demo.ClientId, fixture.Demo.ClientSecret, new Azure.Identity.ClientSecretCredentialOptions
        {
            AuthorityHost = fixture.Server.AuthorityHost,
            DisableInstanceDiscovery = true,
            Transport = new Azure.Core.Pipeline.HttpClientTransport(fixture.Server.CreateHttpHandler()),
        }), ["https://graph.microsoft.com/.default"], fixture.Server.GraphEndpoint.ToString());
        var failure = await Should.ThrowAsync<Microsoft.Graph.Models.ODataErrors.ODataError>(() => bare.Users.GetAsync());
        failure.ResponseStatusCode.ShouldBe(401);
    }

    [Fact]
    public async Task Paging_FollowsNextLinks_UntilEveryItemIsRead()
    {
        var connection = fixture.SecretConnection("paging");
        using var cache = new GraphClientCache(TimeProvider.System);
        var context = new GraphActionContext(new Entrada.Core.Actions.ActionContext(connection, Entrada.Core.Caller.Cli()), cache.Get(connection));
        var run = new GraphRun(context, new Entrada.Graph.Users.ListUsersAction().Descriptor);
        var request = run.Client.Users.ToGetRequestInformation(rc => { rc.QueryParameters.Top = 7; rc.QueryParameters.Select = ["id"]; });
        var ids = new List<string?>();
        await foreach (var user in Paging.ItemsAsync(run, request, Microsoft.Graph.Models.UserCollectionResponse.CreateFromDiscriminatorValue, p => p.Value, p => p.OdataNextLink, null, CancellationToken.None))
        {
            ids.Add(user.Id);
        }

        ids.Count.ShouldBe(fixture.Server.State.UserCount);
        ids.Distinct().Count().ShouldBe(ids.Count);
    }

    [Fact]
    public async Task CancellingARun_StopsTheListBetweenItems_AndIsAuditedAsCancelled()
    {
        await fixture.SavedAsync(fixture.SecretConnection("cancel"));
        using var cancel = new CancellationTokenSource();
        var seen = 0;
        await Should.ThrowAsync<OperationCanceledException>(() => fixture.Runner.RunAsync(
            new Entrada.Core.Actions.ActionRunRequest("users.list", "cancel", new System.Text.Json.Nodes.JsonObject()) { Caller = Entrada.Core.Caller.Cli() },
            (_, _) =>
            {
                if (++seen == 2)
                {
                    cancel.Cancel();
                }

                return ValueTask.CompletedTask;
            },
            cancel.Token));
        seen.ShouldBe(2);
        var audit = await fixture.Services.GetRequiredService<Entrada.Core.Audit.AuditLog>().ListAsync(50, "cancel", CancellationToken.None);
        audit.ShouldContain(r => r.Operation == "run users.list" && r.Connection == "cancel" && r.Outcome == Entrada.Core.Audit.AuditOutcome.Cancelled);
    }

}

public sealed class EntradaGraphHandlerTests
{
    [Fact]
    public async Task EachRequest_NamesEntradaAndItsVersion_AndGetsItsOwnClientRequestId()
    {
        var seen = new List<HttpRequestMessage>();
        using var handler = new EntradaGraphHandler(NullLogger.Instance) { InnerHandler = new Answer(seen, HttpStatusCode.OK) };
        using var client = new HttpClient(handler);
        (await client.GetAsync(new Uri("https://graph.example/v1.0/users"))).Dispose();
        (await client.GetAsync(new Uri("https://graph.example/v1.0/groups"))).Dispose();

        seen[0].Headers.UserAgent.ToString().ShouldContain($"Entrada/{EntradaGraphHandler.Version}");
        EntradaGraphHandler.Version.ShouldBe("0.1.0");
        var first = seen[0].Headers.GetValues("client-request-id").Single();
        var second = seen[1].Headers.GetValues("client-request-id").Single();
        Guid.TryParse(first, out _).ShouldBeTrue();
        first.ShouldNotBe(second);
    }

    [Fact]
    public async Task A429WithRetryAfter_IsReportedAsAWait()
    {
        var time = new FakeTimeProvider();
        var progress = new List<string>();
        var context = new Entrada.Core.Actions.ActionContext(
            new Connection { Name = "x", Method = ConnectionMethod.AppRegistration, AppRegistration = new AppRegistrationSettings("t", "c", new Secret("s"), null) },
            Entrada.Core.Caller.Cli())
        {
            Time = time,
            Progress = new SynchronousProgress(p => progress.Add(p.Message ?? string.Empty)),
        };
        using var handler = new EntradaGraphHandler(NullLogger.Instance) { InnerHandler = new Answer([], HttpStatusCode.TooManyRequests, retryAfterSeconds: 7) };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("https://graph.example/v1.0/users"));
        new GraphRunOption(context).AttachTo(request);
        (await client.SendAsync(request)).Dispose();
        progress.ShouldHaveSingleItem().ShouldContain("waiting 7 s");
        context.RequestIds.ShouldContain("rid-1");
    }

    private sealed class Answer(List<HttpRequestMessage> seen, HttpStatusCode status, int? retryAfterSeconds = null) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request);
            var response = new HttpResponseMessage(status);
            response.Headers.Add("request-id", "rid-1");
            if (retryAfterSeconds is { } s)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(s));
            }

            return Task.FromResult(response);
        }
    }
}
