using Entrada.Core.Connections;
using Entrada.Server.Apis;

namespace Entrada.Server.Pages.Connections;

internal sealed class IndexModel(ConnectionService connections) : EntradaPageModel
{
    public IReadOnlyList<ConnectionView> Connections { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Connections = [.. (await connections.ListAsync(cancellationToken)).Select(ConnectionView.From)];

    public static string MethodName(string method) => method switch
    {
        "app-registration" => "App Registration",
        "oauth" => "OAuth",
        _ => "LDAP",
    };
}
