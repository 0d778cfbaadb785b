using Entrada.Emulator.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Emulator.Tests.Throttling;

public sealed class ThrottleGateTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Theory]
    [InlineData(49, 3_500)]
    [InlineData(50, 5_000)]
    [InlineData(500, 5_000)]
    [InlineData(501, 8_000)]
    public void ResourceUnitLimit_FollowsTenantSize(int users, int expected) =>
        ThrottleGate.ResourceUnitLimit(users).ShouldBe(expected);

    [Fact]
    public void ResourceUnits_WhenSpent_ThrottleWithRetryAfterUntilRefilled()
    {
        var gate = new ThrottleGate(ThrottleMode.Realistic, _time);
        for (var i = 0; i < 1_750; i++)
        {
            gate.Check("app", "tenant", 10, 2, isWrite: false, isIdentityProtection: false).Allowed.ShouldBeTrue();
        }

        var refused = gate.Check("app", "tenant", 10, 2, false, false);
        var otherApp = gate.Check("other", "tenant", 10, 2, false, false);
        _time.Advance(TimeSpan.FromSeconds(1));
        var later = gate.Check("app", "tenant", 10, 2, false, false);

        refused.Allowed.ShouldBeFalse();
        refused.RetryAfterSeconds.ShouldBe(1);
        refused.Information.ShouldBe("ResourceUnitLimitExceeded");
        refused.Scope.ShouldBe("Tenant_Application/ReadWrite/app/tenant");
        otherApp.Allowed.ShouldBeTrue();
        later.Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Writes_AreLimitedTo3000Per150Seconds()
    {
        var gate = new ThrottleGate(ThrottleMode.Realistic, _time);
        for (var i = 0; i < 3_000; i++)
        {
            gate.Check("app", "tenant", 10, 1, isWrite: true, isIdentityProtection: false).Allowed.ShouldBeTrue();
            if (i % 100 == 0)
            {
                // Keep resource units available: only the write limit should bite.
                _time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        var refused = gate.Check("app", "tenant", 10, 1, true, false);

        refused.Allowed.ShouldBeFalse();
        refused.Information.ShouldBe("WriteLimitExceeded");
        refused.RetryAfterSeconds.ShouldNotBeNull();
        gate.Check("app", "tenant", 10, 1, false, false).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Writes_OfAllAppsTogether_AreLimitedTo18000PerFiveMinutes()
    {
        var gate = new ThrottleGate(ThrottleMode.Realistic, _time);
        for (var app = 0; app < 6; app++)
        {
            for (var i = 0; i < 3_000; i++)
            {
                gate.Check($"app{app}", "tenant", 10, 1, isWrite: true, isIdentityProtection: false).Allowed.ShouldBeTrue();
            }
        }

        var refused = gate.Check("app6", "tenant", 10, 1, true, false);

        refused.Allowed.ShouldBeFalse();
        refused.Scope.ShouldBe("Tenant/Write/tenant");
    }

    [Fact]
    public void IdentityProtection_AllowsOneRequestPerSecondPerTenant_WithoutRetryAfter()
    {
        var gate = new ThrottleGate(ThrottleMode.Realistic, _time);

        gate.Check("a", "tenant", 10, 1, false, true).Allowed.ShouldBeTrue();
        var second = gate.Check("b", "tenant", 10, 1, false, true);
        _time.Advance(TimeSpan.FromSeconds(1));

        second.Allowed.ShouldBeFalse();
        second.RetryAfterSeconds.ShouldBeNull();
        gate.Check("a", "tenant", 10, 1, false, true).Allowed.ShouldBeTrue();
    }

    [Fact]
    public void Off_NeverThrottles()
    {
        var gate = new ThrottleGate(ThrottleMode.Off, _time);

        Enumerable.Range(0, 10_000).ShouldAllBe(_ => gate.Check("app", "tenant", 10, 5, true, true).Allowed);
    }
}
