using Entrada.Core;
using Entrada.Core.Jobs;
using Entrada.Core.Storage;
using Entrada.Core.Tests.Support;

namespace Entrada.Core.Tests.Jobs;

/// <summary>
/// The job store on a real SQLite file: a job keeps its items once and a row per finished item;
/// what is pending is what has no row. Jobs written before schema 4 (a pending row per item)
/// still read and resume the same way.
/// </summary>
public sealed class JobStoreTests : IDisposable
{
    private readonly TempHome _temp = new();
    private readonly EntradaDatabase _database;
    private readonly JobStore _jobs;

    public JobStoreTests()
    {
        _database = new EntradaDatabase(_temp.Home);
        _jobs = new JobStore(_database, TimeProvider.System);
    }

    public void Dispose() => _temp.Dispose();

    private static IReadOnlyList<string> Items(int count) => [.. Enumerable.Range(0, count).Select(i => $"user{i}@contoso.com")];

    [Fact]
    public async Task ANewJob_HasEveryItemPending_AndCheckpointsMoveThemOnce()
    {
        var items = Items(5);
        var job = await _jobs.CreateAsync("users.disable", "Contoso", "{}", items, new Caller(CallerInterface.Cli, null), default);
        job.Total.ShouldBe(5);
        job.Finished.ShouldBe(0);
        (await _jobs.ItemsAsync(job.Id, null, default)).ShouldAllBe(i => i.State == JobItemState.Pending);

        using (var tracker = _jobs.TrackNew(job))
        {
            await tracker.RecordAsync([new JobItem(1, items[1], JobItemState.Done), new JobItem(3, items[3], JobItemState.Failed, "No such user.")], default);
            // Recording an item again changes nothing: the first outcome stands.
            await tracker.RecordAsync([new JobItem(1, items[1], JobItemState.Unchanged)], default);
            tracker.FinishedCount.ShouldBe(2);
        }

        var all = await _jobs.ItemsAsync(job.Id, null, default);
        all.Select(i => (i.Index, i.Item, i.State)).ShouldBe(
        [
            (0, items[0], JobItemState.Pending), (1, items[1], JobItemState.Done), (2, items[2], JobItemState.Pending),
            (3, items[3], JobItemState.Failed), (4, items[4], JobItemState.Pending),
        ]);
        all[3].Message.ShouldBe("No such user.");
        (await _jobs.ItemsAsync(job.Id, JobItemState.Pending, default)).Select(i => i.Index).ShouldBe([0, 2, 4]);
        (await _jobs.ItemsAsync(job.Id, JobItemState.Done, default)).Select(i => i.Index).ShouldBe([1]);

        var read = await _jobs.GetAsync(job.Id, default);
        (read.Done, read.Unchanged, read.Failed, read.Total - read.Finished).ShouldBe((1, 0, 1, 3));
        using var resumed = await _jobs.TrackAsync(read, default);
        resumed.PreviouslyFinished.ShouldBe(2);
        resumed.IsFinished(1).ShouldBeTrue();
        resumed.IsFinished(0).ShouldBeFalse();
    }

    [Fact]
    public async Task AJobMadeBeforeSchema4_WithARowPerItem_ReadsAndResumesAsBefore()
    {
        await using (var db = await _database.OpenAsync(default))
        await using (var old = db.CreateCommand())
        {
            // The shape schema 3 wrote: no items column value, a pending row per item.
            old.CommandText = """
                INSERT INTO jobs (id, action, connection, interface, input, status, total, created_at, updated_at)
                VALUES ('0ld0ld0ld0ld', 'users.disable', 'Contoso', 'cli', '{}', 'running', 3, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
                INSERT INTO job_items (job_id, idx, item, state) VALUES ('0ld0ld0ld0ld', 0, 'a', 'pending'), ('0ld0ld0ld0ld', 1, 'b', 'done'), ('0ld0ld0ld0ld', 2, 'c', 'pending');
                """;
            await old.ExecuteNonQueryAsync();
        }

        var read = await _jobs.GetAsync("0ld0ld0ld0ld", default);
        (read.Done, read.Total - read.Finished).ShouldBe((1, 2));
        (await _jobs.ItemsAsync(read.Id, JobItemState.Pending, default)).Select(i => i.Item).ShouldBe(["a", "c"]);
        using (var tracker = await _jobs.TrackAsync(read, default))
        {
            tracker.PreviouslyFinished.ShouldBe(1);
            await tracker.RecordAsync([new JobItem(0, "a", JobItemState.Unchanged), new JobItem(2, "c", JobItemState.Done)], default);
        }

        (await _jobs.ItemsAsync(read.Id, null, default)).Select(i => i.State).ShouldBe([JobItemState.Unchanged, JobItemState.Done, JobItemState.Done]);
    }
}
