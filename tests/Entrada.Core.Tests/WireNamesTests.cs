using Entrada.Core.Audit;
using Entrada.Core.Jobs;
using Entrada.Core.Runs;

namespace Entrada.Core.Tests;

public sealed class WireNamesTests
{
    [Fact]
    public void TheStoredNamesOfEveryState_AreTheOnesEarlierVersionsWrote()
    {
        WireNames.All<JobStatus>().ShouldBe(["running", "completed", "failed", "cancelled", "interrupted"]);
        WireNames.All<JobItemState>().ShouldBe(["pending", "done", "unchanged", "failed"]);
        WireNames.All<RunStatus>().ShouldBe(["running", "succeeded", "failed", "cancelled", "interrupted", "waiting-for-runner"]);
        WireNames.All<AuditOutcome>().ShouldBe(["succeeded", "failed", "cancelled", "dry-run"]);
        WireNames.All<CallerInterface>().ShouldBe(["cli", "api", "web"]);
    }

    [Fact]
    public void EveryErrorKind_HasAUniqueWireName_ThatReadsBack()
    {
        var names = WireNames.All<ErrorKind>();
        names.Count.ShouldBe(Enum.GetValues<ErrorKind>().Length);
        names.Distinct().Count().ShouldBe(names.Count);
        foreach (var kind in Enum.GetValues<ErrorKind>())
        {
            WireNames.ParseWire<ErrorKind>(kind.ToWire()).ShouldBe(kind);
        }
    }

    [Fact]
    public void AnUnknownStoredName_FailsLoudly_AndTryParseSaysNo()
    {
        Should.Throw<FormatException>(() => WireNames.ParseWire<RunStatus>("exploded")).Message.ShouldContain("'exploded'");
        WireNames.TryParseWire<AuditOutcome>("DRY-RUN", out var outcome).ShouldBeTrue();
        outcome.ShouldBe(AuditOutcome.DryRun);
        WireNames.TryParseWire<AuditOutcome>(null, out _).ShouldBeFalse();
    }

    [Fact]
    public void StatesSerialiseAsTheirWireNames_WithDefaultJsonOptions() =>
        System.Text.Json.JsonSerializer.Serialize(new { s = AuditOutcome.DryRun, j = JobStatus.Interrupted }).ShouldBe("""{"s":"dry-run","j":"interrupted"}""");
}
