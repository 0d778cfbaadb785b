using Entrada.Graph.Bulk;
using Entrada.Graph.Users;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tests.Bulk;

public sealed class BatchPlannerTests
{
    [Fact]
    public async Task ADryRun_RecordsEachBatchExactlyAsItWouldBeSent_AndSendsNothing()
    {
        using var offline = new OfflineRun(new DisableUsersAction().Descriptor, dryRun: true);
        var run = offline.Run;
        var steps = Enumerable.Range(0, 45).Select(i => new BatchStep(BatchCodec.StepId(i), run.Client.Users[$"u{i}"].ToPatchRequestInformation(new User { AccountEnabled = false }))).ToList();

        // Through the engine's entry point: a dry run never reaches the scheduler (the offline
        // connection's credential could not get a token, so anything sent would fail).
        var answers = await GraphBatch.SendAsync(run, steps, CancellationToken.None);

        answers.ShouldBeEmpty();
        var planned = offline.Context.PlannedRequests.ToList();
        planned.ShouldAllBe(p => p.Method == "POST" && p.Target == "https://graph.microsoft.com/v1.0/$batch");
        planned.Select(p => p.Body!["requests"]!.AsArray().Count).ShouldBe([20, 20, 5]);
        var first = planned[0].Body!["requests"]![0]!;
        (first["id"]!.GetValue<string>(), first["method"]!.GetValue<string>(), first["url"]!.GetValue<string>()).ShouldBe(("0", "PATCH", "/users/u0"));
        first["body"]!["accountEnabled"]!.GetValue<bool>().ShouldBeFalse();
        planned[2].Body!["requests"]![4]!["url"]!.GetValue<string>().ShouldBe("/users/u44");
    }

    [Fact]
    public void APlannedBatch_IsMaskedLikeTheAudit()
    {
        using var offline = new OfflineRun(new DisableUsersAction().Descriptor, dryRun: true);
        var run = offline.Run;
        var reset = run.Client.Users["u1"].ToPatchRequestInformation(new User { PasswordProfile = new PasswordProfile { Password = "Sup3r-secret!" } });

        BatchPlanner.Plan(run, [new BatchStep("0", reset)]);

        var planned = offline.Context.PlannedRequests.ShouldHaveSingleItem();
        planned.Body!.ToJsonString().ShouldNotContain("Sup3r-secret!");
    }
}
