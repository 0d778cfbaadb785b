using Entrada.Core.Actions;
using Entrada.Core.Jobs;
using Entrada.Core.Runners;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Entrada.Server.Runners;

/// <summary>
/// The hub runners connect to (outbound, from their network: the server never opens a connection
/// to a runner). It only passes what a runner says to <see cref="RunnerDispatcher"/>, which keeps
/// the state; the runner's identity comes from its signed proof (<see cref="RunnerAuthenticationHandler"/>).
/// </summary>
[Authorize(Policy = RunnerAuth.Policy)]
internal sealed class RunnerHub(RunnerDispatcher dispatcher, RunnerStore store) : Hub
{
    /// <summary>The runner's first message: its protocol and version. A protocol that differs is refused, and the connection closed.</summary>
    public async Task<RunnerWelcome> Hello(RunnerHello hello)
    {
        var runner = await store.FindAsync(RunnerId, Context.ConnectionAborted);
        if (runner is not { Active: true })
        {
            Context.Abort();
            return new RunnerWelcome(false, RunnerProtocol.Version, "This runner was revoked.", RunnerId, null, 0);
        }

        var context = Context;
        var address = context.GetHttpContext()?.Connection.RemoteIpAddress?.ToString();
        var welcome = await dispatcher.HelloAsync(context.ConnectionId, runner, hello, address, context.Abort);
        if (!welcome.Accepted)
        {
            // The answer goes out first, so that the runner can say why; then the connection closes.
            _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ => context.Abort(), TaskScheduler.Default);
        }

        return welcome;
    }

    /// <summary>A heartbeat: renews the runner's lease on its runs.</summary>
    public Task Heartbeat() => dispatcher.HeartbeatAsync(Context.ConnectionId);

    /// <summary>An item of a list action.</summary>
    public Task Item(string assignmentId, string item) => dispatcher.ItemAsync(Context.ConnectionId, assignmentId, item).AsTask();

    /// <summary>Progress of an assignment.</summary>
    public void Progress(string assignmentId, ActionProgress progress) => dispatcher.Progress(Context.ConnectionId, assignmentId, progress);

    /// <summary>A checkpoint of a bulk job; answers whether someone asked to cancel the job.</summary>
    public Task<bool> Checkpoint(string assignmentId, string jobId, JobItem[] items) => dispatcher.CheckpointAsync(Context.ConnectionId, assignmentId, jobId, items);

    /// <summary>The outcome of an assignment.</summary>
    public void Complete(RunnerOutcome outcome) => dispatcher.Complete(Context.ConnectionId, outcome);

    /// <inheritdoc />
    public override Task OnDisconnectedAsync(Exception? exception) => dispatcher.DisconnectedAsync(Context.ConnectionId);

    private string RunnerId => Context.User?.FindFirst(RunnerAuth.RunnerIdClaim)?.Value ?? throw new HubException("Not a runner.");
}

/// <summary>Hands assignments to runners through the hub.</summary>
internal sealed class SignalRRunnerChannel(IHubContext<RunnerHub> hub) : IRunnerChannel
{
    public Task ExecuteAsync(string connectionId, RunnerAssignment assignment, CancellationToken cancellationToken) =>
        hub.Clients.Client(connectionId).SendAsync(RunnerProtocol.Execute, assignment, cancellationToken);

    public Task CancelAsync(string connectionId, string assignmentId, CancellationToken cancellationToken) =>
        hub.Clients.Client(connectionId).SendAsync(RunnerProtocol.Cancel, assignmentId, cancellationToken);
}
