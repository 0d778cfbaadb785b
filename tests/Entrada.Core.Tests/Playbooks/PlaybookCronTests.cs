using Entrada.Core.Playbooks.Triggers;

namespace Entrada.Core.Tests.Playbooks;

/// <summary>Cron expressions: crontab's 5 fields become Quartz's form, Quartz's own are kept, and a wrong one names its field.</summary>
public sealed class PlaybookCronTests
{
    [Theory]
    [InlineData("*/15 * * * *", "0 */15 * * * ?")]
    [InlineData("0 7 * * 1-5", "0 0 7 ? * 2-6")]
    [InlineData("30 2 1 * *", "0 30 2 1 * ?")]
    [InlineData("0 9 * * 0", "0 0 9 ? * 1")]
    [InlineData("0 9 * * 7", "0 0 9 ? * 1")]
    [InlineData("0 9 * * 1-7", "0 0 9 ? * 2-7,1")]
    [InlineData("0 9 * * 0,6", "0 0 9 ? * 1,7")]
    [InlineData("0 9 * * MON-FRI", "0 0 9 ? * MON-FRI")]
    [InlineData("0/2 * * * * ?", "0/2 * * * * ?")]
    [InlineData("0 0 12 ? * WED 2030", "0 0 12 ? * WED 2030")]
    public void AnExpression_BecomesQuartzForm(string cron, string quartz) => PlaybookCron.ToQuartz(cron).ShouldBe(quartz);

    [Theory]
    [InlineData("60 * * * *", "minute")]
    [InlineData("0 24 * * *", "hour")]
    [InlineData("0 0 32 * *", "day-of-month")]
    [InlineData("0 0 1 13 *", "month")]
    [InlineData("0 0 * * 8", "day-of-week")]
    [InlineData("61 * * * * ?", "second")]
    [InlineData("*/0 * * * *", "step")]
    [InlineData("* * *", "3 field(s)")]
    [InlineData("", "0 field(s)")]
    [InlineData("0 0 1 * 1", "both the day-of-month")]
    [InlineData("0 0 12 ? * FOO", "cannot be used")]
    public void AWrongExpression_IsRefusedNamingWhatIsWrong(string cron, string named)
    {
        var refused = Should.Throw<EntradaValidationException>(() => PlaybookCron.ToQuartz(cron));
        refused.Errors.Single().Field.ShouldBe("cron");
        refused.Message.ShouldContain(named);
        refused.Message.ShouldContain("Give 5 fields");
    }

    [Fact]
    public void TheNextFireTime_IsReadInTheScheduleTimeZone()
    {
        var berlin = PlaybookCron.Zone("Europe/Berlin");
        var next = PlaybookCron.NextAfter(PlaybookCron.ToQuartz("0 7 * * *"), berlin, new DateTimeOffset(2026, 1, 10, 12, 0, 0, TimeSpan.Zero))!.Value;
        next.UtcDateTime.ShouldBe(new DateTime(2026, 1, 11, 6, 0, 0, DateTimeKind.Utc));
        Should.Throw<EntradaValidationException>(() => PlaybookCron.Zone("Mars/Olympus")).Message.ShouldContain("Mars/Olympus");
    }
}
