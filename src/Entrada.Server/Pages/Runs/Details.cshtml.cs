using Entrada.Core.Runs;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages.Runs;

internal sealed class DetailsModel(RunService runs) : EntradaPageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = string.Empty;

    public RunRecord? Run { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Run = await runs.GetAsync(Id, cancellationToken);
            return Page();
        }
        catch (RunNotFoundException ex)
        {
            Message = ex.Message;
            var page = Page();
            page.StatusCode = 404;
            return page;
        }
    }
}
