using Entrada.Core.Connections;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Diagnostics;
using Entrada.Server.Apis;
using Entrada.Server.Hosting;
using Entrada.Core.Runs;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages.Actions;

/// <summary>An action in the chooser, with its readiness when known.</summary>
internal sealed record ActionChoice(ActionDescriptor Descriptor, ActionReadiness? Readiness)
{
    public string Label => Readiness switch
    {
        { Ready: true } => $"{Descriptor.Id} — ready",
        { Ready: false } => $"{Descriptor.Id} — not ready",
        _ => Descriptor.Id,
    };
}

internal static class IndexModelHelpers
{
    public static string MethodName(string method) => Connections.IndexModel.MethodName(method);
}

internal sealed class IndexModel(ActionCatalog catalog, ConnectionService connections, RunService runs, ServerSettings settings) : EntradaPageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Connection { get; set; }

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionId { get; set; }

    [BindProperty]
    public bool DryRun { get; set; }

    public IReadOnlyList<ConnectionView> Connections { get; private set; } = [];

    public IReadOnlyList<ActionChoice> Actions { get; private set; } = [];

    public ConnectionTestReport? Report { get; private set; }

    public ActionDescriptor? Selected { get; private set; }

    public ActionReadiness? SelectedReadiness { get; private set; }

    public IReadOnlyList<SchemaField> Fields { get; private set; } = [];

    public JsonObject? Input { get; private set; }

    public RunRecord? Run { get; private set; }

    public IReadOnlyList<RunRecord> History { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostRunAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Selected is null || Connection is null)
        {
            Message = "Choose a connection and an action first.";
            MessageIsError = true;
            return Page();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Input = SchemaForm.Read(Fields, Request.Form, errors);
        if (errors.Count > 0)
        {
            Errors = errors;
            Message = "Please correct the fields marked below.";
            MessageIsError = true;
            return Page();
        }

        try
        {
            var active = await runs.StartAsync(new RunRequest(Selected.Id, Connection, Input, Selected.Destructive && DryRun), Caller, cancellationToken);
            var finished = await RunService.WaitAsync(active, settings.RunWait, cancellationToken);
            if (finished is null)
            {
                return Redirect($"/runs/{active.Record.Id}");
            }

            Run = finished;
            if (finished.Problem?.Errors is { Count: > 0 } fieldErrors)
            {
                Errors = fieldErrors.GroupBy(e => SchemaForm.FieldOfErrorKey(e.Key), StringComparer.Ordinal)
                    .ToDictionary(g => Fields.Any(f => f.Name == g.Key) ? g.Key : "input", g => g.SelectMany(e => e.Value).ToArray(), StringComparer.Ordinal);
            }
        }
        catch (EntradaException ex)
        {
            Fail(ex);
        }

        History = await runs.ListAsync(Connection, null, 20, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Connections = [.. (await connections.ListAsync(cancellationToken)).Select(ConnectionView.From)];
        var connection = Connections.FirstOrDefault(c => string.Equals(c.Name, Connection, StringComparison.OrdinalIgnoreCase));
        Connection = connection?.Name;
        Report = Connection is null ? null : connections.LastReport(Connection);
        var isLdap = connection?.Method == "ldap";
        Actions = [.. catalog.All
            .Where(a => connection is null || (a.Descriptor.Target == ActionTarget.Ldap) == isLdap)
            .Select(a => new ActionChoice(a.Descriptor, Report?.Actions.FirstOrDefault(r => string.Equals(r.ActionId, a.Descriptor.Id, StringComparison.OrdinalIgnoreCase))))];
        var choice = Actions.FirstOrDefault(a => string.Equals(a.Descriptor.Id, ActionId, StringComparison.OrdinalIgnoreCase));
        if (choice is not null && Connection is not null)
        {
            Selected = choice.Descriptor;
            SelectedReadiness = choice.Readiness;
            ActionId = Selected.Id;
            Fields = SchemaForm.FieldsOf(ActionInput.SchemaOf(Selected.InputType));
        }

        History = await runs.ListAsync(Connection, null, 20, cancellationToken);
    }
}
