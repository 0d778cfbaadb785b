using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Core.Playbooks;
using Entrada.Core.Playbooks.Triggers;
using Entrada.Server.Hosting;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages.Playbooks;

internal sealed class DetailsModel(PlaybookService playbooks, ConnectionService connections, ServerSettings settings, PlaybookScheduleService schedules, PlaybookWatchService watches) : EntradaPageModel
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

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken) ? Page() : NotFoundPage();

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
        return true;
    }
}
