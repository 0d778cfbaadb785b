using Entrada.Core;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Jobs;
using Entrada.Emulator;
using Entrada.Graph.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Graph.Tests.Bulk;

/// <summary>A tenant big enough for jobs of several slices, with Microsoft's throttling on.</summary>
public sealed class BulkTenantFixture : GraphFixture
{
    protected override EmulatorOptions Options => new() { Users = 3100, Groups = 3, Throttle = ThrottleMode.Realistic };
}

/// <summary>
/// Bulk actions as durable jobs, under faults: each test takes its own users, runs a bulk
/// action, and ends by checking the emulator's state is exactly as intended and every item was
/// reported once.
/// </summary>
public sealed class BulkJobTests(BulkTenantFixture fixture) : IClassFixture<BulkTenantFixture>, IAsyncLifetime
{
    private const string Conn = "bulk";

    public async Task InitializeAsync()
    {
        await fixture.SavedAsync(fixture.SecretConnection(Conn));
        using var clear = await fixture.ControlAsync(HttpMethod.Delete, "faults");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private JobStore Jobs => fixture.Services.GetRequiredService<JobStore>();

    /// <summary>Users reserved for one test, so tests never share targets; all enabled to start with (the generated tenant has some disabled).</summary>
    private IReadOnlyList<string> Users(int first, int count)
    {
        var ids = fixture.Server.State.GetUserIds().Skip(first).Take(count).ToList();
        foreach (var id in ids)
        {
            fixture.Server.State.SetAccountEnabled(id, true);
        }

        return ids;
    }

    private void ShouldAllBeDisabled(IReadOnlyList<string> ids) =>
        ids.Where(id => fixture.Server.State.FindUser(id)!.AccountEnabled).ShouldBeEmpty("every user should end disabled");

    private async Task<JobRecord> ShouldHaveReportedEachItemOnceAsync(Run run, IReadOnlyList<string> ids, string expectedState)
    {
        var items = run.Value!["items"]!.AsArray();
        items.Count.ShouldBe(ids.Count);
        items.Select(i => i!["id"]!.GetValue<string>()).ShouldBe(ids);
        items.ShouldAllBe(i => i!["outcome"]!.GetValue<string>() == expectedState);
        var job = await Jobs.GetAsync(run.Result.JobId.ShouldNotBeNull(), default);
        job.Status.ShouldBe(JobStatus.Completed);
        (await Jobs.ItemsAsync(job.Id, null, default)).Select(i => (i.Item, i.State)).ShouldBe(ids.Select(id => (id, WireNames.ParseWire<JobItemState>(expectedState))));
        return job;
    }

    [Fact]
    public async Task ABulkRun_IsAJobWithEveryItemRecordedOnce_AndRunningItAgainChangesNothing()
    {
        var ids = Users(0, 500);
        var first = await fixture.RunAsync("users.disable", Conn, new { userIds = ids });
        ShouldAllBeDisabled(ids);
        var job = await ShouldHaveReportedEachItemOnceAsync(first, ids, "done");
        job.Total.ShouldBe(500);
        job.Done.ShouldBe(500);

        var second = await fixture.RunAsync("users.disable", Conn, new { userIds = ids });
        await ShouldHaveReportedEachItemOnceAsync(second, ids, "unchanged");
        second.Result.JobId.ShouldNotBe(first.Result.JobId);
        var audit = await fixture.Services.GetRequiredService<AuditLog>().ListAsync(1, null, default);
        audit[0].Details!["jobId"]!.GetValue<string>().ShouldBe(second.Result.JobId);
    }

    [Fact]
    public async Task AJobStoppedAfterItsFirstCheckpoint_ResumesWithExactlyTheRemainingItems()
    {
        // Four slices of 400; three run at once, so stopping at the first checkpoint leaves the
        // fourth never started and the second and third cut off mid-way.
        var ids = Users(1400, 1600);
        using var stop = new CancellationTokenSource();
        var progress = new SynchronousProgress(p =>
        {
            if (p.Done >= 400)
            {
                stop.Cancel();
            }
        });
        var request = new ActionRunRequest("users.disable", Conn, new JsonObject { ["userIds"] = new JsonArray([.. ids.Select(id => (JsonNode?)id)]) }) { Caller = Entrada.Core.Caller.Cli(), Progress = progress };
        await Should.ThrowAsync<OperationCanceledException>(() => fixture.Runner.RunAsync(request, null, stop.Token));

        var job = (await Jobs.ListAsync(10, default)).First(j => j.Action == "users.disable" && j.Total == 1600);
        job.Status.ShouldBe(JobStatus.Cancelled);
        job.Done.ShouldBeGreaterThanOrEqualTo(400);
        job.Finished.ShouldBeLessThan(job.Total);
        var recorded = await Jobs.ItemsAsync(job.Id, null, default);
        recorded.Where(i => i.State != JobItemState.Pending).ShouldAllBe(i => !fixture.Server.State.FindUser(i.Item)!.AccountEnabled, "a checkpointed item was changed");
        ids.Skip(1200).Where(id => !fixture.Server.State.FindUser(id)!.AccountEnabled).ShouldBeEmpty("the slice after those in flight was never started");
        var changedBeforeResume = ids.Where(id => !fixture.Server.State.FindUser(id)!.AccountEnabled).ToHashSet();

        var resumed = await fixture.Runner.ResumeAsync(job.Id, Caller.Cli(), null, default);
        resumed.JobId.ShouldBe(job.Id);
        ShouldAllBeDisabled(ids);
        var items = await Jobs.ItemsAsync(job.Id, null, default);
        items.Select(i => i.Index).ShouldBe(Enumerable.Range(0, 1600), "every item reported exactly once");
        foreach (var item in items)
        {
            // Changed by the stopped run (checkpointed, or cut off before its checkpoint and then read
            // back as already disabled): never written twice; the rest written once by the resume.
            item.State.ShouldBe(changedBeforeResume.Contains(item.Item) && recorded[item.Index].State == JobItemState.Pending ? JobItemState.Unchanged : JobItemState.Done, item.Item);
        }

        (await Jobs.GetAsync(job.Id, default)).Status.ShouldBe(JobStatus.Completed);
        await Should.ThrowAsync<JobFinishedException>(() => fixture.Runner.ResumeAsync(job.Id, Caller.Cli(), null, default));
    }

    [Fact]
    public async Task Disable_ManyByIdAndByUpn_ReadsTheirStateInFilteredBatches_AndReportsEachOnce()
    {
        // 40 users, half named by UPN, every third one already disabled, and one UPN nobody has:
        // more than one filtered read (15 a read) of each kind.
        var users = Users(3000, 40).Select(id => fixture.Server.State.FindUser(id)!).ToList();
        for (var i = 0; i < users.Count; i++)
        {
            fixture.Server.State.SetAccountEnabled(users[i].Id, i % 3 != 0);
        }

        var named = users.Select((u, i) => i % 2 == 0 ? u.Id : u.UserPrincipalName).ToList();
        var nobody = "nobody-" + Guid.NewGuid().ToString("N")[..8] + "@" + users[0].UserPrincipalName.Split('@')[1];
        var run = await fixture.RunAsync("users.disable", Conn, new { userIds = named.Append(nobody) });

        var items = run.Value!["items"]!.AsArray();
        items.Select(i => i!["id"]!.GetValue<string>()).ShouldBe(named.Append(nobody));
        for (var i = 0; i < users.Count; i++)
        {
            items[i]!["outcome"]!.GetValue<string>().ShouldBe(i % 3 == 0 ? "unchanged" : "done", named[i]);
            fixture.Server.State.FindUser(users[i].Id)!.AccountEnabled.ShouldBeFalse();
        }

        items[^1]!["outcome"]!.GetValue<string>().ShouldBe("failed");
        items[^1]!["message"]!.GetValue<string>().ShouldContain(nobody);
        (await Jobs.GetAsync(run.Result.JobId.ShouldNotBeNull(), default)).Finished.ShouldBe(41);
    }

    [Fact]
    public async Task AStormOf429sWithRetryAfter_IsWaitedOut_AndEveryUserEndsDisabled()
    {
        var ids = Users(1100, 60);
        // More 429s in a row than the SDK's own retry handler absorbs (3), so the engine's retry is needed too.
        await fixture.InjectAsync(429, 6, "$batch", retryAfterSeconds: 1);
        var batchesBefore = fixture.Requests.Count("/v1.0/$batch");
        var run = await fixture.RunAsync("users.disable", Conn, new { userIds = ids });
        ShouldAllBeDisabled(ids);
        await ShouldHaveReportedEachItemOnceAsync(run, ids, "done");
        // Work: one $batch of 4 state reads (15 users each), three of 20 PATCHes; plus the six refused.
        (fixture.Requests.Count("/v1.0/$batch") - batchesBefore).ShouldBeGreaterThanOrEqualTo(4 + 6, "four batches of work plus the six refused");
    }

    [Fact]
    public async Task A429StormWithoutRetryAfter_BacksOff_AndEveryUserEndsDisabled()
    {
        var ids = Users(1160, 60);
        using (var inject = await fixture.ControlAsync(HttpMethod.Post, "faults", new { fault = "429", count = 5, pathContains = "$batch" }))
        {
            inject.EnsureSuccessStatusCode();
        }

        var run = await fixture.RunAsync("users.disable", Conn, new { userIds = ids });
        ShouldAllBeDisabled(ids);
        await ShouldHaveReportedEachItemOnceAsync(run, ids, "done");
    }

    [Fact]
    public async Task ServiceUnavailableAndConnectionResets_AreRetried_AndEveryUserEndsDisabled()
    {
        var ids = Users(1220, 80);
        await fixture.InjectAsync(503, 2, "$batch", retryAfterSeconds: 1);
        using (var reset = await fixture.ControlAsync(HttpMethod.Post, "faults", new { fault = "reset", count = 2, pathContains = "$batch" }))
        {
            reset.EnsureSuccessStatusCode();
        }

        var run = await fixture.RunAsync("users.disable", Conn, new { userIds = ids });
        ShouldAllBeDisabled(ids);
        await ShouldHaveReportedEachItemOnceAsync(run, ids, "done");
    }

    [Fact]
    public async Task MembersAdd_UnderThrottling_AddsEachOnce_AndASecondRunReportsAlreadyMembers()
    {
        var groupId = fixture.Server.State.GetGroupIds()[0];
        var before = fixture.Server.State.GetGroupMemberIds(groupId)!.ToHashSet();
        var ids = Users(1300, 100).Where(id => !before.Contains(id)).ToList();
        await fixture.InjectAsync(429, 3, "$batch", retryAfterSeconds: 1);
        var run = await fixture.RunAsync("groups.members.add", Conn, new { groupId, memberIds = ids });
        run.Value!["done"]!.GetValue<int>().ShouldBe(ids.Count);
        fixture.Server.State.GetGroupMemberIds(groupId)!.ToHashSet().IsSupersetOf(ids).ShouldBeTrue();
        var batchesBefore = fixture.Requests.Count("/v1.0/$batch");
        var again = await fixture.RunAsync("groups.members.add", Conn, new { groupId, memberIds = ids });
        again.Value!["unchanged"]!.GetValue<int>().ShouldBe(ids.Count);
        (fixture.Requests.Count("/v1.0/$batch") - batchesBefore).ShouldBe(1, "one $batch of PATCHes, all refused; the group's members are then read, not asked about one write each");

        // Members already there mixed with new ones: the new ones are added, each reported once.
        var fresh = Users(3040, 60).Where(id => !before.Contains(id)).ToList();
        var mixed = ids.Zip(fresh, (a, b) => new[] { a, b }).SelectMany(pair => pair).Concat(ids.Skip(fresh.Count)).ToList();
        var third = await fixture.RunAsync("groups.members.add", Conn, new { groupId, memberIds = mixed });
        third.Value!["done"]!.GetValue<int>().ShouldBe(fresh.Count);
        third.Value!["unchanged"]!.GetValue<int>().ShouldBe(ids.Count);
        third.Value!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ShouldBe(mixed);
        fixture.Server.State.GetGroupMemberIds(groupId)!.ToHashSet().IsSupersetOf(fresh).ShouldBeTrue();
    }
}

/// <summary>A tenant whose access tokens live four seconds (less than Entrada's five-minute renewal margin), with latency, so tokens are renewed while the job runs.</summary>
public sealed class ShortTokenFixture : GraphFixture
{
    protected override EmulatorOptions Options => new() { Users = 300, Groups = 1, Throttle = ThrottleMode.Off, LatencyMs = 150, AccessTokenLifetime = TimeSpan.FromSeconds(4) };
}

public sealed class TokenExpiryDuringJobTests(ShortTokenFixture fixture) : IClassFixture<ShortTokenFixture>
{
    [Fact]
    public async Task ATokenExpiringMidJob_IsRenewed_AndEveryUserEndsDisabled()
    {
        await fixture.SavedAsync(fixture.SecretConnection("short"));
        var ids = fixture.Server.State.GetUserIds().Take(300).ToList();
        foreach (var id in ids)
        {
            fixture.Server.State.SetAccountEnabled(id, true);
        }

        var tokensBefore = fixture.Requests.Count("/oauth2/v2.0/token");
        var run = await fixture.RunAsync("users.disable", "short", new { userIds = ids });
        ids.Where(id => fixture.Server.State.FindUser(id)!.AccountEnabled).ShouldBeEmpty();
        run.Value!["done"]!.GetValue<int>().ShouldBe(300);
        (fixture.Requests.Count("/oauth2/v2.0/token") - tokensBefore).ShouldBeGreaterThan(1, "the job outlived its first token and got another");
    }
}
