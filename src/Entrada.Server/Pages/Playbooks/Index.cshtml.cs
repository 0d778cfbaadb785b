using Entrada.Core.Playbooks;

namespace Entrada.Server.Pages.Playbooks;

internal sealed class IndexModel(PlaybookService playbooks) : EntradaPageModel
{
    public IReadOnlyList<PlaybookValidation> Playbooks { get; private set; } = [];

    public IReadOnlyList<PlaybookRunRecord> Runs { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Playbooks = playbooks.List();
        Runs = await playbooks.ListRunsAsync(null, 20, cancellationToken);
    }
}
