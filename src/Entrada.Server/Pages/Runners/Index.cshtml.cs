using Entrada.Core;
using Entrada.Core.Runners;
using Microsoft.AspNetCore.Mvc;

namespace Entrada.Server.Pages.Runners;

/// <summary>The Runners page: every runner with its state, a registration token for a group, revocation.</summary>
internal sealed class IndexModel(RunnerService runners) : EntradaPageModel
{
    public IReadOnlyList<RunnerView> Runners { get; private set; } = [];

    [BindProperty]
    public string? Group { get; set; }

    /// <summary>A token just made: shown once, on this response only.</summary>
    public RunnerToken? Token { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => Runners = await runners.ListAsync(cancellationToken);

    public async Task<IActionResult> OnPostTokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            Token = await runners.CreateTokenAsync(Group, Caller, cancellationToken);
        }
        catch (EntradaException ex)
        {
            Fail(ex);
        }

        Runners = await runners.ListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var revoked = await runners.RevokeAsync(id, Caller, cancellationToken);
            Message = $"Runner '{revoked.Name}' ({revoked.Id}) revoked: it is refused from now on.";
        }
        catch (EntradaException ex)
        {
            Fail(ex);
        }

        Runners = await runners.ListAsync(cancellationToken);
        return Page();
    }
}
