using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tests.Bulk;

/// <summary>Concurrent slices of one bulk run, each in a run of its own.</summary>
public sealed class SliceRunTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IDisposable
{
    private readonly GraphClientCache _clients = new(TimeProvider.System);

    public void Dispose() => _clients.Dispose();

    [Fact]
    public async Task TwoSlicesFailingAtOnce_AreEachReportedUnderTheirOwnSubject()
    {
        var connection = fixture.SecretConnection("slices");
        var context = new GraphActionContext(new ActionContext(connection, Caller.Cli()), _clients.Get(connection));
        var probe = new SubjectProbe();
        var run = new GraphRun(context, probe.Descriptor);

        // Both slices name their subject, then both wait until the other has too, then both ask
        // Graph for a user nobody has: with one Subject shared, both would be reported as the last named.
        var first = probe.RunInSliceRunAsync(new ProbeInput(["nobody-a@example.com"]), run, CancellationToken.None);
        var second = probe.RunInSliceRunAsync(new ProbeInput(["nobody-b@example.com"]), run, CancellationToken.None);

        var a = await Should.ThrowAsync<GraphRequestException>(() => first);
        var b = await Should.ThrowAsync<GraphRequestException>(() => second);
        a.Message.ShouldStartWith("Graph found no user 'nobody-a@example.com' (404");
        b.Message.ShouldStartWith("Graph found no user 'nobody-b@example.com' (404");
        run.Subject.ShouldBeNull("a slice's subject is its own, not the run's");
    }

    [Fact]
    public async Task ACheckRunOnceForAllSlices_FailsEveryOneOfThem_UnderTheSubjectTheCheckNamed()
    {
        var connection = fixture.SecretConnection("once");
        var context = new GraphActionContext(new ActionContext(connection, Caller.Cli()), _clients.Get(connection));
        var run = new GraphRun(context, new SubjectProbe().Descriptor);
        var slices = Enumerable.Range(0, 3).Select(_ => run.ForSlice()).ToList();

        var failures = await Task.WhenAll(slices.Select(slice => Should.ThrowAsync<GraphRequestException>(() => slice.OnceAsync("group:missing", async () =>
        {
            slice.Subject = "group 'missing'";
            await slice.SendAsync(slice.Client.Groups["missing"].ToGetRequestInformation(), Group.CreateFromDiscriminatorValue, CancellationToken.None);
        }))));

        failures.ShouldAllBe(f => f.Message.StartsWith("Graph found no group 'missing' (404", StringComparison.Ordinal));
        slices.Count(s => s.Subject is not null).ShouldBe(1, "the check ran once, in one slice");
    }

    private sealed record ProbeInput(IReadOnlyList<string> Items) : IBulkInput
    {
        public IReadOnlyList<string> BulkItems => Items;
    }

    /// <summary>A bulk action whose every slice reads its one user after all slices have named theirs.</summary>
    private sealed class SubjectProbe : GraphBulkAction<ProbeInput>
    {
        private readonly TaskCompletionSource _bothNamed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _named;

        public override ActionDescriptor Descriptor { get; } = Graph("test.probe", "Reads users, one a slice.", "GET /users/{id}", null, bulk: true);

        protected override ProbeInput WithItems(ProbeInput input, IReadOnlyList<string> items) => input with { Items = items };

        protected override async Task<BulkResult> RunSliceAsync(ProbeInput input, GraphRun run, CancellationToken cancellationToken)
        {
            var id = input.Items.Single();
            run.Subject = $"user '{id}'";
            if (Interlocked.Increment(ref _named) == 2)
            {
                _bothNamed.SetResult();
            }

            await _bothNamed.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            await run.SendAsync(run.Client.Users[id].ToGetRequestInformation(), User.CreateFromDiscriminatorValue, cancellationToken);
            return BulkResult.Of([new BulkItemResult(id, BulkOutcome.Done)]);
        }
    }
}
