using System.Text.Json.Nodes;
using Entrada.Core.Secrets;

namespace Entrada.Core.Jobs;

/// <summary>
/// The input a job keeps to resume from. It is the exact input the run was given — a resume must
/// send what the person asked for, not a masked copy — so it may hold secrets, and is stored
/// encrypted like every other secret. Jobs stored before this read as the plain JSON they are.
/// </summary>
public sealed class JobInputs(SecretProtector protector)
{
    private const string Purpose = "Entrada.JobInput";
    private const string Prefix = "protected:";

    /// <summary>The stored form of a job's input.</summary>
    public string Seal(JsonNode? input) =>
        Prefix + protector.Protect(Purpose, new Dictionary<string, Secret> { ["input"] = new(input?.ToJsonString() ?? "{}") });

    /// <summary>The input of a stored job, as it was given.</summary>
    public JsonNode? Open(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Input.StartsWith(Prefix, StringComparison.Ordinal)
            ? JsonNode.Parse(protector.Unprotect(Purpose, job.Input[Prefix.Length..])["input"].Reveal())
            : JsonNode.Parse(job.Input);
    }
}
