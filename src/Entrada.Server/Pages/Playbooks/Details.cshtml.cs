using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Playbooks;
using Entrada.Core.Playbooks.Triggers;
using Entrada.Server.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages.Playbooks;

/// <summary>
/// A playbook's page: its steps, the form that runs it, its schedules and watches — listed, added
/// and removed through the same services as the CLI's and the API's — and its recent runs.
/// </summary>
internal sealed partial class DetailsModel(PlaybookService playbooks, ConnectionService connections, ServerSettings settings, PlaybookScheduleService schedules, PlaybookWatchService watches, ActionCatalog catalog) : EntradaPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public string? Connection { get; set; }

    [BindProperty]
    public bool DryRun { get; set; }

    public PlaybookDefinition? Playbook { get; private set; }

    public IReadOnlyList<SchemaField> Fields { get; private set; } = [];

    public IReadOnlyList<string> Connections { get; private set; } = [];

    public JsonObject? Input { get; private set; }

    public IReadOnlyList<PlaybookRunRecord> Runs { get; private set; } = [];

    public IReadOnlyList<PlaybookSchedule> Schedules { get; private set; } = [];

    public IReadOnlyList<PlaybookWatch> Watches { get; private set; } = [];

    /// <summary>The list actions a watch can poll.</summary>
    public IReadOnlyList<string> ListActions { get; private set; } = [];

    /// <summary>What the trigger forms were posted with, to fill them again after an error.</summary>
    public IReadOnlyDictionary<string, string> Posted { get; private set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The posted value of a trigger form's field, or <paramref name="fallback"/>.</summary>
    public string? PostedOr(string name, string? fallback = null) => Posted.TryGetValue(name, out var value) ? value : fallback;

    public async Task<IActionResult> OnGetAsync(string? added, string? removed, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFoundPage();
        }

        // After a change the page is shown again by a redirect, so reloading it repeats nothing.
        Message = (Schedules.FirstOrDefault(s => s.Id == added), Watches.FirstOrDefault(w => w.Id == added)) switch
        {
            ({ } s, _) => $"Schedule {s.Id} added: {s.Cron} ({s.TimeZone}) on {s.Connection}. It fires while entrada serve runs.",
            (_, { } w) => $"Watch {w.Id} added: {w.Action} every {w.EverySeconds} s on {w.Connection}. It polls while entrada serve runs.",
            _ when removed is not null && TriggerId().IsMatch(removed) && !Schedules.Any(s => s.Id == removed) && !Watches.Any(w => w.Id == removed) =>
                removed.StartsWith("sch_", StringComparison.Ordinal) ? $"Schedule {removed} removed: it does not fire again." : $"Watch {removed} removed, with its record of the items it had seen.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostRunAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFoundPage();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Input = SchemaForm.Read(Fields, Request.Form, errors);
        if (errors.Count > 0 || string.IsNullOrWhiteSpace(Connection))
        {
            if (string.IsNullOrWhiteSpace(Connection))
            {
                errors["connection"] = ["Choose the connection to run on."];
            }

            Errors = errors;
            Message = "Please correct the fields marked below.";
            MessageIsError = true;
            return Page();
        }

        try
        {
            var run = await playbooks.StartAsync(new PlaybookRunRequest(Playbook!.Id, Connection, Input, DryRun), Caller, cancellationToken);
            await playbooks.WaitAsync(run.Id, settings.RunWait, cancellationToken);
            return Redirect($"/playbook-runs/{run.Id}");
        }
        catch (EntradaException ex)
        {
            Fail(ex);
            return Page();
        }
    }

    public async Task<IActionResult> OnPostScheduleAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFoundPage();
        }

        return await ChangeTriggersAsync("schedule", async () =>
        {
            var schedule = await schedules.CreateAsync(Playbook!.Id, Form("schedule.connection"), Form("schedule.cron"), Form("schedule.timeZone"), JsonObjectOf("schedule.input", "input"), Caller, cancellationToken);
            return "added=" + schedule.Id;
        }, cancellationToken);
    }

    public async Task<IActionResult> OnPostWatchAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFoundPage();
        }

        return await ChangeTriggersAsync("watch", async () =>
        {
            var every = Form("watch.everySeconds");
            if (!int.TryParse(every, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                throw new EntradaValidationException("every", string.IsNullOrEmpty(every) ? "Give the seconds between polls, e.g. 300." : $"The seconds between polls are a whole number, not '{every}'.");
            }

            var watch = await watches.CreateAsync(Playbook!.Id, Form("watch.connection"), Form("watch.action"), JsonObjectOf("watch.actionInput", "actionInput"), TimeSpan.FromSeconds(seconds), JsonObjectOf("watch.map", "map"), Form("watch.key"), PlaybookWatchService.ParseFirstPoll(Form("watch.firstPoll")), Caller, cancellationToken);
            return "added=" + watch.Id;
        }, cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveScheduleAsync(string triggerId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFoundPage();
        }

        return await ChangeTriggersAsync("schedule", async () =>
        {
            await schedules.DeleteAsync(Mine(Schedules.Select(s => s.Id), triggerId, "schedule"), Caller, cancellationToken);
            return "removed=" + triggerId;
        }, cancellationToken);
    }

    public async Task<IActionResult> OnPostRemoveWatchAsync(string triggerId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return NotFoundPage();
        }

        return await ChangeTriggersAsync("watch", async () =>
        {
            await watches.DeleteAsync(Mine(Watches.Select(w => w.Id), triggerId, "watch"), Caller, cancellationToken);
            return "removed=" + triggerId;
        }, cancellationToken);
    }

    /// <summary>
    /// Makes one change to the triggers, then redirects to the page with what changed in its query
    /// (<c>added=ID</c> or <c>removed=ID</c>), so that a reload repeats nothing. A refusal shows the
    /// page again with the fields of the <paramref name="form"/> that was posted marked (its errors
    /// are keyed <c>form.field</c>, so they never mark the run form's fields of the same name).
    /// </summary>
    private async Task<IActionResult> ChangeTriggersAsync(string form, Func<Task<string>> change, CancellationToken cancellationToken)
    {
        try
        {
            var query = await change();
            return Redirect($"/playbooks/{Uri.EscapeDataString(Playbook!.Id)}?{query}#playbook-triggers");
        }
        catch (EntradaException ex)
        {
            Posted = Request.Form.Keys.Where(k => k.StartsWith(form + ".", StringComparison.Ordinal) && !HoldsSecret(k, Request.Form[k].ToString()))
                .ToDictionary(k => k, k => Request.Form[k].ToString(), StringComparer.Ordinal);
            Fail(ex);
            if (Errors.Count > 0)
            {
                // Marked beside its field when the form has it; said in the message when it has not
                // (a list action's own input field, e.g. 'select'), so no refusal goes unseen.
                var byField = Errors.GroupBy(e => $"{form}.{SchemaForm.FieldOfErrorKey(e.Key)}", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray(), StringComparer.Ordinal);
                Errors = byField.Where(e => TriggerFields.Contains(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
                var unmarked = byField.Where(e => !TriggerFields.Contains(e.Key)).SelectMany(e => e.Value).ToList();
                Message = $"The {form} was not added. " + string.Join(" ", unmarked.Append(Errors.Count > 0 ? "Please correct the fields marked below." : string.Empty)).Trim();
            }

            Schedules = await schedules.ListAsync(Playbook!.Id, cancellationToken);
            Watches = await watches.ListAsync(Playbook.Id, cancellationToken);
            return Page();
        }
    }

    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A trigger's JSON as people read it (<c>'</c>, not <c>\u0027</c>); the page encodes it as HTML.</summary>
    public static string Shown(JsonNode node) => node.ToJsonString(Readable);

    [System.Text.RegularExpressions.GeneratedRegex("^(sch|wat)_[0-9a-f]{16}$")]
    private static partial System.Text.RegularExpressions.Regex TriggerId();

    /// <summary>The fields of the trigger forms, by the keys their errors come under.</summary>
    private static readonly HashSet<string> TriggerFields = new(
        ["schedule.connection", "schedule.cron", "schedule.timeZone", "schedule.input", "watch.connection", "watch.action", "watch.actionInput", "watch.every", "watch.map", "watch.key", "watch.firstPoll"],
        StringComparer.Ordinal);

    /// <summary>
    /// Whether a posted JSON field holds a secret — a playbook input that is one, or a field the run
    /// masking would mask — so that a refused form never shows it back in the page.
    /// </summary>
    private bool HoldsSecret(string name, string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return false;
        }

        if (node is not JsonObject posted)
        {
            return false;
        }

        var descriptor = name == "watch.actionInput" && Form("watch.action") is { } action ? catalog.Find(action)?.Descriptor : null;
        var secretInputs = name is "schedule.input" or "watch.map" ? Playbook!.Inputs.Where(i => i.IsSecret).Select(i => i.Name).ToHashSet(StringComparer.Ordinal) : [];
        return posted.Any(p => secretInputs.Contains(p.Key)) || !JsonNode.DeepEquals(posted, Core.Secrets.SecretMasking.MaskInput(descriptor, posted));
    }

    private string? Form(string name) => Request.Form[name].FirstOrDefault()?.Trim() is { Length: > 0 } value ? value : null;

    /// <summary>A form field holding a JSON object, or nothing when empty.</summary>
    private JsonObject? JsonObjectOf(string name, string field)
    {
        if (Form(name) is not { } text)
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new EntradaValidationException(field, $"'{field}' is a JSON object, such as {{\"userIds\": [\"…\"]}}.");
        }
        catch (JsonException ex)
        {
            throw new EntradaValidationException(field, $"'{field}' is not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Only this playbook's triggers are removed from its page.</summary>
    private static string Mine(IEnumerable<string> ids, string id, string kind) =>
        ids.Contains(id, StringComparer.Ordinal) ? id : throw new PlaybookTriggerNotFoundException(kind, id);

    private IActionResult NotFoundPage()
    {
        var page = Page();
        page.StatusCode = 404;
        return page;
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        Connections = [.. (await connections.ListAsync(cancellationToken)).Select(c => c.Name)];
        try
        {
            if (Id.Contains('/', StringComparison.Ordinal) || Id.Contains('.', StringComparison.Ordinal))
            {
                throw new PlaybookNotFoundException(Id, []);
            }

            Playbook = playbooks.Get(Id);
        }
        catch (EntradaException ex)
        {
            Message = ex.Message;
            MessageIsError = true;
            return false;
        }

        Fields = SchemaForm.FieldsOf(Playbook.InputSchema());
        Runs = await playbooks.ListRunsAsync(Playbook.Id, 20, cancellationToken);
        Schedules = await schedules.ListAsync(Playbook.Id, cancellationToken);
        Watches = await watches.ListAsync(Playbook.Id, cancellationToken);
        ListActions = [.. catalog.All.Where(a => a.Descriptor.IsList).Select(a => a.Descriptor.Id)];
        return true;
    }
}
