using Entrada.Core;
using Entrada.Core.Playbooks;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages.Playbooks;

internal sealed class RunModel(PlaybookService playbooks) : EntradaPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = string.Empty;

    [BindProperty]
    public string? Reason { get; set; }

    public PlaybookRunRecord? Run { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Run = await playbooks.GetRunAsync(Id, cancellationToken);
            return Page();
        }
        catch (PlaybookRunNotFoundException ex)
        {
            Message = ex.Message;
            var page = Page();
            page.StatusCode = 404;
            return page;
        }
    }

    public Task<IActionResult> OnPostApproveAsync(CancellationToken cancellationToken) => ActAsync(ct => playbooks.StartApproveAsync(Id, Caller, ct), cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(CancellationToken cancellationToken) => ActAsync(ct => playbooks.RejectAsync(Id, Caller, string.IsNullOrWhiteSpace(Reason) ? null : Reason, ct), cancellationToken);

    public Task<IActionResult> OnPostResumeAsync(CancellationToken cancellationToken) => ActAsync(ct => playbooks.StartResumeAsync(Id, Caller, ct), cancellationToken);

    private async Task<IActionResult> ActAsync(Func<CancellationToken, Task<PlaybookRunRecord>> act, CancellationToken cancellationToken)
    {
        try
        {
            await act(cancellationToken);
            await playbooks.WaitAsync(Id, TimeSpan.FromSeconds(2), cancellationToken);
            return Redirect($"/playbook-runs/{Id}");
        }
        catch (EntradaException ex)
        {
            Fail(ex);
            Run = await playbooks.GetRunAsync(Id, cancellationToken);
            return Page();
        }
    }
}
