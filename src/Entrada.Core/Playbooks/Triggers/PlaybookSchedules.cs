using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Storage;
using Quartz;

namespace Entrada.Core.Playbooks.Triggers;

/// <summary>A schedule that starts a playbook on a cron expression.</summary>
/// <param name="Id">Its id (<c>sch_…</c>); runs it starts have the actor <c>schedule:ID</c>.</param>
/// <param name="Playbook">The playbook it starts.</param>
/// <param name="Connection">The connection the runs use.</param>
/// <param name="Cron">The cron expression as given.</param>
/// <param name="QuartzCron">The same in Quartz's form (seconds first).</param>
/// <param name="TimeZone">The zone the expression is read in.</param>
/// <param name="Input">The inputs, literal or templates over <c>schedule</c> (<c>id</c>, <c>scheduledAt</c>, <c>firedAt</c>).</param>
/// <param name="CreatedAt">When it was made.</param>
/// <param name="CreatedBy">Who made it.</param>
public sealed record PlaybookSchedule(string Id, string Playbook, string Connection, string Cron, string QuartzCron, string TimeZone, JsonObject Input, DateTimeOffset CreatedAt, string? CreatedBy)
{
    /// <summary>When it fires next (computed from the expression; it fires only while <c>entrada serve</c> runs).</summary>
    public DateTimeOffset? NextFireAt { get; init; }
}

/// <summary>
/// Schedules: a playbook started on a cron expression by Quartz.NET, whose job and trigger live in
/// the persistent store beside Entrada's row for the schedule. A fire that was due while no server
/// ran (or while it was stopped) is made up once when the server starts again, then the schedule
/// goes on from the next time the expression gives (Quartz's fire-and-proceed misfire policy).
/// </summary>
public sealed class PlaybookScheduleService(EntradaDatabase database, PlaybookTriggerScheduler scheduler, PlaybookService playbooks, ConnectionStore connections, AuditLog audit, TimeProvider time)
{
    /// <summary>Makes a schedule; its cron, time zone and inputs are checked first, and nothing is stored when one is wrong.</summary>
    public async Task<PlaybookSchedule> CreateAsync(string playbook, string? connection, string? cron, string? timeZone, JsonObject? input, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var definition = playbooks.Get(playbook);
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new EntradaValidationException("connection", "Name the connection the schedule's runs use.");
        }

        if (string.IsNullOrWhiteSpace(cron))
        {
            throw new EntradaValidationException("cron", "Give the schedule's cron expression, e.g. '0 7 * * 1-5' (07:00 on weekdays).");
        }

        var quartzCron = PlaybookCron.ToQuartz(cron);
        var zone = PlaybookCron.Zone(timeZone);
        var templates = PlaybookTriggerInputs.Check(definition, input, "input");
        var found = await connections.GetAsync(connection.Trim(), cancellationToken);
        var schedule = new PlaybookSchedule(
            "sch_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), definition.Id, found.Name, cron.Trim(), quartzCron, zone.Id, templates, time.GetUtcNow(), $"{caller.Interface.ToWire()}:{caller.Actor}");

        await using (var db = await database.OpenAsync(cancellationToken))
        await using (var insert = db.CreateCommand())
        {
            insert.CommandText = "INSERT INTO playbook_schedules (id, playbook, connection, cron, quartz_cron, time_zone, input, created_at, created_by) VALUES ($id, $playbook, $connection, $cron, $quartz, $zone, $input, $at, $by);";
            insert.Parameters.AddWithValue("$id", schedule.Id);
            insert.Parameters.AddWithValue("$playbook", schedule.Playbook);
            insert.Parameters.AddWithValue("$connection", schedule.Connection);
            insert.Parameters.AddWithValue("$cron", schedule.Cron);
            insert.Parameters.AddWithValue("$quartz", schedule.QuartzCron);
            insert.Parameters.AddWithValue("$zone", schedule.TimeZone);
            insert.Parameters.AddWithValue("$input", schedule.Input.ToJsonString());
            insert.Parameters.AddWithValue("$at", schedule.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$by", (object?)schedule.CreatedBy ?? DBNull.Value);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            var quartz = await scheduler.GetAsync(cancellationToken);
            var job = JobBuilder.Create<PlaybookScheduleJob>().WithIdentity(schedule.Id, PlaybookTriggerScheduler.ScheduleGroup).WithDescription($"playbook {schedule.Playbook}").Build();
            var trigger = TriggerBuilder.Create()
                .WithIdentity(schedule.Id, PlaybookTriggerScheduler.ScheduleGroup)
                .ForJob(job)
                .WithCronSchedule(quartzCron, b => b.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .Build();
            await quartz.ScheduleJob(job, trigger, cancellationToken: cancellationToken);
        }
        catch
        {
            await DeleteRowAsync(schedule.Id, CancellationToken.None);
            throw;
        }

        await audit.RecordAsync(caller, "playbook schedule create", schedule.Connection, AuditOutcome.Succeeded, TimeSpan.Zero, new JsonObject { ["schedule"] = schedule.Id, ["playbook"] = schedule.Playbook, ["cron"] = schedule.Cron, ["timeZone"] = schedule.TimeZone });
        return WithNext(schedule);
    }

    /// <summary>The schedules, optionally of one playbook.</summary>
    public async Task<IReadOnlyList<PlaybookSchedule>> ListAsync(string? playbook, CancellationToken cancellationToken) =>
        [.. (await SelectAsync(null, playbook, cancellationToken)).Select(WithNext)];

    /// <summary>Removes a schedule: its trigger first, so it cannot fire again.</summary>
    public async Task DeleteAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        var found = (await SelectAsync(id ?? string.Empty, null, cancellationToken)).FirstOrDefault() ?? throw new PlaybookTriggerNotFoundException("schedule", id ?? string.Empty);
        var quartz = await scheduler.GetAsync(cancellationToken);
        await quartz.DeleteJob(new JobKey(found.Id, PlaybookTriggerScheduler.ScheduleGroup), cancellationToken);
        await DeleteRowAsync(found.Id, cancellationToken);
        await audit.RecordAsync(caller, "playbook schedule remove", found.Connection, AuditOutcome.Succeeded, TimeSpan.Zero, new JsonObject { ["schedule"] = found.Id, ["playbook"] = found.Playbook });
    }

    /// <summary>A fire: maps the inputs and starts the run as <c>schedule:ID</c>; audited whatever the outcome.</summary>
    internal async Task FireAsync(string id, DateTimeOffset scheduledAt, DateTimeOffset firedAt, CancellationToken cancellationToken)
    {
        var schedule = (await SelectAsync(id, null, cancellationToken)).FirstOrDefault();
        var caller = new Caller(CallerInterface.Api, "schedule:" + id);
        if (schedule is null)
        {
            // Removed by a process that could not reach the trigger: this one does.
            await (await scheduler.GetAsync(cancellationToken)).DeleteJob(new JobKey(id, PlaybookTriggerScheduler.ScheduleGroup), cancellationToken);
            return;
        }

        var details = new JsonObject
        {
            ["schedule"] = id,
            ["playbook"] = schedule.Playbook,
            ["scheduledAt"] = scheduledAt.ToString("O", CultureInfo.InvariantCulture),
            ["firedAt"] = firedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        try
        {
            var document = new Newtonsoft.Json.Linq.JObject
            {
                ["schedule"] = new Newtonsoft.Json.Linq.JObject
                {
                    ["id"] = id,
                    ["scheduledAt"] = scheduledAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    ["firedAt"] = firedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                },
            };
            var input = PlaybookTriggerInputs.Evaluate(schedule.Input, document);
            var run = await playbooks.StartAsync(new PlaybookRunRequest(schedule.Playbook, schedule.Connection, input), caller, cancellationToken);
            details["run"] = run.Id;
            await audit.RecordAsync(caller, "playbook schedule fire", schedule.Connection, AuditOutcome.Succeeded, TimeSpan.Zero, details);
        }
        catch (EntradaException ex)
        {
            await audit.RecordAsync(caller, "playbook schedule fire", schedule.Connection, AuditOutcome.Failed, TimeSpan.Zero, details, ex.Message);
        }
    }

    private PlaybookSchedule WithNext(PlaybookSchedule schedule) =>
        schedule with { NextFireAt = PlaybookCron.NextAfter(schedule.QuartzCron, PlaybookCron.Zone(schedule.TimeZone), time.GetUtcNow()) };

    private async Task DeleteRowAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var delete = db.CreateCommand();
        delete.CommandText = "DELETE FROM playbook_schedules WHERE id = $id;";
        delete.Parameters.AddWithValue("$id", id);
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<PlaybookSchedule>> SelectAsync(string? id, string? playbook, CancellationToken cancellationToken)
    {
        await using var db = await database.OpenAsync(cancellationToken);
        await using var select = db.CreateCommand();
        select.CommandText = "SELECT id, playbook, connection, cron, quartz_cron, time_zone, input, created_at, created_by FROM playbook_schedules WHERE ($id IS NULL OR id = $id) AND ($playbook IS NULL OR playbook = $playbook COLLATE NOCASE) ORDER BY created_at;";
        select.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
        select.Parameters.AddWithValue("$playbook", (object?)playbook ?? DBNull.Value);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var schedules = new List<PlaybookSchedule>();
        while (await reader.ReadAsync(cancellationToken))
        {
            schedules.Add(new PlaybookSchedule(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                JsonNode.Parse(reader.GetString(6)) as JsonObject ?? [], DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return schedules;
    }
}

/// <summary>No schedule or watch has the id.</summary>
public sealed class PlaybookTriggerNotFoundException(string kind, string id)
    : EntradaException($"There is no playbook {kind} '{id}'; list the {(kind == "watch" ? "watches" : kind + "s")} to see their ids.")
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}
