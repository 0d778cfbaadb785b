using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Runs;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Microsoft.Data.Sqlite;
using Quartz;

namespace Entrada.Core.Playbooks.Triggers;

/// <summary>What a watch's first poll does with the items already there.</summary>
public enum WatchFirstPoll
{
    /// <summary>Records them as seen and starts nothing: only items that appear later start runs (the default).</summary>
    Baseline,
    /// <summary>Starts a run for each of them, like for any new item.</summary>
    Handle,
}

/// <summary>A watch: polls a list action and starts its playbook once for each new item.</summary>
/// <param name="Id">Its id (<c>wat_…</c>); runs it starts have the actor <c>watch:ID</c>.</param>
/// <param name="Playbook">The playbook it starts.</param>
/// <param name="Connection">The connection the list action and the runs use.</param>
/// <param name="Action">The list action it polls.</param>
/// <param name="ActionInput">The list action's input.</param>
/// <param name="EverySeconds">The interval between polls.</param>
/// <param name="Map">The playbook's inputs as templates over the new item, read as <c>item</c>.</param>
/// <param name="Key">The JMESPath expression over the item that identifies it (default <c>id</c>, the item's own id).</param>
/// <param name="FirstPoll">What the first poll does with the items already there.</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">Who made it.</param>
public sealed record PlaybookWatch(string Id, string Playbook, string Connection, string Action, JsonObject ActionInput, int EverySeconds, JsonObject Map, string Key, WatchFirstPoll FirstPoll, DateTimeOffset CreatedAt, string? CreatedBy)
{
    /// <summary>When it last polled successfully; null before its first poll.</summary>
    public DateTimeOffset? PolledAt { get; init; }

    /// <summary>Why its last poll failed; null when it did not.</summary>
    public string? PollError { get; init; }

    /// <summary>How many items it has started a run for.</summary>
    public int Started { get; init; }

    /// <summary>How many items it has seen in all (started, pending, baseline, refused).</summary>
    public int Seen { get; init; }
}

/// <summary>
/// Watches. Each poll runs the list action through <see cref="RunService"/> (the run path of the
/// CLI and API, recorded and audited as <c>watch:ID</c>) and compares every item's key with the
/// watch's watermark, the keys it has seen. A new item is recorded first as <c>pending</c> with a
/// run id allocated for it and its mapped input (encrypted), then the run is started under that id,
/// then the item is marked <c>started</c>. A crash between those steps is finished by the next
/// poll, which looks the pending run id up: a run that exists is marked started, one that does not
/// is started then. So an item starts exactly one run, whatever stops the process when.
/// </summary>
public sealed class PlaybookWatchService(
    EntradaDatabase database,
    PlaybookTriggerScheduler scheduler,
    PlaybookService playbooks,
    RunService runs,
    ActionCatalog catalog,
    ConnectionStore connections,
    SecretProtector protector,
    AuditLog audit,
    TimeProvider time)
{
    /// <summary>The shortest interval between polls.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    internal const string Purpose = "Entrada.PlaybookWatchInput";

    /// <summary>Reads what the first poll does, as the API and the pages take it: <c>baseline</c> (also when empty) or <c>handle</c>, in any case.</summary>
    public static WatchFirstPoll ParseFirstPoll(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "baseline" => WatchFirstPoll.Baseline,
        "handle" => WatchFirstPoll.Handle,
        _ => throw new EntradaValidationException("firstPoll", $"'firstPoll' is baseline or handle, not '{text}'."),
    };

    /// <summary>Makes a watch; the action, its input, the interval, the map and the key are checked first.</summary>
    public async Task<PlaybookWatch> CreateAsync(string playbook, string? connection, string? action, JsonObject? actionInput, TimeSpan every, JsonObject? map, string? key, WatchFirstPoll firstPoll, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var definition = playbooks.Get(playbook);
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new EntradaValidationException("connection", "Name the connection the watch polls and runs on.");
        }

        if (string.IsNullOrWhiteSpace(action))
        {
            throw new EntradaValidationException("action", "Name the list action the watch polls, e.g. risky-users.list.");
        }

        var descriptor = catalog.Get(action.Trim()).Descriptor;
        if (!descriptor.IsList)
        {
            throw new EntradaValidationException("action", $"'{descriptor.Id}' is not a list action; a watch polls one that lists items, such as risky-users.list or signins.list.");
        }

        actionInput ??= [];
        _ = ActionInput.Bind(descriptor, actionInput);
        // Whatever the run records would mask is a secret, and a watch's action input is stored and
        // listed as given: refused rather than kept.
        var masked = SecretMasking.MaskInput(descriptor, actionInput) as JsonObject;
        if (actionInput.FirstOrDefault(p => !JsonNode.DeepEquals(p.Value, masked?[p.Key])).Key is { } secretField)
        {
            throw new EntradaValidationException($"actionInput.{secretField}", $"'{secretField}' of {descriptor.Id} is a secret, and a watch's action input is stored as given: watch with an action input that holds none.");
        }
        if (every < MinimumInterval || every > TimeSpan.FromDays(1))
        {
            throw new EntradaValidationException("every", $"The interval must be between {MinimumInterval.TotalSeconds:0} second and a day, not {every}.");
        }

        if (map is null || map.Count == 0)
        {
            throw new EntradaValidationException("map", "Give the playbook's inputs as templates over the new item, e.g. {\"userIds\": \"${{ [item.id] }}\"}.");
        }

        var templates = PlaybookTriggerInputs.Check(definition, map, "map");
        var keyExpression = PlaybookTriggerInputs.CheckExpression(key, "key", "id");
        var found = await connections.GetAsync(connection.Trim(), cancellationToken);
        var watch = new PlaybookWatch(
            "wat_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), definition.Id, found.Name, descriptor.Id, actionInput, (int)Math.Ceiling(every.TotalSeconds), templates, keyExpression, firstPoll, time.GetUtcNow(), $"{caller.Interface.ToWire()}:{caller.Actor}");

        await using (var db = await database.OpenAsync(cancellationToken))
        await using (var insert = db.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO playbook_watches (id, playbook, connection, action, action_input, every_seconds, map, key_expression, first_poll, created_at, created_by)
                VALUES ($id, $playbook, $connection, $action, $actionInput, $every, $map, $key, $first, $at, $by);
                """;
            insert.Parameters.AddWithValue("$id", watch.Id);
            insert.Parameters.AddWithValue("$playbook", watch.Playbook);
            insert.Parameters.AddWithValue("$connection", watch.Connection);
            insert.Parameters.AddWithValue("$action", watch.Action);
            insert.Parameters.AddWithValue("$actionInput", watch.ActionInput.ToJsonString());
            insert.Parameters.AddWithValue("$every", watch.EverySeconds);
            insert.Parameters.AddWithValue("$map", watch.Map.ToJsonString());
            insert.Parameters.AddWithValue("$key", watch.Key);
            insert.Parameters.AddWithValue("$first", watch.FirstPoll == WatchFirstPoll.Handle ? "handle" : "baseline");
            insert.Parameters.AddWithValue("$at", watch.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$by", (object?)watch.CreatedBy ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var quartz = await scheduler.GetAsync(cancellationToken);
            var job = JobBuilder.Create<PlaybookWatchJob>().WithIdentity(watch.Id, PlaybookTriggerScheduler.WatchGroup).WithDescription($"watch {watch.Action} for {watch.Playbook}").Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(watch.Id, PlaybookTriggerScheduler.WatchGroup)
                .ForJob(job)
                .StartNow()
                .WithSimpleSchedule(b => b.WithInterval(TimeSpan.FromSeconds(watch.EverySeconds)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount))
                .Build();
            await quartz.ScheduleJob(job, trigger, cancellationToken: cancellationToken);
        }
        catch
        {
            await DeleteRowAsync(watch.Id, CancellationToken.None);
            throw;
        }

        await audit.RecordAsync(caller, "playbook watch create", watch.Connection, AuditOutcome.Succeeded, TimeSpan.Zero, new JsonObject { ["watch"] = watch.Id, ["playbook"] = watch.Playbook, ["action"] = watch.Action, ["everySeconds"] = watch.EverySeconds });
        return watch;
    }

    /// <summary>The watches, optionally of one playbook, with their counts.</summary>
    public Task<IReadOnlyList<PlaybookWatch>> ListAsync(string? playbook, CancellationToken cancellationToken) => SelectAsync(null, playbook, cancellationToken);

    /// <summary>Removes a watch and its watermark: its trigger first, so it cannot poll again.</summary>
    public async Task DeleteAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        var found = (await SelectAsync(id ?? string.Empty, null, cancellationToken)).FirstOrDefault() ?? throw new PlaybookTriggerNotFoundException("watch", id ?? string.Empty);
        var quartz = await scheduler.GetAsync(cancellationToken);
        await quartz.DeleteJob(new JobKey(found.Id, PlaybookTriggerScheduler.WatchGroup), cancellationToken);
        await DeleteRowAsync(found.Id, cancellationToken);
        await audit.RecordAsync(caller, "playbook watch remove", found.Connection, AuditOutcome.Succeeded, TimeSpan.Zero, new JsonObject { ["watch"] = found.Id, ["playbook"] = found.Playbook });
    }

    /// <summary>One poll: finishes the pending items, lists, and starts one run per new item.</summary>
    internal async Task PollAsync(string id, CancellationToken cancellationToken)
    {
        var watch = (await SelectAsync(id, null, cancellationToken)).FirstOrDefault();
        if (watch is null)
        {
            await (await scheduler.GetAsync(cancellationToken)).DeleteJob(new JobKey(id, PlaybookTriggerScheduler.WatchGroup), cancellationToken);
            return;
        }

        var caller = new Caller(CallerInterface.Api, "watch:" + id);
        try
        {
            foreach (var (itemKey, runId, sealedInput) in await PendingAsync(id, cancellationToken))
            {
                await StartAsync(watch, itemKey, runId, (JsonObject?)JsonNode.Parse(protector.Unprotect(Purpose, sealedInput)["input"].Reveal()) ?? [], caller, cancellationToken);
            }

            // Every item as it streams, not the run's kept output (which stops at RunService.MaxItemsKept).
            var items = new List<JsonNode?>();
            var observer = new RunObserver
            {
                OnItem = (item, _) =>
                {
                    items.Add(System.Text.Json.JsonSerializer.SerializeToNode(item, EntradaJson.Default));
                    return ValueTask.CompletedTask;
                },
            };
            await runs.RunAsync(new RunRequest(watch.Action, watch.Connection, watch.ActionInput), caller, observer, cancellationToken);

            var seen = await KeysAsync(id, cancellationToken);
            var baseline = watch.PolledAt is null && watch.FirstPoll == WatchFirstPoll.Baseline;
            foreach (var item in items)
            {
                var document = new Newtonsoft.Json.Linq.JObject { ["item"] = PlaybookExpressions.ToToken(item) };
                var keyNode = PlaybookExpressions.EvaluateExpression(watch.Key, document["item"]!);
                var itemKey = keyNode is JsonValue v && v.TryGetValue<string>(out var text) ? text : keyNode?.ToJsonString();
                if (string.IsNullOrEmpty(itemKey) || !seen.Add(itemKey))
                {
                    continue;
                }

                // A watch removed while it polled records nothing more and starts nothing.
                if (baseline)
                {
                    if (!await RecordAsync(id, itemKey, "baseline", null, null, cancellationToken))
                    {
                        return;
                    }

                    continue;
                }

                var input = PlaybookTriggerInputs.Evaluate(watch.Map, document);
                var runId = PlaybookService.NewRunId();
                var sealedInput = protector.Protect(Purpose, new Dictionary<string, Secret> { ["input"] = new Secret(input.ToJsonString()) });
                if (!await RecordAsync(id, itemKey, "pending", runId, sealedInput, cancellationToken))
                {
                    return;
                }

                await StartAsync(watch, itemKey, runId, input, caller, cancellationToken);
            }

            await SetPolledAsync(id, null, cancellationToken);
        }
        catch (EntradaException ex)
        {
            await SetPolledAsync(id, ex.Message, cancellationToken);
            await audit.RecordAsync(caller, "playbook watch poll", watch.Connection, AuditOutcome.Failed, TimeSpan.Zero, new JsonObject { ["watch"] = id }, ex.Message);
        }
    }

    /// <summary>Starts the run an item was given, unless it already exists; then marks the item started.</summary>
    private async Task StartAsync(PlaybookWatch watch, string itemKey, string runId, JsonObject input, Caller caller, CancellationToken cancellationToken)
    {
        var details = new JsonObject { ["watch"] = watch.Id, ["playbook"] = watch.Playbook, ["item"] = itemKey, ["run"] = runId };
        if (await playbooks.FindRunAsync(runId, cancellationToken) is null)
        {
            try
            {
                await playbooks.StartAsync(new PlaybookRunRequest(watch.Playbook, watch.Connection, input) { RunId = runId }, caller, cancellationToken);
            }
            catch (EntradaValidationException ex)
            {
                // The item's values do not fit the playbook's inputs: it would fail every poll the same way.
                await MarkAsync(watch.Id, itemKey, "refused", cancellationToken);
                await audit.RecordAsync(caller, "playbook watch fire", watch.Connection, AuditOutcome.Failed, TimeSpan.Zero, details, ex.Message);
                return;
            }

            await audit.RecordAsync(caller, "playbook watch fire", watch.Connection, AuditOutcome.Succeeded, TimeSpan.Zero, details);
        }

        await MarkAsync(watch.Id, itemKey, "started", cancellationToken);
    }

    /// <summary>Records an item as seen; false, recording nothing, when the watch was removed meanwhile.</summary>
    private async Task<bool> RecordAsync(string watchId, string itemKey, string state, string? runId, string? sealedInput, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var insert = db.CreateCommand();
        insert.CommandText = "INSERT INTO playbook_watch_items (watch_id, item_key, state, run_id, input, seen_at) SELECT $watch, $key, $state, $run, $input, $at WHERE EXISTS (SELECT 1 FROM playbook_watches WHERE id = $watch);";
        insert.Parameters.AddWithValue("$watch", watchId);
        insert.Parameters.AddWithValue("$key", itemKey);
        insert.Parameters.AddWithValue("$state", state);
        insert.Parameters.AddWithValue("$run", (object?)runId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$input", (object?)sealedInput ?? DBNull.Value);
        insert.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task MarkAsync(string watchId, string itemKey, string state, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        // The sealed input is needed only while the item is pending.
        update.CommandText = "UPDATE playbook_watch_items SET state = $state, input = NULL, started_at = $at WHERE watch_id = $watch AND item_key = $key;";
        update.Parameters.AddWithValue("$watch", watchId);
        update.Parameters.AddWithValue("$key", itemKey);
        update.Parameters.AddWithValue("$state", state);
        update.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<(string Key, string RunId, string Input)>> PendingAsync(string watchId, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT item_key, run_id, input FROM playbook_watch_items WHERE watch_id = $watch AND state = 'pending' ORDER BY seen_at;";
        select.Parameters.AddWithValue("$watch", watchId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var pending = new List<(string, string, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return pending;
    }

    private async Task<HashSet<string>> KeysAsync(string watchId, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT item_key FROM playbook_watch_items WHERE watch_id = $watch;";
        select.Parameters.AddWithValue("$watch", watchId);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private async Task SetPolledAsync(string watchId, string? error, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var update = db.CreateCommand();
        // A failed first poll leaves polled_at unset, so the baseline is still taken by the first poll that works.
        update.CommandText = error is null
            ? "UPDATE playbook_watches SET polled_at = $at, poll_error = NULL WHERE id = $id;"
            : "UPDATE playbook_watches SET poll_error = $error WHERE id = $id;";
        update.Parameters.AddWithValue("$id", watchId);
        update.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        update.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task DeleteRowAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var delete = db.CreateCommand();
        delete.CommandText = "DELETE FROM playbook_watch_items WHERE watch_id = $id; DELETE FROM playbook_watches WHERE id = $id;";
        delete.Parameters.AddWithValue("$id", id);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<PlaybookWatch>> SelectAsync(string? id, string? playbook, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = """
            SELECT w.id, w.playbook, w.connection, w.action, w.action_input, w.every_seconds, w.map, w.key_expression, w.first_poll, w.created_at, w.created_by, w.polled_at, w.poll_error,
                   (SELECT COUNT(*) FROM playbook_watch_items i WHERE i.watch_id = w.id AND i.state = 'started'),
                   (SELECT COUNT(*) FROM playbook_watch_items i WHERE i.watch_id = w.id)
            FROM playbook_watches w
            WHERE ($id IS NULL OR w.id = $id) AND ($playbook IS NULL OR w.playbook = $playbook COLLATE NOCASE) ORDER BY w.created_at;
            """;
        select.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        select.Parameters.AddWithValue("$playbook", (object?)playbook ?? DBNull.Value);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var watches = new List<PlaybookWatch>();
        while (await reader.ReadAsync(cancellationToken))
        {
            watches.Add(Read(reader));
        }

        return watches;
    }

    private static PlaybookWatch Read(SqliteDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
        JsonNode.Parse(reader.GetString(4)) as JsonObject ?? [], reader.GetInt32(5), JsonNode.Parse(reader.GetString(6)) as JsonObject ?? [], reader.GetString(7),
        reader.GetString(8) == "handle" ? WatchFirstPoll.Handle : WatchFirstPoll.Baseline,
        DateTimeOffset.Parse(reader.GetString(9), CultureInfo.InvariantCulture), reader.IsDBNull(10) ? null : reader.GetString(10))
    {
        PolledAt = reader.IsDBNull(11) ? null : DateTimeOffset.Parse(reader.GetString(11), CultureInfo.InvariantCulture),
        PollError = reader.IsDBNull(12) ? null : reader.GetString(12),
        Started = reader.GetInt32(13),
        Seen = reader.GetInt32(14),
    };
}
