using Entrada.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Entrada.Core.Playbooks.Triggers;

/// <summary>
/// The Quartz.NET scheduler that fires schedules and polls watches, on Quartz's ADO job store in
/// Entrada's own SQLite database (the <c>QRTZ_*</c> tables of schema step 12).
/// </summary>
/// <remarks>
/// <para>
/// Every process builds the same scheduler (name <see cref="SchedulerName"/>) over the same store,
/// so a CLI command that adds a schedule writes its Quartz job and trigger into the very rows the
/// server's scheduler reads. Only <c>entrada serve</c> <em>starts</em> its scheduler
/// (<see cref="StartAsync"/>); everywhere else it stays in standby and only stores. A started
/// scheduler finds a trigger added by another process at its next look at the store, which it
/// makes every <see cref="IdleWaitTime"/> when nothing is due.
/// </para>
/// <para>
/// Quartz refuses to cluster on SQLite (it serializes in process rather than by row locks), so the
/// store is not clustered and its instance id is fixed; two started schedulers on one database
/// would both fire. The one that starts first holds <c>ENTRADA_HOME/triggers.lock</c> (an exclusive
/// file lock, let go when its process ends however it ends); another <c>serve</c> on the same home
/// then serves everything but the triggers, and says so in its log. The multi-node work replaces
/// the lock with Quartz's clustering on a server database.
/// </para>
/// </remarks>
/// <para>
/// Quartz's own services (its options, factory, store and thread pool) are built on the first call
/// that needs the scheduler, in a container of their own whose jobs come from this one: a process
/// that never touches a schedule or a watch — every <c>entrada run</c> — registers, compiles and
/// builds none of it.
/// </para>
public sealed partial class PlaybookTriggerScheduler(EntradaDatabase database, IServiceProvider services, ILoggerFactory loggers, ILogger<PlaybookTriggerScheduler> logger) : IAsyncDisposable, IDisposable
{
    /// <summary>The scheduler's name, the <c>SCHED_NAME</c> of every row it writes.</summary>
    public const string SchedulerName = "Entrada";

    /// <summary>How often a started scheduler with nothing due looks at the store again (Quartz's minimum is a second).</summary>
    public static readonly TimeSpan IdleWaitTime = TimeSpan.FromSeconds(2);

    internal const string ScheduleGroup = "playbook-schedules";
    internal const string WatchGroup = "playbook-watches";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private FileStream? _lock;
    private IScheduler? _started;
    private ServiceProvider? _quartz;
    private int _disposed;

    /// <summary>The scheduler, standing by unless this process started it.</summary>
    public async Task<IScheduler> GetAsync(CancellationToken cancellationToken)
    {
        // The schema first: Quartz checks its tables when the scheduler is built.
        await (await database.OpenAsync(cancellationToken)).DisposeAsync();
        return await QuartzServices().GetRequiredService<ISchedulerFactory>().GetScheduler(cancellationToken);
    }

    private ServiceProvider QuartzServices()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _quartz) is { } built)
        {
            return built;
        }

        var quartz = PlaybookTriggerServices.BuildQuartz(database.ConnectionString, services, loggers);
        if (Interlocked.CompareExchange(ref _quartz, quartz, null) is { } raced)
        {
            quartz.Dispose();
            return raced;
        }

        return quartz;
    }

    /// <summary>Starts firing, unless another process on this home already does; true when this one fires.</summary>
    public async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_started is not null)
            {
                return true;
            }

            try
            {
                _lock = new FileStream(Path.Combine(database.Home.Path, "triggers.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                LogAnotherProcessFires(logger, database.Home.Path);
                return false;
            }

            var scheduler = await GetAsync(cancellationToken);
            await scheduler.Start(cancellationToken);
            _started = scheduler;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops firing: waits for the jobs in flight (a fire or a poll), then lets go of the lock.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_started is { } scheduler)
            {
                await scheduler.Shutdown(waitForJobsToComplete: true);
                _started = null;
            }

            if (_lock is not null)
            {
                await _lock.DisposeAsync();
                _lock = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync();
        if (_quartz is { } quartz)
        {
            await quartz.DisposeAsync();
        }

        _gate.Dispose();
    }

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "Another Entrada process fires the schedules and watches of {Home}; this one does not.")]
    private static partial void LogAnotherProcessFires(ILogger logger, string home);
}

/// <summary>Registers the trigger scheduler and its services; Quartz's own are built when first needed.</summary>
internal static class PlaybookTriggerServices
{
    public static IServiceCollection AddPlaybookTriggers(this IServiceCollection services)
    {
        services.AddSingleton<PlaybookTriggerScheduler>();
        services.AddSingleton<PlaybookScheduleService>();
        services.AddSingleton<PlaybookWatchService>();
        return services;
    }

    /// <summary>Quartz's container: the persistent store in Entrada's database, and the two jobs made from the application's services.</summary>
    internal static ServiceProvider BuildQuartz(string connectionString, IServiceProvider application, ILoggerFactory loggers)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggers);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = PlaybookTriggerScheduler.SchedulerName;
                o.InstanceId = "entrada";
                o.IdleWaitTime = PlaybookTriggerScheduler.IdleWaitTime;
            });
            q.UseDefaultThreadPool(4);
            q.UsePersistentStore(s =>
            {
                s.UseSqlite(connectionString);
                s.UseSystemTextJsonSerializer();
                s.ConfigureStore(o =>
                {
                    // Only ids go into job data, as strings: nothing of a playbook's input is in Quartz's rows.
                    o.StoreJobDataAsStrings = true;
                    o.MisfireThreshold = TimeSpan.FromSeconds(30);
                });
            });
        });
        services.AddTransient(_ => new PlaybookScheduleJob(application.GetRequiredService<PlaybookScheduleService>()));
        services.AddTransient(_ => new PlaybookWatchJob(application.GetRequiredService<PlaybookWatchService>()));
        return services.BuildServiceProvider();
    }
}

/// <summary>A schedule's fire: starts its playbook.</summary>
internal sealed class PlaybookScheduleJob(PlaybookScheduleService schedules) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await schedules.FireAsync(context.JobDetail.Key.Name, context.ScheduledFireTimeUtc ?? context.FireTimeUtc, context.FireTimeUtc, cancellationToken);
}

/// <summary>A watch's poll; one at a time per watch.</summary>
[DisallowConcurrentExecution]
internal sealed class PlaybookWatchJob(PlaybookWatchService watches) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await watches.PollAsync(context.JobDetail.Key.Name, cancellationToken);
}
