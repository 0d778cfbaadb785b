using System.Net;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Graph.Tests.Client;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 14, 9, 26, 53, TimeSpan.Zero);

    [Theory]
    [InlineData("7", 7.0)]
    [InlineData(" 120 ", 120.0)]
    [InlineData("0", 0.0)]
    [InlineData("1.5", 1.5)]
    [InlineData("0.25", 0.25)]
    [InlineData("Fri, 14 Mar 2025 09:27:03 GMT", 10.0)]
    [InlineData("Fri, 14 Mar 2025 09:20:00 GMT", 0.0)]
    public void AWait_IsReadFromWholeOrDecimalSecondsOrAnHttpDate(string value, double seconds)
    {
        RetryAfter.Parse(value, new FakeTimeProvider(Now)).ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-1")]
    [InlineData("-0.5")]
    [InlineData("soon")]
    [InlineData("1,5")]
    [InlineData("7s")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e400")]
    public void ANegativeOrUnreadableValue_NamesNoWait(string? value)
    {
        RetryAfter.Parse(value, new FakeTimeProvider(Now)).ShouldBeNull();
    }

    [Fact]
    public void AnHttpDate_IsMeasuredAgainstTheRunsClock_NotTheMachines()
    {
        var time = new FakeTimeProvider(Now);
        RetryAfter.Parse("Fri, 14 Mar 2025 09:27:53 GMT", time).ShouldBe(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromSeconds(45));
        RetryAfter.Parse("Fri, 14 Mar 2025 09:27:53 GMT", time).ShouldBe(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void TheHeader_IsFoundWhateverTheCaseOfItsName()
    {
        var headers = new Dictionary<string, IEnumerable<string>> { ["retry-after"] = ["4"] };
        RetryAfter.From(headers, TimeProvider.System).ShouldBe(TimeSpan.FromSeconds(4));
        RetryAfter.From(new Dictionary<string, IEnumerable<string>>(), TimeProvider.System).ShouldBeNull();
    }

    [Theory]
    [InlineData("1.5", "waiting 1.5 s")]
    [InlineData("Fri, 14 Mar 2025 09:27:23 GMT", "waiting 30 s")]
    [InlineData("-3", "without saying how long")]
    public async Task TheGraphHandler_ReadsRetryAfterTheSameWay(string value, string expected)
    {
        var progress = new List<string>();
        var context = new ActionContext(
            new Connection { Name = "x", Method = ConnectionMethod.AppRegistration, AppRegistration = new AppRegistrationSettings("t", "c", new Secret("s"), null) },
            Entrada.Core.Caller.Cli())
        {
            Time = new FakeTimeProvider(Now),
            Progress = new SynchronousProgress(p => progress.Add(p.Message ?? string.Empty)),
        };
        using var handler = new EntradaGraphHandler(NullLogger.Instance) { InnerHandler = new Throttled(value) };
        using var client = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("https://graph.example/v1.0/users"));
        new GraphRunOption(context).AttachTo(request);
        (await client.SendAsync(request)).Dispose();
        progress.ShouldHaveSingleItem().ShouldContain(expected);
    }

    private sealed class Throttled(string retryAfter) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
            return Task.FromResult(response);
        }
    }
}
