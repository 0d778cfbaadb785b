using System.Globalization;
using Quartz;

namespace Entrada.Core.Playbooks.Triggers;

/// <summary>
/// Cron expressions as people write them: the standard 5 fields (minute hour day-of-month month
/// day-of-week, day-of-week 0–7 with 0 and 7 Sunday, as in crontab) are converted to Quartz's form
/// (seconds first, day-of-week 1–7 from Sunday, <c>?</c> in one of the two day fields); Quartz's own
/// 6 fields (and 7, with a year) are taken as they are. Anything Quartz cannot read is refused with
/// the field named.
/// </summary>
public static class PlaybookCron
{
    private static readonly string[] FiveFields = ["minute", "hour", "day-of-month", "month", "day-of-week"];
    private static readonly string[] QuartzFields = ["second", "minute", "hour", "day-of-month", "month", "day-of-week", "year"];
    private static readonly (int Min, int Max)[] FiveRanges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    private static readonly (int Min, int Max)[] QuartzRanges = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2199)];

    /// <summary>The Quartz form of a cron expression, or a validation error on <paramref name="field"/> naming the cron field and what to do.</summary>
    public static string ToQuartz(string? cron, string field = "cron")
    {
        var fields = (cron ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string[] quartz;
        if (fields.Length == 5)
        {
            Check(cron!, fields, FiveFields, FiveRanges, field);
            var dayOfMonth = fields[2];
            var dayOfWeek = ConvertDayOfWeek(fields[4]);
            if (dayOfWeek == "*")
            {
                dayOfWeek = "?";
            }
            else if (dayOfMonth == "*")
            {
                dayOfMonth = "?";
            }
            else
            {
                throw Refuse(field, cron!, $"it restricts both the day-of-month ('{fields[2]}') and the day-of-week ('{fields[4]}'), which Quartz cannot combine; make one of them '*'");
            }

            quartz = ["0", fields[0], fields[1], dayOfMonth, fields[3], dayOfWeek];
        }
        else if (fields.Length is 6 or 7)
        {
            Check(cron!, fields, QuartzFields, QuartzRanges, field);
            quartz = fields;
        }
        else
        {
            throw Refuse(field, cron ?? string.Empty, $"it has {fields.Length} field(s)");
        }

        var expression = string.Join(' ', quartz);
        try
        {
            _ = new CronExpression(expression);
        }
        catch (FormatException ex)
        {
            throw Refuse(field, cron!, ex.Message.TrimEnd('.'));
        }

        return expression;
    }

    /// <summary>The next fire time after <paramref name="after"/>, or null when there is none.</summary>
    public static DateTimeOffset? NextAfter(string quartzCron, TimeZoneInfo zone, DateTimeOffset after) =>
        new CronExpression(quartzCron).WithTimeZone(zone).GetNextValidTimeAfter(after);

    /// <summary>A time zone by IANA or Windows id; UTC when none is given.</summary>
    public static TimeZoneInfo Zone(string? id, string field = "timeZone")
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new EntradaValidationException(field, $"'{id}' is not a time zone this machine knows; give an IANA id such as Europe/Berlin, or UTC.");
        }
    }

    private static void Check(string cron, string[] fields, string[] names, (int Min, int Max)[] ranges, string field)
    {
        for (var i = 0; i < fields.Length; i++)
        {
            foreach (var part in fields[i].Split(','))
            {
                var (range, step) = part.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? (part[..slash], part[(slash + 1)..]) : (part, null);
                if (step is not null && (!int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var s) || s == 0))
                {
                    throw Refuse(field, cron, $"the {names[i]} field's step '/{step}' is not a positive number");
                }

                foreach (var bound in range.Split('-'))
                {
                    if (int.TryParse(bound, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && (n < ranges[i].Min || n > ranges[i].Max))
                    {
                        throw Refuse(field, cron, $"the {names[i]} field (number {i + 1} of {fields.Length}) has {n}, outside {ranges[i].Min}–{ranges[i].Max}");
                    }
                }
            }
        }
    }

    /// <summary>crontab's 0–7 (0 and 7 Sunday) to Quartz's 1–7 (1 Sunday); names stay names.</summary>
    private static string ConvertDayOfWeek(string field) => field == "*" ? "*" : string.Join(',', field.Split(',').Select(part =>
    {
        var slash = part.IndexOf('/', StringComparison.Ordinal);
        var range = slash >= 0 ? part[..slash] : part;
        var step = slash >= 0 ? part[slash..] : string.Empty;
        var bounds = range.Split('-');
        if (!bounds.All(b => int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return part;
        }

        var numbers = bounds.Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        if (numbers.Length == 1)
        {
            return (numbers[0] % 7 + 1).ToString(CultureInfo.InvariantCulture) + step;
        }

        // A range that ends on crontab's 7 (Sunday) ends on Saturday in Quartz's numbering, plus Sunday.
        var from = numbers[0] % 7 + 1;
        return numbers[1] == 7 && step.Length == 0
            ? (from == 1 ? "1-7" : $"{from}-7,1")
            : $"{from}-{numbers[1] % 7 + 1}{step}";
    }));

    private static EntradaValidationException Refuse(string field, string cron, string why) =>
        new(field, $"The cron expression '{cron}' cannot be used: {why}. Give 5 fields (minute hour day-of-month month day-of-week, e.g. '*/15 * * * *') or Quartz's 6 or 7 with seconds first (e.g. '0/30 * * * * ?').");
}
