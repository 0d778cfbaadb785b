using System.Text.Json.Serialization;

namespace Entrada.Core.Jobs;

/// <summary>The states of a job.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    /// <summary>A process is working on it.</summary>
    [JsonStringEnumMemberName("running")]
    Running,
    /// <summary>Every item finished (done, unchanged or failed).</summary>
    [JsonStringEnumMemberName("completed")]
    Completed,
    /// <summary>It stopped on an error that concerns the whole job (permission, authentication).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
    /// <summary>Cancelled by a person; finished items stay recorded.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
    /// <summary>Its process ended without finishing (killed, crashed); resume it.</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,
}

/// <summary>The states of one item of a job.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobItemState>))]
public enum JobItemState
{
    /// <summary>Not finished yet.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,
    /// <summary>The change was made.</summary>
    [JsonStringEnumMemberName("done")]
    Done,
    /// <summary>Nothing needed to change.</summary>
    [JsonStringEnumMemberName("unchanged")]
    Unchanged,
    /// <summary>It failed for good; the message says why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>Facts about job states.</summary>
public static class JobStates
{
    /// <summary>Whether an item's state is final.</summary>
    public static bool IsFinal(this JobItemState state) => state is JobItemState.Done or JobItemState.Unchanged or JobItemState.Failed;
}
