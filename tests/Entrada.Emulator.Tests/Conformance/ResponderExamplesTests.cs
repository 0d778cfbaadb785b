namespace Entrada.Emulator.Tests.Conformance;

/// <summary>The responder examples file is split into areas without gaps or overlaps.</summary>
public sealed class ResponderExamplesTests
{
    [Fact]
    public void EveryResponderExample_BelongsToExactlyOneArea()
    {
        var keys = ResponderExamples.Keys;
        keys.Count.ShouldBeGreaterThan(80);
        keys.Where(k => ResponderExamples.AreasOf(k).Count() != 1).ShouldBeEmpty();
    }
}
