using System.Text.Json.Serialization;

namespace Entrada.Core.Runs;

/// <summary>The states of a run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>Still running.</summary>
    [JsonStringEnumMemberName("running")]
    Running,
    /// <summary>It finished and did what was asked (or, in a dry run, planned it).</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,
    /// <summary>It failed; the run's problem says why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
    /// <summary>It was cancelled.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
    /// <summary>The process that ran it stopped while it ran.</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,
    /// <summary>Its connection is run by a runner group, and no runner of the group has taken it yet.</summary>
    [JsonStringEnumMemberName("waiting-for-runner")]
    WaitingForRunner,
}
