using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Graph.Client;

namespace Entrada.Graph.Tests.Bulk;

/// <summary>A <see cref="GraphRun"/> of a Graph action on a connection to Graph's global cloud that never sends anything: for the parts that only read the run.</summary>
internal sealed class OfflineRun : IDisposable
{
    private readonly GraphClientCache _clients = new(TimeProvider.System);

    public OfflineRun(ActionDescriptor action, bool dryRun = false)
    {
        var connection = new Connection
        {
            Name = "offline",
            Method = ConnectionMethod.AppRegistration,
            AppRegistration = new AppRegistrationSettings("11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222", new Secret("s"), null),
        };
        Context = new GraphActionContext(new ActionContext(connection, Entrada.Core.Caller.Cli()) { DryRun = dryRun }, _clients.Get(connection));
        Run = new GraphRun(Context, action);
    }

    public GraphActionContext Context { get; }

    public GraphRun Run { get; }

    public void Dispose() => _clients.Dispose();
}
