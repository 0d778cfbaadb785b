namespace Entrada.Core.Runners;

/// <summary>How the server works with its runners.</summary>
public sealed class RunnerOptions
{
    /// <summary>How often a runner sends a heartbeat.</summary>
    /// <value>Default 5 seconds.</value>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a runner holds its runs without a heartbeat: after that it is taken as lost, and
    /// a bulk job it held goes to another runner of its group, which resumes from the checkpoints.
    /// </summary>
    /// <value>Default 20 seconds.</value>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a run waits for a runner of its group before it fails.</summary>
    /// <value>Default 5 minutes.</value>
    public TimeSpan WaitTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a registration token can be used.</summary>
    /// <value>Default one hour.</value>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The problems with these options, each a sentence.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (HeartbeatInterval < TimeSpan.FromMilliseconds(200))
        {
            problems.Add("The runner heartbeat interval must be at least 200 ms.");
        }

        if (Lease < HeartbeatInterval * 2)
        {
            problems.Add("The runner lease must be at least twice the heartbeat interval.");
        }

        if (WaitTimeout <= TimeSpan.Zero || TokenLifetime <= TimeSpan.Zero)
        {
            problems.Add("The runner wait timeout and the token lifetime must be positive.");
        }

        return problems;
    }
}
