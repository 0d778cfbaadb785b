using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tests.Client;

/// <summary>The run's request option, carried by every request a run sends, read by Entrada's handler at the emulator's real HTTPS.</summary>
public sealed class GraphRunOptionTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IDisposable
{
    private readonly GraphClientCache _clients = new(TimeProvider.System);

    public void Dispose() => _clients.Dispose();

    private (GraphRun Run, ActionContext Context) NewRun(string name, IProgress<ActionProgress>? progress = null)
    {
        var connection = fixture.SecretConnection(name);
        var context = new GraphActionContext(new ActionContext(connection, Entrada.Core.Caller.Cli()) { Progress = progress }, _clients.Get(connection));
        return (new GraphRun(context, new Entrada.Graph.Users.GetUserAction().Descriptor), context);
    }

    [Fact]
    public async Task EveryWayARunSends_NotesGraphsRequestIdForTheAudit()
    {
        var (run, context) = NewRun("option-paths");
        var id = fixture.Server.State.GetUserIds()[0];
        var seen = 0;
        void ShouldHaveNotedMore(string path)
        {
            context.RequestIds.Count.ShouldBeGreaterThan(seen, path);
            seen = context.RequestIds.Count;
        }

        await run.SendAsync(run.Client.Users[id].ToGetRequestInformation(), User.CreateFromDiscriminatorValue, CancellationToken.None);
        ShouldHaveNotedMore("SendAsync");
        await run.SendNoContentAsync(run.Client.Users[id].ToPatchRequestInformation(new User { AccountEnabled = fixture.Server.State.FindUser(id)!.AccountEnabled }), CancellationToken.None);
        ShouldHaveNotedMore("SendNoContentAsync");
        await using ((await run.SendPrimitiveAsync<Stream>(run.Client.Users[id].ToGetRequestInformation(), CancellationToken.None))!)
        {
            ShouldHaveNotedMore("SendPrimitiveAsync");
        }

        await run.Client.Users[id].GetAsync(run.Configure);
        ShouldHaveNotedMore("a fluent call with run.Configure");
        await run.Client.Users[id].GetAsync(rc => { run.Configure(rc); rc.QueryParameters.Select = ["id"]; });
        ShouldHaveNotedMore("a fluent call with run.Configure and a query");

        var request = run.Client.Users.ToGetRequestInformation(rc => { rc.QueryParameters.Top = 10; rc.QueryParameters.Select = ["id"]; });
        var pages = 0;
        await foreach (var _ in Paging.ItemsAsync(run, request, UserCollectionResponse.CreateFromDiscriminatorValue, p => { pages++; return p.Value; }, p => p.OdataNextLink, null, CancellationToken.None))
        {
        }

        pages.ShouldBeGreaterThan(1);
        context.RequestIds.Count.ShouldBe(seen + pages, "one request-id per page: the next pages carry the option too");
    }

    [Fact]
    public async Task ARequestWithoutTheOption_IsSentAlike_ButNotAttributedToTheRun()
    {
        // The control case that makes the test above meaningful.
        var (run, context) = NewRun("option-none");
        (await run.Client.Users[fixture.Server.State.GetUserIds()[0]].GetAsync()).ShouldNotBeNull();
        context.RequestIds.ShouldBeEmpty();
    }

    [Fact]
    public async Task GraphThrottlingARunsRequest_IsReportedAsTheRunsProgress_OnEveryAttempt()
    {
        var messages = new List<string>();
        var (run, context) = NewRun("option-throttled", new SynchronousProgress(p => { lock (messages) { messages.Add(p.Message ?? string.Empty); } }));
        var id = fixture.Server.State.GetUserIds()[1];
        await fixture.InjectAsync(429, 2, "/users/" + id, retryAfterSeconds: 1);

        // The SDK's retry handler sends the request again (a clone of it): the option must survive the copy.
        (await run.SendAsync(run.Client.Users[id].ToGetRequestInformation(), User.CreateFromDiscriminatorValue, CancellationToken.None))!.Id.ShouldBe(id);

        messages.Count.ShouldBe(2);
        messages.ShouldAllBe(m => m.StartsWith("Graph is throttling (429); waiting 1 s", StringComparison.Ordinal));
        context.RequestIds.Count.ShouldBe(3, "both refused attempts and the answer");
    }

    [Fact]
    public async Task GraphThrottlingARunsBatch_ReachesTheHandlerAsTheRunsProgress_Too()
    {
        // The emulator puts no request-id on a $batch answer, so the $batch's option shows in
        // what the handler reports when Graph throttles the batch as a whole.
        var messages = new List<string>();
        var (run, _) = NewRun("option-batch", new SynchronousProgress(p => { lock (messages) { messages.Add(p.Message ?? string.Empty); } }));
        await fixture.InjectAsync(429, 1, "$batch", retryAfterSeconds: 1);
        var steps = fixture.Server.State.GetUserIds().Take(3).Select((u, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Users[u].ToGetRequestInformation())).ToList();

        (await GraphBatch.SendAsync(run, steps, CancellationToken.None)).Values.ShouldAllBe(a => a.Succeeded);

        messages.ShouldContain(m => m.StartsWith("Graph is throttling (429); waiting 1 s", StringComparison.Ordinal), "the handler saw the run's option on the $batch");
        messages.ShouldContain(m => m.StartsWith("Graph throttled 3 request(s); waiting 1 s", StringComparison.Ordinal), "the scheduler sent the batch again itself");
        run.Bulk.Retries.ShouldBe(3);
    }
}
