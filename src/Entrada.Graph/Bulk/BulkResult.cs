using System.ComponentModel;

namespace Entrada.Graph.Bulk;

/// <summary>How one item of a bulk action ended.</summary>
internal static class BulkOutcomes
{
    /// <summary>The change was made.</summary>
    public const string Done = "done";
    /// <summary>Nothing needed to change (already disabled, already a member …).</summary>
    public const string Unchanged = "unchanged";
    /// <summary>The change failed; the message says why.</summary>
    public const string Failed = "failed";
    /// <summary>A dry run: the change would be requested.</summary>
    public const string Planned = "planned";
}

/// <summary>One item of a bulk action.</summary>
/// <param name="Id">The item (user, member …) as given.</param>
/// <param name="Outcome"><c>done</c>, <c>unchanged</c>, <c>failed</c> or, in a dry run, <c>planned</c>.</param>
/// <param name="Message">Why it failed or was unchanged.</param>
internal sealed record BulkItemResult(
    [property: Description("The item as given.")] string Id,
    [property: Description("done, unchanged, failed, or planned in a dry run.")] string Outcome,
    [property: Description("Why it failed or was unchanged.")] string? Message = null);

/// <summary>The outcome of a bulk action: counts and every item.</summary>
/// <param name="Done">Items changed.</param>
/// <param name="Unchanged">Items that needed no change.</param>
/// <param name="Failed">Items that failed.</param>
/// <param name="Items">Every item, in input order.</param>
internal sealed record BulkResult(int Done, int Unchanged, int Failed, IReadOnlyList<BulkItemResult> Items)
{
    /// <summary>Counts the outcomes of <paramref name="items"/>.</summary>
    public static BulkResult Of(IReadOnlyList<BulkItemResult> items) => new(
        items.Count(i => i.Outcome == BulkOutcomes.Done),
        items.Count(i => i.Outcome == BulkOutcomes.Unchanged),
        items.Count(i => i.Outcome == BulkOutcomes.Failed),
        items);
}
