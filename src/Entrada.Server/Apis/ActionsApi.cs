using Entrada.Core.Connections;
using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Diagnostics;
using Entrada.Server.Authentication;
using Entrada.Server.Hosting;
using Entrada.Core.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Server.Apis;

/// <summary>An action as the API lists it, with its readiness when a connection was given.</summary>
internal sealed record ActionView
{
    public required string Id { get; init; }
    public required string Description { get; init; }
    [Description("graph or ldap: the connections it runs on.")]
    public required string Target { get; init; }
    public string? Call { get; init; }
    [Description("The least-privileged permission it needs.")]
    public string? Permission { get; init; }
    public IReadOnlyList<string>? HigherPermissions { get; init; }
    [Description("Whether it changes state (then it supports dryRun).")]
    public bool Destructive { get; init; }
    [Description("Whether it takes many targets at once.")]
    public bool Bulk { get; init; }
    [Description("Whether its output is a list of items.")]
    public bool List { get; init; }
    [Description("The input's JSON Schema.")]
    public required JsonNode InputSchema { get; init; }
    public JsonObject? Example { get; init; }
    [Description("With ?connection=: whether it is ready on that connection.")]
    public bool? Ready { get; init; }
    [Description("With ?connection=: why it is not ready and what to grant.")]
    public string? Reason { get; init; }
    public string? MissingPermission { get; init; }

    public static ActionView From(ActionDescriptor d, ActionReadiness? readiness) => new()
    {
        Id = d.Id,
        Description = d.Description,
        Target = d.Target == ActionTarget.Graph ? "graph" : "ldap",
        Call = d.Call,
        Permission = d.Permission?.Least,
        HigherPermissions = d.Permission?.Higher,
        Destructive = d.Destructive,
        Bulk = d.Bulk,
        List = d.IsList,
        InputSchema = ActionInput.SchemaOf(d.InputType),
        Example = d.Example?.DeepClone().AsObject(),
        Ready = readiness?.Ready,
        Reason = readiness?.Reason,
        MissingPermission = readiness?.MissingPermission,
    };
}

/// <summary>The body of <c>POST /api/v1/actions/{id}/runs</c>.</summary>
internal sealed record RunBody
{
    [Description("The connection to run on.")]
    public string? Connection { get; init; }
    [Description("The action's input, as its inputSchema describes.")]
    public JsonObject? Input { get; init; }
    [Description("For actions that change state: send nothing, report the exact requests.")]
    public bool DryRun { get; init; }
}

/// <summary><c>/api/v1/actions</c>: the catalogue, and running an action.</summary>
internal static class ActionsApi
{
    public static RouteGroupBuilder MapActionsApi(this RouteGroupBuilder api, ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var group = api.MapGroup("/actions").WithTags("Actions");
        group.MapGet("/", ListAsync).WithSummary("Lists actions; with ?connection= tests it and says which are ready.");
        group.MapGet("/{id}", Get).WithSummary("Gets one action with its input schema.");
        group.MapPost("/{id}/runs", RunAsync)
            .WithBodyLimit(settings.MaxRunBodySize)
            .WithSummary("Runs an action: 200 with the result when it finishes quickly, otherwise 202 with the run to poll. 'Prefer: respond-async' always answers 202.");
        return group;
    }

    private static async Task<Ok<ActionView[]>> ListAsync(string? connection, ActionCatalog catalog, ConnectionService connections, HttpContext http, CancellationToken cancellationToken)
    {
        ConnectionTestReport? report = null;
        if (!string.IsNullOrWhiteSpace(connection))
        {
            report = await connections.TestAsync(connection, new Caller(CallerInterface.Api, EntradaAuth.ActorOf(http.User)), cancellationToken);
            if (!report.Authenticated)
            {
                throw new AuthenticationFailedException(report.Error ?? $"Connection '{report.Connection}' could not authenticate.", report.ErrorCode);
            }
        }

        var actions = catalog.All
            .Select(a => (a.Descriptor, Readiness: report?.Actions.FirstOrDefault(r => string.Equals(r.ActionId, a.Descriptor.Id, StringComparison.OrdinalIgnoreCase))))
            .Where(a => report is null || a.Readiness is not null)
            .Select(a => ActionView.From(a.Descriptor, a.Readiness))
            .ToArray();
        return TypedResults.Ok(actions);
    }

    private static Ok<ActionView> Get(string id, ActionCatalog catalog) =>
        TypedResults.Ok(ActionView.From(catalog.Get(id).Descriptor, null));

    private static async Task<Results<Ok<RunView>, Accepted<RunView>, ProblemHttpResult>> RunAsync(
        string id,
        RunBody body,
        RunService runs,
        ServerSettings settings,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        RequestLimits.CheckRun(body.Connection, body.Input, settings);
        var active = await runs.StartAsync(new RunRequest(id, body.Connection, body.Input, body.DryRun), new Caller(CallerInterface.Api, EntradaAuth.ActorOf(http.User)), cancellationToken);
        var respondAsync = http.Request.Headers["Prefer"].Any(p => p?.Contains("respond-async", StringComparison.OrdinalIgnoreCase) == true);
        var finished = await RunService.WaitAsync(active, respondAsync ? TimeSpan.Zero : settings.RunWait, cancellationToken);
        var location = RunView.HrefOf(active.Record.Id);
        if (finished is null)
        {
            http.Response.Headers.RetryAfter = "1";
            return TypedResults.Accepted(location, RunView.From(active.Snapshot()));
        }

        if (finished.Problem is { } problem)
        {
            http.Response.Headers.Location = location;
            return TypedResults.Problem(RunView.ProblemOf(finished, problem));
        }

        return TypedResults.Ok(RunView.From(finished));
    }
}
