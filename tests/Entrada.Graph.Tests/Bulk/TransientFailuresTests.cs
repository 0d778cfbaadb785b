using Entrada.Graph.Bulk;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.Tests.Bulk;

public sealed class TransientFailuresTests
{
    [Theory]
    [InlineData(429, "TooManyRequests", true)]
    [InlineData(429, null, true)]
    [InlineData(503, "serviceNotAvailable", true)]
    [InlineData(504, "UnknownError", true)]
    [InlineData(500, "serviceNotAvailable", true)]
    [InlineData(500, "timeout", true)]
    [InlineData(500, "generalException", false)]
    [InlineData(500, null, false)]
    [InlineData(400, "Request_BadRequest", false)]
    [InlineData(401, "InvalidAuthenticationToken", false)]
    [InlineData(403, "Authorization_RequestDenied", false)]
    [InlineData(404, "Request_ResourceNotFound", false)]
    [InlineData(409, "Conflict", false)]
    [InlineData(200, null, false)]
    public void AStepIsSentAgain_OnlyWhenGraphSaysTryAgain(int status, string? code, bool transient)
    {
        TransientFailures.IsTransient(status, code).ShouldBe(transient);
        TransientFailures.IsTransient(new BatchStepResult(status, null, code, null)).ShouldBe(transient);
    }

    [Fact]
    public void AStepsOwnRetryAfter_IsTheWaitItAsksFor()
    {
        var time = new FakeTimeProvider();
        var answer = new BatchStepResult(429, null, "TooManyRequests", null) { Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["retry-after"] = "2.5" } };
        TransientFailures.RetryAfterOf(answer, time).ShouldBe(TimeSpan.FromSeconds(2.5));
        TransientFailures.RetryAfterOf(new BatchStepResult(429, null, null, null), time).ShouldBeNull();
    }

    [Fact]
    public void AWholeBatchRefusedWith429_IsTransient_WithTheWaitOfItsRetryAfter()
    {
        var refused = new ApiException("throttled") { ResponseStatusCode = 429, ResponseHeaders = new Dictionary<string, IEnumerable<string>> { ["Retry-After"] = ["3"] } };
        TransientFailures.IsTransient(refused, new FakeTimeProvider(), CancellationToken.None, out var wait).ShouldBeTrue();
        wait.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void AWholeBatchRefusedWith500_IsTransientOnlyWithATransientGraphCode()
    {
        var unavailable = new ODataError { ResponseStatusCode = 500, Error = new MainError { Code = "serviceNotAvailable" } };
        var broken = new ODataError { ResponseStatusCode = 500, Error = new MainError { Code = "generalException" } };
        TransientFailures.IsTransient(unavailable, TimeProvider.System, CancellationToken.None, out var wait).ShouldBeTrue();
        wait.ShouldBeNull("no Retry-After: the scheduler backs off");
        TransientFailures.IsTransient(broken, TimeProvider.System, CancellationToken.None, out _).ShouldBeFalse();
    }

    [Fact]
    public void ADroppedConnectionOrATimeout_IsTransient_ButCancellationIsNot()
    {
        TransientFailures.IsTransient(new HttpRequestException("reset"), TimeProvider.System, CancellationToken.None, out _).ShouldBeTrue();
        TransientFailures.IsTransient(new TaskCanceledException("timeout"), TimeProvider.System, CancellationToken.None, out _).ShouldBeTrue();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        TransientFailures.IsTransient(new TaskCanceledException("cancelled"), TimeProvider.System, cancelled.Token, out _).ShouldBeFalse();
        TransientFailures.IsTransient(new ApiException("bad") { ResponseStatusCode = 400 }, TimeProvider.System, CancellationToken.None, out _).ShouldBeFalse();
        TransientFailures.IsTransient(new InvalidOperationException(), TimeProvider.System, CancellationToken.None, out _).ShouldBeFalse();
    }
}
