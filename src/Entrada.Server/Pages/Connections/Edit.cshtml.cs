using Entrada.Core;
using Entrada.Core.Testing;
using Entrada.Server.Apis;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Entrada.Server.Pages.Connections;

internal sealed class EditModel(ConnectionService connections) : EntradaPageModel
{
    [BindProperty(SupportsGet = false)]
    public ConnectionForm Form { get; set; } = new();

    [BindProperty]
    public bool ConfirmDelete { get; set; }

    public ConnectionView? Existing { get; private set; }

    public ConnectionTestReport? Report { get; private set; }

    public ConnectionFieldsModel Fields => new(Form, Errors, IsEdit: true, Existing, Draft: null);

    public async Task<IActionResult> OnGetAsync(string name, bool? created, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        Form = ConnectionForm.From(Existing!);
        Report = connections.LastReport(Existing!.Name);
        if (created == true)
        {
            Message = $"Connection '{Existing.Name}' created.";
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        Form.Method = Existing!.Method;
        var body = await Form.ToBodyAsync(null, includeName: false, cancellationToken);
        try
        {
            // The name field is read-only; a different name that reaches here is refused by the factory.
            var request = body.ToRequest() with { Name = string.IsNullOrEmpty(Form.Name) ? null : Form.Name };
            var updated = await connections.UpdateAsync(Existing.Name, request, Caller, cancellationToken);
            Existing = ConnectionView.From(updated);
            Form = ConnectionForm.From(Existing);
            Message = "Changes saved. Re-test the connection to see what is ready now.";
        }
        catch (EntradaException ex)
        {
            Fail(ex);
            Form.ClearSecrets();
        }

        return Page();
    }

    public async Task<IActionResult> OnPostTestAsync(string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        try
        {
            Report = await connections.TestSavedAsync(Existing!.Name, Caller, cancellationToken);
            await LoadAsync(name, cancellationToken);
        }
        catch (EntradaException ex)
        {
            Fail(ex);
        }

        Form = ConnectionForm.From(Existing!);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string name, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(name, cancellationToken))
        {
            return NotFoundPage();
        }

        Form = ConnectionForm.From(Existing!);
        if (!ConfirmDelete)
        {
            Errors["confirmDelete"] = ["Tick the box to confirm that the connection should be deleted."];
            Message = "The connection was not deleted.";
            MessageIsError = true;
            return Page();
        }

        await connections.DeleteAsync(Existing!.Name, Caller, cancellationToken);
        return Redirect("/connections");
    }

    private async Task<bool> LoadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            Existing = ConnectionView.From(await connections.GetAsync(name, cancellationToken));
            return true;
        }
        catch (ConnectionNotFoundException ex)
        {
            Message = ex.Message;
            return false;
        }
    }

    private PageResult NotFoundPage()
    {
        Existing = null;
        var page = Page();
        page.StatusCode = 404;
        return page;
    }
}
