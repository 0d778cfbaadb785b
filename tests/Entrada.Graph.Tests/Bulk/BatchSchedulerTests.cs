using System.Collections.Concurrent;
using Entrada.Graph.Bulk;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.Tests.Bulk;

/// <summary>The scheduler on its own: a fake clock, and a fake Graph that answers each batch as a test says.</summary>
public sealed class BatchSchedulerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 14, 9, 0, 0, TimeSpan.Zero));
    private readonly ConcurrentQueue<(int Call, DateTimeOffset At, int Steps)> _posts = new();
    private readonly ConcurrentQueue<(int Count, TimeSpan Wait)> _retries = new();
    private int _calls;

    private static List<BatchStep> Steps(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new BatchStep(BatchCodec.StepId(i), new RequestInformation { HttpMethod = Method.GET, URI = new Uri($"https://graph.microsoft.com/v1.0/users/u{i}") }))];

    private static BatchStepResult Answer(int status, string? retryAfter = null) => new(status, null, status == 200 ? null : "code", null)
    {
        Headers = retryAfter is null ? new Dictionary<string, string>() : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Retry-After"] = retryAfter },
    };

    /// <summary>A scheduler whose fake Graph answers call <c>n</c> (from 1) with <paramref name="answer"/>(n, step).</summary>
    private BatchScheduler Scheduler(AdaptiveLimiter limiter, SendPause pause, Func<int, BatchStep, BatchStepResult> answer, Func<int, Exception?>? refuse = null) =>
        new(limiter, pause, _time, (steps, _) =>
        {
            var call = Interlocked.Increment(ref _calls);
            _posts.Enqueue((call, _time.GetUtcNow(), steps.Count));
            if (refuse?.Invoke(call) is { } failure)
            {
                return Task.FromException<IReadOnlyDictionary<string, BatchStepResult>>(failure);
            }

            return Task.FromResult<IReadOnlyDictionary<string, BatchStepResult>>(steps.ToDictionary(s => s.Id, s => answer(call, s)));
        }, (count, wait) => _retries.Enqueue((count, wait)));

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        condition().ShouldBeTrue();
    }

    [Fact]
    public async Task AThrottledBatch_HoldsTheWholeRunOffForItsRetryAfter_AndHalvesWhatIsInFlight()
    {
        var limiter = new AdaptiveLimiter(8, 8);
        var pause = new SendPause(_time);
        var scheduler = Scheduler(limiter, pause, (call, _) => call == 1 ? Answer(429, "5") : Answer(200));
        var start = _time.GetUtcNow();

        var sending = scheduler.SendAsync(Steps(40), CancellationToken.None);

        // Two batches and eight slots, yet only the first went out: it was throttled, and the
        // second waits out the same pause instead of being sent to be throttled too.
        _calls.ShouldBe(1);
        limiter.Limit.ShouldBe(4);
        pause.Total.ShouldBe(TimeSpan.FromSeconds(5));
        _retries.ShouldHaveSingleItem().ShouldBe((20, TimeSpan.FromSeconds(5)));
        _time.Advance(TimeSpan.FromSeconds(4.9));
        await Task.Delay(50);
        _calls.ShouldBe(1);
        sending.IsCompleted.ShouldBeFalse();

        _time.Advance(TimeSpan.FromSeconds(0.1));
        var answers = await sending.WaitAsync(TimeSpan.FromSeconds(10));
        answers.Count.ShouldBe(40);
        answers.Values.ShouldAllBe(a => a.Status == 200);
        _posts.Count.ShouldBe(3, "the throttled batch once more, and the batch that waited");
        _posts.Skip(1).ShouldAllBe(p => p.At >= start + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task OnlyTheThrottledSteps_AreSentAgain_AfterTheLongestWaitAskedFor()
    {
        var pause = new SendPause(_time);
        var scheduler = Scheduler(new AdaptiveLimiter(8, 8), pause, (call, step) => (call, step.Id) switch
        {
            (1, "3") => Answer(429, "2"),
            (1, "7") => Answer(503, "3"),
            (1, "9") => Answer(404),
            _ => Answer(200),
        });

        var sending = scheduler.SendAsync(Steps(12), CancellationToken.None);
        pause.Total.ShouldBe(TimeSpan.FromSeconds(3));
        _time.Advance(TimeSpan.FromSeconds(3));
        var answers = await sending.WaitAsync(TimeSpan.FromSeconds(10));

        _posts.Select(p => p.Steps).ShouldBe([12, 2]);
        answers["3"].Status.ShouldBe(200);
        answers["7"].Status.ShouldBe(200);
        answers["9"].Status.ShouldBe(404, "a 404 is final: sending it again would get the same answer");
    }

    [Fact]
    public async Task ABatchRefusedAsAWhole_IsSentAgainInFull_AfterItsRetryAfter()
    {
        var limiter = new AdaptiveLimiter(8, 8);
        var pause = new SendPause(_time);
        var refused = new ApiException("throttled") { ResponseStatusCode = 429, ResponseHeaders = new Dictionary<string, IEnumerable<string>> { ["Retry-After"] = ["2"] } };
        var scheduler = Scheduler(limiter, pause, (_, _) => Answer(200), call => call == 1 ? refused : null);

        var sending = scheduler.SendAsync(Steps(3), CancellationToken.None);
        limiter.Limit.ShouldBe(4);
        pause.Total.ShouldBe(TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(2));
        (await sending.WaitAsync(TimeSpan.FromSeconds(10))).Count.ShouldBe(3);
        _posts.Select(p => p.Steps).ShouldBe([3, 3]);
    }

    [Fact]
    public async Task WithoutRetryAfter_ItBacksOffExponentially()
    {
        var pause = new SendPause(_time);
        var scheduler = Scheduler(new AdaptiveLimiter(8, 8), pause, (call, _) => call <= 2 ? Answer(503) : Answer(200));

        var sending = scheduler.SendAsync(Steps(1), CancellationToken.None);
        pause.Total.ShouldBe(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        // The second answer is read on another thread: wait until its back-off is in place (1 s, then 2 s).
        await UntilAsync(() => _calls == 2 && pause.Total >= TimeSpan.FromSeconds(3));
        pause.Total.ShouldBe(TimeSpan.FromSeconds(3), "1 s, then 2 s");
        _time.Advance(TimeSpan.FromSeconds(2));
        (await sending.WaitAsync(TimeSpan.FromSeconds(10)))["0"].Status.ShouldBe(200);
        _retries.Select(r => r.Wait).ShouldBe([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)]);
    }

    [Fact]
    public async Task AStepThrottledRoundAfterRound_IsGivenUpAfterMaxRounds_WithGraphsLastAnswer()
    {
        var scheduler = Scheduler(new AdaptiveLimiter(8, 8), new SendPause(_time), (_, _) => Answer(429, "0"));
        var answers = await scheduler.SendAsync(Steps(1), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        answers["0"].Status.ShouldBe(429);
        _calls.ShouldBe(BatchScheduler.MaxRounds + 1);
    }

    [Fact]
    public async Task AStepGraphDidNotAnswer_IsReportedMissing_AndACleanBatchIsNotRetried()
    {
        var scheduler = new BatchScheduler(new AdaptiveLimiter(8, 8), new SendPause(_time), _time, (steps, _) =>
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult<IReadOnlyDictionary<string, BatchStepResult>>(steps.Skip(1).ToDictionary(s => s.Id, _ => Answer(200)));
        });
        var answers = await scheduler.SendAsync(Steps(2), CancellationToken.None);
        _calls.ShouldBe(1);
        answers["0"].ErrorCode.ShouldBe("missing");
        answers["1"].Succeeded.ShouldBeTrue();
    }

    [Fact]
    public async Task ANonTransientRefusalOfTheWholeBatch_IsThrown()
    {
        var scheduler = Scheduler(new AdaptiveLimiter(8, 8), new SendPause(_time), (_, _) => Answer(200), _ => new ApiException("bad") { ResponseStatusCode = 400 });
        (await Should.ThrowAsync<ApiException>(() => scheduler.SendAsync(Steps(1), CancellationToken.None))).ResponseStatusCode.ShouldBe(400);
        _calls.ShouldBe(1);
    }
}
