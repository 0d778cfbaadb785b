using System.Text.Json.Nodes;
using Entrada.Cli.Tests.Support;
using Entrada.Core;
using Entrada.Core.Playbooks;
using Entrada.Core.Playbooks.Triggers;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// A watch's watermark across a crash: a process that died after recording an item as pending,
/// before or after starting its run, leaves the next poll to finish it — the item ends with exactly
/// one run, the one allocated to it. The polls run the watch's own code over the CLI's composition
/// against the emulated tenant; the crash is the state it leaves, written as it would be.
/// </summary>
public sealed class PlaybookWatchRecoveryTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private const string Playbook = """
        id: recover-disable
        description: Disables the users it is given.
        inputs:
          userIds:
            type: array
            items: string
            required: true
        steps:
          - id: disable
            action: users.disable
            input:
              userIds: ${{ inputs.userIds }}
        """;

    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    [Fact]
    public async Task APendingItem_IsStartedOnce_WhetherTheCrashCameBeforeOrAfterItsRunStarted()
    {
        await using var provider = await ServicesAsync();
        var watches = provider.GetRequiredService<PlaybookWatchService>();
        var playbooks = provider.GetRequiredService<PlaybookService>();
        var state = tenant.Server.State;
        var users = state.GetUserIds().Where(id => state.FindUser(id) is { UserType: "Member", AccountEnabled: true, RiskLevel: null or "none" }).Skip(60).Take(3).ToList();

        var watch = await watches.CreateAsync("recover-disable", "Tenant", "risky-users.list", new JsonObject { ["filter"] = "riskLevel eq 'high'" }, TimeSpan.FromHours(1),
            new JsonObject { ["userIds"] = "${{ [item.id] }}" }, null, WatchFirstPoll.Baseline, Caller.Cli(), CancellationToken.None);
        await watches.PollAsync(watch.Id, CancellationToken.None);
        var baseline = (await watches.ListAsync("recover-disable", CancellationToken.None)).Single().Seen;

        foreach (var user in users)
        {
            state.SetUserRisk(user, "high", "atRisk");
        }

        // The crash before the run: the first user recorded pending with its run id, no run yet.
        var before = PlaybookService.NewRunId();
        await RecordPendingAsync(provider, watch.Id, users[0], before);
        // The crash after the run: the second user pending, its run started under the allocated id, not yet marked.
        var after = PlaybookService.NewRunId();
        await RecordPendingAsync(provider, watch.Id, users[1], after);
        await playbooks.RunAsync(new PlaybookRunRequest("recover-disable", "Tenant", new JsonObject { ["userIds"] = new JsonArray(users[1]) }) { RunId = after }, new Caller(CallerInterface.Api, "watch:" + watch.Id), CancellationToken.None);

        await watches.PollAsync(watch.Id, CancellationToken.None);
        await watches.PollAsync(watch.Id, CancellationToken.None);
        var runs = await EventuallyFinishedAsync(playbooks, watch.Id, 3);

        runs.Select(r => r.Id).ShouldContain(before, "the pending item's run was started under the id allocated to it");
        runs.Select(r => r.Id).ShouldContain(after);
        runs.Count.ShouldBe(3, string.Join(", ", runs.Select(r => $"{r.Id} {r.Input?.ToJsonString()}")));
        runs.Select(r => r.Input!["userIds"]!.AsArray().Single()!.GetValue<string>()).Order().ShouldBe(users.Order());
        foreach (var user in users)
        {
            state.FindUser(user)!.AccountEnabled.ShouldBeFalse(user);
        }

        var listed = (await watches.ListAsync("recover-disable", CancellationToken.None)).Single();
        listed.Started.ShouldBe(3);
        listed.Seen.ShouldBe(baseline + 3);
        (await PendingInputsAsync(provider, watch.Id)).ShouldBe(0, "a started item keeps no input");
        await watches.DeleteAsync(watch.Id, Caller.Cli(), CancellationToken.None);
    }

    [Fact]
    public async Task AWatchRemovedWhileItPolls_EndsItsPollQuietly_AndStartsNothing()
    {
        await using var provider = await ServicesAsync();
        var watches = provider.GetRequiredService<PlaybookWatchService>();
        var playbooks = provider.GetRequiredService<PlaybookService>();
        var state = tenant.Server.State;
        var user = state.GetUserIds().Where(id => state.FindUser(id) is { UserType: "Member", AccountEnabled: true, RiskLevel: null or "none" }).Skip(70).First();
        state.SetUserRisk(user, "high", "atRisk");
        var watch = await watches.CreateAsync("recover-disable", "Tenant", "risky-users.list", new JsonObject { ["filter"] = "riskLevel eq 'high'" }, TimeSpan.FromHours(1),
            new JsonObject { ["userIds"] = "${{ [item.id] }}" }, null, WatchFirstPoll.Handle, Caller.Cli(), CancellationToken.None);

        // The poll's list waits 2 s on a 503; the watch is removed once the poll has sent it.
        var listed = tenant.RequestsWhere(l => l.Contains("/identityProtection/riskyUsers", StringComparison.OrdinalIgnoreCase));
        await KillableRun.Control(tenant).DelayNextAsync("/identityProtection/riskyUsers", retryAfterSeconds: 2);
        var poll = watches.PollAsync(watch.Id, CancellationToken.None);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (tenant.RequestsWhere(l => l.Contains("/identityProtection/riskyUsers", StringComparison.OrdinalIgnoreCase)) == listed)
            {
                await Task.Delay(20, timeout.Token);
            }
        }

        await watches.DeleteAsync(watch.Id, Caller.Cli(), CancellationToken.None);
        await poll; // no exception: the removed watch records nothing more
        (await playbooks.ListRunsAsync("recover-disable", 100, CancellationToken.None)).ShouldNotContain(r => r.Caller.Actor == "watch:" + watch.Id, "a removed watch starts no run");
        state.FindUser(user)!.AccountEnabled.ShouldBeTrue();
        await using var db = await provider.GetRequiredService<EntradaDatabase>().OpenAsync(CancellationToken.None);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT COUNT(*) FROM playbook_watch_items WHERE watch_id = $w;";
        select.Parameters.AddWithValue("$w", watch.Id);
        ((long)(await select.ExecuteScalarAsync())!).ShouldBe(0);
    }

    /// <summary>The connection Tenant and the playbook in the CLI's home, and the CLI's composition over it.</summary>
    private async Task<ServiceProvider> ServicesAsync()
    {
        (await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret)).ExitCode.ShouldBe(0);
        Directory.CreateDirectory(Path.Combine(_entrada.Home.Path, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(_entrada.Home.Path, "playbooks", "recover-disable.yaml"), Playbook);
        var services = new ServiceCollection();
        services.AddEntradaCore(_entrada.Home);
        Entrada.Graph.GraphServices.AddEntradaGraph(services);
        return services.BuildServiceProvider();
    }

    private static async Task RecordPendingAsync(IServiceProvider provider, string watchId, string user, string runId)
    {
        var sealedInput = provider.GetRequiredService<SecretProtector>().Protect(PlaybookWatchService.Purpose, new Dictionary<string, Secret> { ["input"] = new Secret(new JsonObject { ["userIds"] = new JsonArray(user) }.ToJsonString()) });
        await using var db = await provider.GetRequiredService<EntradaDatabase>().OpenAsync(CancellationToken.None);
        await using var insert = db.CreateCommand();
        insert.CommandText = "INSERT INTO playbook_watch_items (watch_id, item_key, state, run_id, input, seen_at) VALUES ($w, $k, 'pending', $r, $i, $at);";
        insert.Parameters.AddWithValue("$w", watchId);
        insert.Parameters.AddWithValue("$k", user);
        insert.Parameters.AddWithValue("$r", runId);
        insert.Parameters.AddWithValue("$i", sealedInput);
        insert.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task<long> PendingInputsAsync(IServiceProvider provider, string watchId)
    {
        await using var db = await provider.GetRequiredService<EntradaDatabase>().OpenAsync(CancellationToken.None);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT COUNT(*) FROM playbook_watch_items WHERE watch_id = $w AND (state = 'pending' OR input IS NOT NULL);";
        select.Parameters.AddWithValue("$w", watchId);
        return (long)(await select.ExecuteScalarAsync())!;
    }

    /// <summary>The watch's runs once the expected number have all finished (generous wait, no timing asserted).</summary>
    private static async Task<List<PlaybookRunRecord>> EventuallyFinishedAsync(PlaybookService playbooks, string watchId, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var runs = (await playbooks.ListRunsAsync("recover-disable", 100, CancellationToken.None)).Where(r => r.Caller.Actor == "watch:" + watchId).ToList();
            if (runs.Count >= count && runs.All(r => r.Status == PlaybookRunStatus.Succeeded))
            {
                return runs;
            }

            await Task.Delay(200, timeout.Token);
        }
    }
}
