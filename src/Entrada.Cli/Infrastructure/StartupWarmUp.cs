using Entrada.Core.Diagnostics;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// The start-up work of <c>entrada run</c> that does not depend on the command line: opening the
/// database (SQLite's native library, the schema check) and reading and decrypting the key ring
/// (Data Protection's XML, the key's decryption). Each run needs both before its first Graph request
/// (the connection's settings and secrets, the kept token); started on the thread pool as soon as
/// the services are built, they overlap the parsing of the command line, the composition of the
/// command and the action catalogue, instead of following them. The run's own calls then find both
/// done, or wait for them under SQLite's and Data Protection's own locks. A failure here is left to
/// those calls to report, with their messages, so the warm-up never throws; and it never makes a
/// file: a home without a database or without keys is left for the run to set up, as before.
/// </summary>
internal static class StartupWarmUp
{
    /// <summary>Whether the command line is one that this warm-up serves: <c>entrada run …</c>.</summary>
    public static bool Serves(IReadOnlyList<string> args) => args.Count > 0 && args[0] == "run";

    /// <summary>Starts the warm-up on <paramref name="services"/>; the task completes when both parts are over, whatever their outcome.</summary>
    public static Task Start(IServiceProvider services) => Task.WhenAll(
        Task.Run(async () =>
        {
            // Only a database that exists (a first run makes it itself, after its input is checked):
            // the warm-up never makes a file. A pooled connection: the run's first OpenAsync takes
            // this one back, already open.
            if (File.Exists(services.GetRequiredService<EntradaHome>().DatabasePath))
            {
                await using var connection = await services.GetRequiredService<EntradaDatabase>().OpenAsync(CancellationToken.None);
            }
        }),
        Task.Run(() =>
        {
            services.GetRequiredService<SecretProtector>().LoadKeyRing();
            StartupTimeline.Mark("key ring loaded (warm-up)");
        })).ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
