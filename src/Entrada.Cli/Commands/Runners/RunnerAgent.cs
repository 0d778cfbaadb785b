using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Jobs;
using Entrada.Core.Runners;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Entrada.Cli.Commands.Runners;

/// <summary>
/// The runner's side of the connection: it dials out to the server's hub (WebSockets, or long
/// polling where they are refused; through HTTPS_PROXY when set), proves itself with a fresh
/// signed proof on every connection, says hello with its protocol, sends heartbeats, runs what it
/// is handed through <see cref="RunnerExecutor"/>, and reconnects with back-off when the connection
/// is lost. What it was running when the connection dropped is stopped: the server hands a bulk job
/// on when the runner's lease lapses, and a second copy must not go on writing.
/// </summary>
internal sealed partial class RunnerAgent(RunnerExecutor executor, TimeProvider time, ILogger<RunnerAgent> logger)
{
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

    /// <summary>The version a runner reports.</summary>
    public static string Version => typeof(RunnerAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Runs until cancelled (0), or until the server refuses the runner (an exception with the reason).</summary>
    public async Task<int> RunAsync(RunnerIdentity identity, ECDsa key, RunnerTls tls, HttpTransportType transports, Action<string> say, CancellationToken cancellationToken)
    {
        var backOff = TimeSpan.FromSeconds(1);
        var hub = new Uri(new Uri(identity.Server), RunnerProtocol.HubPath);
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var connection = new HubConnectionBuilder()
                .WithUrl(hub, transports, o =>
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(RunnerCredentials.CreateProof(identity.Id, key, time.GetUtcNow()));
                    o.HttpMessageHandlerFactory = tls.Configure;
                    o.Proxy = RunnerTls.Proxy;
                    o.WebSocketConfiguration = ws =>
                    {
                        if (tls.WebSocketCallback is { } callback)
                        {
                            ws.RemoteCertificateValidationCallback = callback;
                        }

                        if (RunnerTls.Proxy is { } proxy)
                        {
                            ws.Proxy = proxy;
                        }
                    };
                })
                .Build();
            connection.ServerTimeout = TimeSpan.FromSeconds(60);
            var inflight = new ConcurrentDictionary<string, CancellationTokenSource>(StringComparer.Ordinal);
            var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.Closed += e =>
            {
                closed.TrySetResult(e);
                return Task.CompletedTask;
            };
            var uplink = new Uplink(connection);
            connection.On<RunnerAssignment>(RunnerProtocol.Execute, assignment =>
            {
                var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                inflight[assignment.Id] = cts;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var outcome = await executor.ExecuteAsync(assignment, uplink, cts.Token);
                        if (!closed.Task.IsCompleted)
                        {
                            await connection.InvokeAsync("Complete", outcome, CancellationToken.None);
                        }
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        LogOutcomeNotSent(logger, assignment.Id, ex);
                    }
                    finally
                    {
                        inflight.TryRemove(assignment.Id, out _);
                        cts.Dispose();
                    }
                }, CancellationToken.None);
            });
            connection.On<string>(RunnerProtocol.Cancel, id =>
            {
                if (inflight.TryGetValue(id, out var cts))
                {
                    cts.Cancel();
                }
            });

            try
            {
                await connection.StartAsync(cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new RunnerCommandException(ErrorKind.Authentication, $"The server {identity.Server} refused runner '{identity.Name}' ({identity.Id}): it was revoked or is not registered there. Register it again with a new token ('entrada runners token create' on the server, then 'entrada runner register').", ex);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or TimeoutException or System.Net.WebSockets.WebSocketException or InvalidOperationException or OperationCanceledException)
            {
                say($"Cannot reach {identity.Server} ({OneLine(ex)}); trying again in {backOff.TotalSeconds:0} s.");
                await DelayAsync(backOff, cancellationToken);
                backOff = Next(backOff);
                continue;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            RunnerWelcome welcome;
            try
            {
                welcome = await connection.InvokeAsync<RunnerWelcome>("Hello", new RunnerHello(RunnerProtocol.Version, Version), cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OutOfMemoryException)
            {
                say($"The connection to {identity.Server} closed before it was accepted ({OneLine(ex)}); trying again in {backOff.TotalSeconds:0} s.");
                await DelayAsync(backOff, cancellationToken);
                backOff = Next(backOff);
                continue;
            }

            if (!welcome.Accepted)
            {
                throw new RunnerCommandException(ErrorKind.Configuration, welcome.Message ?? $"The server refused this runner (it speaks runner protocol {welcome.Protocol}, this runner {RunnerProtocol.Version}).");
            }

            say($"Runner '{identity.Name}' ({identity.Id}) of group '{identity.Group}' connected to {identity.Server}; waiting for work.");
            LogConnected(logger, identity.Server, identity.Id);
            backOff = TimeSpan.FromSeconds(1);
            using var beating = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var heartbeat = HeartbeatAsync(connection, TimeSpan.FromSeconds(Math.Max(1, welcome.HeartbeatSeconds)), beating.Token);
            var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (cancellationToken.Register(() => cancelled.TrySetResult()))
            {
                await Task.WhenAny(closed.Task, cancelled.Task);
            }

            await beating.CancelAsync();
            foreach (var cts in inflight.Values)
            {
                // Nothing can be reported over a lost connection: stop, and let the lease hand it on.
                await cts.CancelAsync();
            }

            try
            {
                await heartbeat;
            }
            catch (OperationCanceledException)
            {
            }

            if (cancellationToken.IsCancellationRequested)
            {
                await connection.StopAsync(CancellationToken.None);
                break;
            }

            var reason = closed.Task.Result is { } error ? OneLine(error) : "closed by the server";
            say($"The connection to {identity.Server} was lost ({reason}); reconnecting in {backOff.TotalSeconds:0} s.");
            LogLost(logger, identity.Server, reason);
            await DelayAsync(backOff, cancellationToken);
            backOff = Next(backOff);
        }

        return 0;
    }

    private static async Task HeartbeatAsync(HubConnection connection, TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                await connection.InvokeAsync("Heartbeat", cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // A missed heartbeat is not fatal; a lost connection ends the loop above.
            }
        }
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Doubles up to 30 s, with up to 20 % jitter so that runners cut off together do not return together.
    private static TimeSpan Next(TimeSpan current) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxBackOff.TotalMilliseconds, current.TotalMilliseconds * 2) * (1 + (RandomNumberGenerator.GetInt32(0, 200) / 1000.0)));

    private static string OneLine(Exception ex) => ex.Message.ReplaceLineEndings(" ").Trim().TrimEnd('.');

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to {Server} as runner {RunnerId}")]
    private static partial void LogConnected(ILogger logger, string server, string runnerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connection to {Server} was lost: {Reason}")]
    private static partial void LogLost(ILogger logger, string server, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome of assignment {AssignmentId} could not be sent")]
    private static partial void LogOutcomeNotSent(ILogger logger, string assignmentId, Exception exception);

    private sealed class Uplink(HubConnection connection) : IRunnerUplink
    {
        public Task ItemAsync(string assignmentId, string item, CancellationToken cancellationToken) =>
            connection.SendAsync("Item", assignmentId, item, cancellationToken);

        public void Progress(string assignmentId, ActionProgress progress) =>
            _ = connection.SendAsync("Progress", assignmentId, progress, CancellationToken.None).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);

        public Task<bool> CheckpointAsync(string assignmentId, string jobId, IReadOnlyList<JobItem> items, CancellationToken cancellationToken) =>
            connection.InvokeAsync<bool>("Checkpoint", assignmentId, jobId, items.ToArray(), cancellationToken);
    }
}
