using Entrada.Core.Jobs;
using Entrada.Core.Storage;
using Entrada.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Core.Tests.Jobs;

/// <summary>One job runs once: resuming claims it atomically, and a holder that died is taken over once its lease lapses.</summary>
public sealed class JobClaimTests : IDisposable
{
    private readonly TempHome _temp = new();
    private readonly EntradaDatabase _database;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly JobStore _jobs;

    public JobClaimTests()
    {
        _database = new EntradaDatabase(_temp.Home);
        _jobs = new JobStore(_database, _time);
    }

    public void Dispose() => _temp.Dispose();

    private async Task<JobRecord> InterruptedJobAsync()
    {
        var job = await _jobs.CreateAsync("users.disable", "Contoso", "{}", ["a", "b", "c"], Caller.Cli(), default);
        await _jobs.SetStatusAsync(job.Id, JobStatus.Failed, "Stopped half-way.", default);
        return job;
    }

    private async Task SetOwnerAsync(string jobId, int pid, string host, DateTimeOffset? leaseExpires)
    {
        await using var db = await _database.OpenAsync(default);
        await using var update = db.CreateCommand();
        update.CommandText = "UPDATE jobs SET status = 'running', owner_pid = $pid, owner_host = $host, lease_expires_at = $lease WHERE id = $id;";
        update.Parameters.AddWithValue("$id", jobId);
        update.Parameters.AddWithValue("$pid", pid);
        update.Parameters.AddWithValue("$host", host);
        update.Parameters.AddWithValue("$lease", leaseExpires is { } l ? l.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : DBNull.Value);
        await update.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task TwoClaimsAtOnce_ExactlyOneWins_AndTheOtherNamesTheHolder()
    {
        var job = await InterruptedJobAsync();
        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            try
            {
                return (Won: await _jobs.ClaimAsync(job.Id, default), Refused: (JobRunningException?)null);
            }
            catch (JobRunningException refused)
            {
                return (Won: (JobRecord?)null, Refused: refused);
            }
        })));

        claims.Count(c => c.Won is not null).ShouldBe(1);
        claims.Where(c => c.Refused is not null).ShouldAllBe(c => c.Refused!.Message.Contains($"process {Environment.ProcessId}@{Environment.MachineName}"));
        claims.Single(c => c.Won is not null).Won!.Status.ShouldBe(JobStatus.Running);
    }

    [Fact]
    public async Task AJobALiveProcessRuns_IsRefused_WithWhoHoldsItAndSinceWhen()
    {
        var job = await _jobs.CreateAsync("users.disable", "Contoso", "{}", ["a"], Caller.Cli(), default);

        var refused = await Should.ThrowAsync<JobRunningException>(() => _jobs.ClaimAsync(job.Id, default));

        refused.Kind.ShouldBe(ErrorKind.Conflict);
        refused.Message.ShouldContain($"process {Environment.ProcessId}@{Environment.MachineName}");
        refused.Message.ShouldContain("2026-12-01 12:00:00 UTC");
        refused.Next.ShouldBe(new NextStep(NextStepKind.CancelJob, job.Id));
    }

    [Fact]
    public async Task AHolderOnAnotherMachine_KeepsTheJobWhileItsLeaseLasts_AndLosesItWhenTheLeaseLapses()
    {
        var job = await InterruptedJobAsync();
        await SetOwnerAsync(job.Id, 4242, "another-host", _time.GetUtcNow() + JobStore.Lease);

        (await _jobs.GetAsync(job.Id, default)).Status.ShouldBe(JobStatus.Running);
        await Should.ThrowAsync<JobRunningException>(() => _jobs.ClaimAsync(job.Id, default));

        _time.Advance(JobStore.Lease + TimeSpan.FromSeconds(1));
        (await _jobs.GetAsync(job.Id, default)).Status.ShouldBe(JobStatus.Interrupted);
        var claimed = await _jobs.ClaimAsync(job.Id, default);
        claimed.Owner.ShouldBe($"{Environment.ProcessId}@{Environment.MachineName}");
        claimed.LeaseExpiresAt.ShouldBe(_time.GetUtcNow() + JobStore.Lease);
    }

    [Fact]
    public async Task AHolderOnThisMachineThatDied_IsTakenOverAtOnce()
    {
        var job = await InterruptedJobAsync();
        await SetOwnerAsync(job.Id, int.MaxValue - 7, Environment.MachineName, _time.GetUtcNow() + JobStore.Lease);

        (await _jobs.ClaimAsync(job.Id, default)).Status.ShouldBe(JobStatus.Running);
    }

    [Fact]
    public async Task TheHoldersTracker_RenewsTheLease_WhileItWorks()
    {
        var job = await _jobs.CreateAsync("users.disable", "Contoso", "{}", ["a", "b"], Caller.Cli(), default);
        using var tracker = _jobs.TrackNew(job);

        for (var i = 0; i < 8; i++)
        {
            _time.Advance(JobStore.LeaseRenewal);
            await Task.Delay(50);
        }

        var now = await _jobs.GetAsync(job.Id, default);
        now.Status.ShouldBe(JobStatus.Running, "four minutes later the lease is still held, renewed every 30 s");
        now.LeaseExpiresAt.ShouldNotBeNull().ShouldBeGreaterThan(_time.GetUtcNow());
    }
}
