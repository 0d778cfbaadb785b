using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Playbooks;
using Entrada.Server.Authentication;
using Entrada.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Entrada.Server.Apis;

/// <summary>A playbook as the API lists it.</summary>
internal sealed record PlaybookSummaryView(string? Id, string? Description, bool BuiltIn, int Steps, bool Valid, IReadOnlyList<PlaybookProblem> Problems, string? Href);

/// <summary>One step of a playbook.</summary>
internal sealed record PlaybookStepView(string Id, string Action, string? Description, string? When, string? Foreach, string? Connection, bool ContinueOnError, string? Approval, JsonObject Input);

/// <summary>A playbook with its inputs' JSON Schema, its steps and, with <c>?connection=</c>, its readiness.</summary>
internal sealed record PlaybookView(string Id, string Description, bool BuiltIn, JsonObject InputSchema, IReadOnlyList<PlaybookStepView> Steps, PlaybookReadiness? Readiness, string Source)
{
    public static PlaybookView From(PlaybookDefinition p, PlaybookReadiness? readiness) => new(
        p.Id,
        p.Description,
        p.BuiltIn,
        p.InputSchema(),
        [.. p.Steps.Select(s => new PlaybookStepView(s.Id, s.Action, s.Description, s.When, s.Foreach, s.Connection, s.ContinueOnError, s.ApprovalRequired ? "required" : null, s.Input))],
        readiness,
        p.Source);
}

/// <summary>The body of <c>POST /api/v1/playbooks/{id}/runs</c>.</summary>
internal sealed record PlaybookRunBody
{
    [Description("The connection its steps run on.")]
    public string? Connection { get; init; }
    [Description("The playbook's inputs, as its inputSchema describes.")]
    public JsonObject? Input { get; init; }
    [Description("Run the reads and plan every write of every step; send no change.")]
    public bool DryRun { get; init; }
}

/// <summary>The body of <c>POST /api/v1/playbooks/validate</c>.</summary>
internal sealed record PlaybookValidateBody
{
    [Description("The playbook's YAML.")]
    public string? Yaml { get; init; }
}

/// <summary>The body of <c>POST /api/v1/playbook-runs/{id}/reject</c>.</summary>
internal sealed record PlaybookRejectBody
{
    [Description("Why, for the audit log.")]
    public string? Reason { get; init; }
}

/// <summary>The body of <c>POST /api/v1/playbooks/{id}/hooks</c>.</summary>
internal sealed record PlaybookHookBody
{
    [Description("The connection the hook's runs use.")]
    public string? Connection { get; init; }
    [Description("The playbook's inputs as templates over the incoming JSON, read as body: {\"userIds\": \"${{ [body.userId] }}\"}.")]
    public JsonObject? Input { get; init; }
}

/// <summary>A hook just made, with its secret (shown only now).</summary>
internal sealed record PlaybookHookCreatedView(PlaybookHook Hook, [property: Description("The HMAC-SHA256 key to sign calls with; shown only now.")] string Secret);

/// <summary>A playbook's validation.</summary>
internal sealed record PlaybookValidationView(bool Valid, string? Id, IReadOnlyList<PlaybookProblem> Problems);

/// <summary>A playbook run and where it is shown.</summary>
internal sealed record PlaybookRunView(PlaybookRunRecord Run, string Href)
{
    public static string HrefOf(string id) => $"/api/v1/playbook-runs/{Uri.EscapeDataString(id)}";

    public static PlaybookRunView From(PlaybookRunRecord run) => new(
        run with { Steps = [.. run.Steps.Select(s => s with { Parts = s.Parts?.Select(p => p with { SealedInput = null }).ToList() })] },
        HrefOf(run.Id));
}

/// <summary>
/// <c>/api/v1/playbooks</c> and <c>/api/v1/playbook-runs</c>: list, show, validate and run
/// playbooks; follow a run's steps; resume, approve, reject or cancel it. Every call goes to
/// <see cref="PlaybookService"/>, which the CLI and the pages use too.
/// </summary>
internal static class PlaybooksApi
{
    public static RouteGroupBuilder MapPlaybooksApi(this RouteGroupBuilder api, ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var playbooks = api.MapGroup("/playbooks").WithTags("Playbooks");
        playbooks.MapGet("/", List).WithSummary("Lists the built-in playbooks and those in ENTRADA_HOME/playbooks.");
        playbooks.MapPost("/validate", Validate).WithSummary("Validates a playbook's YAML: every problem with its line and column.");
        playbooks.MapGet("/{id}", GetAsync).WithSummary("Gets a playbook with its inputs' JSON Schema and steps; with ?connection= tests it and gives each step's readiness.");
        playbooks.MapPost("/{id}/runs", RunAsync)
            .WithBodyLimit(settings.MaxRunBodySize)
            .WithSummary("Runs a playbook: 200 with the run when it ends (or waits for approval) quickly, otherwise 202 with the run to poll.");
        playbooks.MapPost("/{id}/hooks", CreateHookAsync).WithSummary("Makes a webhook that starts the playbook; the answer carries its secret, shown only now.");
        playbooks.MapGet("/{id}/hooks", ListHooksAsync).WithSummary("Lists the playbook's webhooks (never their secrets).");
        playbooks.MapPost("/{id}/hooks/{hookId}", TriggerAsync)
            .AllowAnonymous()
            .WithSummary("Starts the playbook from a signed webhook call: X-Entrada-Timestamp (Unix seconds, within 5 minutes) and X-Entrada-Signature: sha256=HMAC-SHA256(secret, TIMESTAMP + '.' + body) in hex; 202 with the run, 401 when the signature or timestamp is not right.");
        api.MapDelete("/playbook-hooks/{hookId}", DeleteHookAsync).WithTags("Playbooks").WithSummary("Removes a webhook; its URL stops working at once.");
        var runs = api.MapGroup("/playbook-runs").WithTags("Playbooks");
        runs.MapGet("/", ListRunsAsync).WithSummary("Lists playbook runs, newest first.");
        runs.MapGet("/{id}", GetRunAsync).WithSummary("Gets a playbook run: each step's status, counts, errors, output and approvals.");
        runs.MapPost("/{id}/resume", ResumeAsync).WithSummary("Goes on with an interrupted, failed or cancelled run from its checkpoints (in the background).");
        runs.MapPost("/{id}/approve", ApproveAsync).WithSummary("Approves the step the run waits on; the run goes on in the background.");
        runs.MapPost("/{id}/reject", RejectAsync).WithSummary("Rejects the step the run waits on; the run ends there.");
        runs.MapPost("/{id}/cancel", CancelAsync).WithSummary("Cancels a run this server runs; resuming goes on from where it stopped.");
        return playbooks;
    }

    private static Caller CallerOf(HttpContext http) => new(CallerInterface.Api, EntradaAuth.ActorOf(http.User));

    private static Ok<PlaybookSummaryView[]> List(PlaybookService playbooks) =>
        TypedResults.Ok(playbooks.List().Select(v => new PlaybookSummaryView(
            v.Definition?.Id, v.Definition?.Description, v.Definition?.BuiltIn ?? false, v.Definition?.Steps.Count ?? 0, v.IsValid, v.Problems,
            v.Definition is null ? null : $"/api/v1/playbooks/{Uri.EscapeDataString(v.Definition.Id)}")).ToArray());

    private static Ok<PlaybookValidationView> Validate(PlaybookValidateBody body, PlaybookService playbooks)
    {
        if (string.IsNullOrWhiteSpace(body.Yaml))
        {
            throw new EntradaValidationException("yaml", "Give the playbook's YAML in 'yaml'.");
        }

        var validation = playbooks.Validate(body.Yaml);
        return TypedResults.Ok(new PlaybookValidationView(validation.IsValid, validation.Definition?.Id, validation.Problems));
    }

    private static async Task<Ok<PlaybookView>> GetAsync(string id, string? connection, PlaybookService playbooks, HttpContext http, CancellationToken cancellationToken)
    {
        var playbook = ById(playbooks, id);
        var readiness = string.IsNullOrWhiteSpace(connection) ? null : await playbooks.ReadinessAsync(playbook.Id, connection, CallerOf(http), cancellationToken);
        return TypedResults.Ok(PlaybookView.From(playbook, readiness));
    }

    private static async Task<Results<Ok<PlaybookRunView>, Accepted<PlaybookRunView>>> RunAsync(string id, PlaybookRunBody body, PlaybookService playbooks, ServerSettings settings, HttpContext http, CancellationToken cancellationToken)
    {
        RequestLimits.CheckRun(body.Connection, body.Input, settings);
        var playbook = ById(playbooks, id);
        var started = await playbooks.StartAsync(new PlaybookRunRequest(playbook.Id, body.Connection, body.Input, body.DryRun), CallerOf(http), cancellationToken);
        return await AnswerAsync(playbooks, started.Id, settings, http, cancellationToken);
    }

    private static async Task<Ok<PlaybookRunView[]>> ListRunsAsync(string? playbook, int? limit, PlaybookService playbooks, CancellationToken cancellationToken) =>
        TypedResults.Ok((await playbooks.ListRunsAsync(playbook, limit ?? 50, cancellationToken)).Select(PlaybookRunView.From).ToArray());

    private static async Task<Ok<PlaybookRunView>> GetRunAsync(string id, PlaybookService playbooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(PlaybookRunView.From(await playbooks.GetRunAsync(id, cancellationToken)));

    private static async Task<Results<Ok<PlaybookRunView>, Accepted<PlaybookRunView>>> ResumeAsync(string id, PlaybookService playbooks, ServerSettings settings, HttpContext http, CancellationToken cancellationToken)
    {
        await playbooks.StartResumeAsync(id, CallerOf(http), cancellationToken);
        return await AnswerAsync(playbooks, id, settings, http, cancellationToken);
    }

    private static async Task<Results<Ok<PlaybookRunView>, Accepted<PlaybookRunView>>> ApproveAsync(string id, PlaybookService playbooks, ServerSettings settings, HttpContext http, CancellationToken cancellationToken)
    {
        await playbooks.StartApproveAsync(id, CallerOf(http), cancellationToken);
        return await AnswerAsync(playbooks, id, settings, http, cancellationToken);
    }

    private static async Task<Ok<PlaybookRunView>> RejectAsync(string id, PlaybookRejectBody? body, PlaybookService playbooks, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(PlaybookRunView.From(await playbooks.RejectAsync(id, CallerOf(http), body?.Reason, cancellationToken)));

    private static async Task<Ok<PlaybookRunView>> CancelAsync(string id, PlaybookService playbooks, CancellationToken cancellationToken) =>
        TypedResults.Ok(PlaybookRunView.From(await playbooks.CancelAsync(id, cancellationToken)));

    private static async Task<Created<PlaybookHookCreatedView>> CreateHookAsync(string id, PlaybookHookBody body, PlaybookHookService hooks, PlaybookService playbooks, HttpContext http, CancellationToken cancellationToken)
    {
        var playbook = ById(playbooks, id);
        var created = await hooks.CreateAsync(playbook.Id, body.Connection, body.Input, CallerOf(http), cancellationToken);
        return TypedResults.Created(created.Hook.Path, new PlaybookHookCreatedView(created.Hook, created.Secret.Reveal()));
    }

    private static async Task<Ok<PlaybookHook[]>> ListHooksAsync(string id, PlaybookHookService hooks, PlaybookService playbooks, CancellationToken cancellationToken) =>
        TypedResults.Ok((await hooks.ListAsync(ById(playbooks, id).Id, cancellationToken)).ToArray());

    private static async Task<NoContent> DeleteHookAsync(string hookId, PlaybookHookService hooks, HttpContext http, CancellationToken cancellationToken)
    {
        await hooks.DeleteAsync(hookId, CallerOf(http), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<PlaybookRunView>, UnauthorizedHttpResult>> TriggerAsync(string id, string hookId, PlaybookHookService hooks, HttpContext http, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        try
        {
            var run = await hooks.TriggerAsync(id, hookId, http.Request.Headers["X-Entrada-Timestamp"].FirstOrDefault(), http.Request.Headers["X-Entrada-Signature"].FirstOrDefault(), buffer.ToArray(), cancellationToken);
            return TypedResults.Accepted(PlaybookRunView.HrefOf(run.Id), PlaybookRunView.From(run));
        }
        catch (PlaybookHookRefusedException)
        {
            return TypedResults.Unauthorized();
        }
    }

    /// <summary>200 with the run once it has ended or waits for approval within the wait; otherwise 202 with the run to poll.</summary>
    private static async Task<Results<Ok<PlaybookRunView>, Accepted<PlaybookRunView>>> AnswerAsync(PlaybookService playbooks, string id, ServerSettings settings, HttpContext http, CancellationToken cancellationToken)
    {
        var respondAsync = http.Request.Headers["Prefer"].Any(p => p?.Contains("respond-async", StringComparison.OrdinalIgnoreCase) == true);
        var run = await playbooks.WaitAsync(id, respondAsync ? TimeSpan.Zero : settings.RunWait, cancellationToken);
        if (run.Status == PlaybookRunStatus.Running)
        {
            http.Response.Headers.RetryAfter = "1";
            return TypedResults.Accepted(PlaybookRunView.HrefOf(id), PlaybookRunView.From(run));
        }

        return TypedResults.Ok(PlaybookRunView.From(run));
    }

    /// <summary>Only playbooks of the library by id: the API does not read files by path.</summary>
    private static PlaybookDefinition ById(PlaybookService playbooks, string id)
    {
        if (id.Contains('/', StringComparison.Ordinal) || id.Contains('\\', StringComparison.Ordinal) || id.Contains('.', StringComparison.Ordinal))
        {
            throw new PlaybookNotFoundException(id, []);
        }

        return playbooks.Get(id);
    }
}
