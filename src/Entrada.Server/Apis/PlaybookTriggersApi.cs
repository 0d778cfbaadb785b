using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Playbooks;
using Entrada.Core.Playbooks.Triggers;
using Entrada.Server.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Server.Apis;

/// <summary>The body of <c>POST /api/v1/playbooks/{id}/schedules</c>.</summary>
internal sealed record PlaybookScheduleBody
{
    [Description("The connection the schedule's runs use.")]
    public string? Connection { get; init; }
    [Description("A cron expression: 5 fields (minute hour day-of-month month day-of-week, e.g. '0 7 * * 1-5') or Quartz's 6 or 7 with seconds first.")]
    public string? Cron { get; init; }
    [Description("The time zone the expression is read in (IANA id); UTC when absent.")]
    public string? TimeZone { get; init; }
    [Description("The playbook's inputs: values, or templates over schedule (id, scheduledAt, firedAt).")]
    public JsonObject? Input { get; init; }
}

/// <summary>The body of <c>POST /api/v1/playbooks/{id}/watches</c>.</summary>
internal sealed record PlaybookWatchBody
{
    [Description("The connection the watch polls and runs on.")]
    public string? Connection { get; init; }
    [Description("The list action polled, e.g. risky-users.list.")]
    public string? Action { get; init; }
    [Description("The list action's input, e.g. {\"filter\": \"riskLevel eq 'high'\"}.")]
    public JsonObject? ActionInput { get; init; }
    [Description("Seconds between polls (at least 1).")]
    public int? EverySeconds { get; init; }
    [Description("The playbook's inputs as templates over the new item: {\"userIds\": \"${{ [item.id] }}\"}.")]
    public JsonObject? Map { get; init; }
    [Description("The JMESPath expression over the item that identifies it, e.g. id or userPrincipalName; id when absent.")]
    public string? Key { get; init; }
    [Description("What the first poll does with the items already there: baseline (record them, start nothing; the default) or handle (start a run for each).")]
    public string? FirstPoll { get; init; }
}

/// <summary>
/// <c>/api/v1/playbooks/{id}/schedules</c> and <c>/watches</c>, <c>/api/v1/playbook-schedules/{id}</c>
/// and <c>/api/v1/playbook-watches/{id}</c>: the triggers that start a playbook on a cron
/// expression or for each new item of a list action. The same services as the CLI's.
/// </summary>
internal static class PlaybookTriggersApi
{
    public static RouteGroupBuilder MapPlaybookTriggersApi(this RouteGroupBuilder api)
    {
        var playbooks = api.MapGroup("/playbooks").WithTags("Playbooks");
        playbooks.MapPost("/{id}/schedules", CreateScheduleAsync).WithSummary("Makes a schedule that starts the playbook on a cron expression while the server runs; a bad expression is a 400 naming the field.");
        playbooks.MapGet("/{id}/schedules", ListSchedulesAsync).WithSummary("Lists the playbook's schedules with their next fire times.");
        playbooks.MapPost("/{id}/watches", CreateWatchAsync).WithSummary("Makes a watch that polls a list action and starts the playbook once for each new item.");
        playbooks.MapGet("/{id}/watches", ListWatchesAsync).WithSummary("Lists the playbook's watches with what they have seen and started.");
        api.MapDelete("/playbook-schedules/{scheduleId}", DeleteScheduleAsync).WithTags("Playbooks").WithSummary("Removes a schedule; it does not fire again.");
        api.MapDelete("/playbook-watches/{watchId}", DeleteWatchAsync).WithTags("Playbooks").WithSummary("Removes a watch and its record of the items it has seen.");
        return playbooks;
    }

    private static Caller CallerOf(HttpContext http) => new(CallerInterface.Api, EntradaAuth.ActorOf(http.User));

    private static async Task<Created<PlaybookSchedule>> CreateScheduleAsync(string id, PlaybookScheduleBody body, PlaybookScheduleService schedules, PlaybookService playbooks, HttpContext http, CancellationToken cancellationToken)
    {
        var schedule = await schedules.CreateAsync(ById(playbooks, id).Id, body.Connection, body.Cron, body.TimeZone, body.Input, CallerOf(http), cancellationToken);
        return TypedResults.Created($"/api/v1/playbooks/{Uri.EscapeDataString(schedule.Playbook)}/schedules", schedule);
    }

    private static async Task<Ok<PlaybookSchedule[]>> ListSchedulesAsync(string id, PlaybookScheduleService schedules, PlaybookService playbooks, CancellationToken cancellationToken) =>
        TypedResults.Ok((await schedules.ListAsync(ById(playbooks, id).Id, cancellationToken)).ToArray());

    private static async Task<NoContent> DeleteScheduleAsync(string scheduleId, PlaybookScheduleService schedules, HttpContext http, CancellationToken cancellationToken)
    {
        await schedules.DeleteAsync(scheduleId, CallerOf(http), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Created<PlaybookWatch>> CreateWatchAsync(string id, PlaybookWatchBody body, PlaybookWatchService watches, PlaybookService playbooks, HttpContext http, CancellationToken cancellationToken)
    {
        var firstPoll = PlaybookWatchService.ParseFirstPoll(body.FirstPoll);
        if (body.EverySeconds is null)
        {
            throw new EntradaValidationException("everySeconds", "Give the seconds between polls in 'everySeconds', e.g. 300.");
        }

        var watch = await watches.CreateAsync(ById(playbooks, id).Id, body.Connection, body.Action, body.ActionInput, TimeSpan.FromSeconds(body.EverySeconds.Value), body.Map, body.Key, firstPoll, CallerOf(http), cancellationToken);
        return TypedResults.Created($"/api/v1/playbooks/{Uri.EscapeDataString(watch.Playbook)}/watches", watch);
    }

    private static async Task<Ok<PlaybookWatch[]>> ListWatchesAsync(string id, PlaybookWatchService watches, PlaybookService playbooks, CancellationToken cancellationToken) =>
        TypedResults.Ok((await watches.ListAsync(ById(playbooks, id).Id, cancellationToken)).ToArray());

    private static async Task<NoContent> DeleteWatchAsync(string watchId, PlaybookWatchService watches, HttpContext http, CancellationToken cancellationToken)
    {
        await watches.DeleteAsync(watchId, CallerOf(http), cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>Only playbooks of the library by id, as for the other playbook endpoints.</summary>
    private static PlaybookDefinition ById(PlaybookService playbooks, string id)
    {
        if (id.Contains('/', StringComparison.Ordinal) || id.Contains('\\', StringComparison.Ordinal) || id.Contains('.', StringComparison.Ordinal))
        {
            throw new PlaybookNotFoundException(id, []);
        }

        return playbooks.Get(id);
    }
}
