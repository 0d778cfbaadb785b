using Entrada.Graph.Client;
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
}
