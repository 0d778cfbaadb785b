using Entrada.Core;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Users;

namespace Entrada.Graph.Tests.Bulk;

public sealed class BatchFailuresTests
{
    [Fact]
    public void AStepAnswered404_FailsItsItem_NamingTheSubject()
    {
        using var offline = new OfflineRun(new DisableUsersAction().Descriptor);
        var item = BatchFailures.Failure(offline.Run, "u1", new BatchStepResult(404, null, "Request_ResourceNotFound", "Resource 'u1' does not exist."), "user 'u1'");
        item.Id.ShouldBe("u1");
        item.Outcome.ShouldBe(BulkOutcome.Failed);
        item.Message.ShouldBe("Graph found no user 'u1' (404 Request_ResourceNotFound). Check the ID or name.");
    }

    [Fact]
    public void AStepAnswered400_FailsItsItem_InGraphsOwnWords()
    {
        using var offline = new OfflineRun(new DisableUsersAction().Descriptor);
        var item = BatchFailures.Failure(offline.Run, "u1", new BatchStepResult(400, null, "Request_BadRequest", "Invalid value specified for property 'accountEnabled'."), "user 'u1'");
        item.Message.ShouldBe("Graph refused the request (400 Request_BadRequest): Invalid value specified for property 'accountEnabled'.");
    }

    [Fact]
    public void EveryStepAnswered403_FailsTheRun_WithThePermissionTheActionNeeds()
    {
        using var offline = new OfflineRun(new DisableUsersAction().Descriptor);
        var answers = new Dictionary<string, BatchStepResult>
        {
            ["0"] = new(403, null, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
            ["1"] = new(403, null, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
        };
        var failure = Should.Throw<PermissionMissingException>(() => BatchFailures.ThrowIfAllForbidden(offline.Run, answers));
        failure.Message.ShouldContain("User.EnableDisableAccount.All");
    }

    [Fact]
    public void SomeStepsAnswered403_FailOnlyTheirItems()
    {
        using var offline = new OfflineRun(new DisableUsersAction().Descriptor);
        var answers = new Dictionary<string, BatchStepResult> { ["0"] = new(403, null, "Authorization_RequestDenied", null), ["1"] = new(204, null, null, null) };
        Should.NotThrow(() => BatchFailures.ThrowIfAllForbidden(offline.Run, answers));
        Should.NotThrow(() => BatchFailures.ThrowIfAllForbidden(offline.Run, new Dictionary<string, BatchStepResult>()));
    }
}
