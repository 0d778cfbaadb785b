using Entrada.Core.Connections;
using Entrada.Core;
using Entrada.Core.Diagnostics;
using Entrada.Server.Apis;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages.Connections;

internal sealed class NewModel(ConnectionService connections, DraftSecrets drafts) : EntradaPageModel
{
    [BindProperty]
    public ConnectionForm Form { get; set; } = new();

    public ConnectionTestReport? Report { get; private set; }

    public ConnectionFieldsModel Fields => new(Form, Errors, IsEdit: false, Existing: null, drafts.Find(Form.DraftId, Owner));

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostTestAsync(CancellationToken cancellationToken)
    {
        var body = await Form.ToBodyAsync(drafts.Find(Form.DraftId, Owner), includeName: true, cancellationToken);
        Form.DraftId = drafts.Keep(Form.DraftId, Owner, body);
        try
        {
            Report = await connections.TestUnsavedAsync(body.ToRequest(), Caller, cancellationToken);
            Message = Report.Authenticated
                ? "Test finished: see the readiness report below, then create the connection."
                : "The test could not authenticate: see the report below.";
            MessageIsError = !Report.Authenticated;
        }
        catch (EntradaException ex)
        {
            Fail(ex);
        }

        Form.ClearSecrets();
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var body = await Form.ToBodyAsync(drafts.Find(Form.DraftId, Owner), includeName: true, cancellationToken);
        try
        {
            var connection = (await connections.AddAsync(body.ToRequest(), Caller, null, cancellationToken)).Connection;
            drafts.Forget(Form.DraftId);
            return Redirect(ConnectionPages.PathOf(connection.Name) + "?created=true");
        }
        catch (EntradaException ex)
        {
            Form.DraftId = drafts.Keep(Form.DraftId, Owner, body);
            Fail(ex);
            Form.ClearSecrets();
            return Page();
        }
    }
}
