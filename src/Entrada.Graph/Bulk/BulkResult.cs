using System.ComponentModel;
using System.Text.Json.Serialization;
using Entrada.Core.Jobs;

namespace Entrada.Graph.Bulk;

/// <summary>How one item of a bulk action ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BulkOutcome>))]
internal enum BulkOutcome
{
    /// <summary>The change was made.</summary>
    [JsonStringEnumMemberName("done")]
    Done,
    /// <summary>Nothing needed to change (already disabled, already a member …).</summary>
    [JsonStringEnumMemberName("unchanged")]
    Unchanged,
    /// <summary>The change failed; the message says why.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,
    /// <summary>A dry run: the change would be requested.</summary>
    [JsonStringEnumMemberName("planned")]
    Planned,
}

/// <summary>How bulk outcomes and job item states correspond.</summary>
internal static class BulkOutcomes
{
    /// <summary>The job item state of a finished item's outcome (a planned item is never checkpointed).</summary>
    public static JobItemState ToItemState(this BulkOutcome outcome) => outcome switch
    {
        BulkOutcome.Done => JobItemState.Done,
        BulkOutcome.Unchanged => JobItemState.Unchanged,
        BulkOutcome.Failed => JobItemState.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "A planned item is not a finished item."),
    };

    /// <summary>The outcome of a finished job item.</summary>
    public static BulkOutcome ToOutcome(this JobItemState state) => state switch
    {
        JobItemState.Done => BulkOutcome.Done,
        JobItemState.Unchanged => BulkOutcome.Unchanged,
        JobItemState.Failed => BulkOutcome.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "A pending item has no outcome yet."),
    };
}

/// <summary>One item of a bulk action.</summary>
/// <param name="Id">The item (user, member …) as given.</param>
/// <param name="Outcome"><c>done</c>, <c>unchanged</c>, <c>failed</c> or, in a dry run, <c>planned</c>.</param>
/// <param name="Message">Why it failed or was unchanged.</param>
/// <param name="InviteRedeemUrl">For an invitation: the URL the guest redeems it at, a credential shown in this run's output only (never kept in the job).</param>
internal sealed record BulkItemResult(
    [property: Description("The item as given.")] string Id,
    [property: Description("done, unchanged, failed, or planned in a dry run.")] BulkOutcome Outcome,
    [property: Description("Why it failed or was unchanged.")] string? Message = null,
    [property: Entrada.Core.Secrets.Secret, Description("An invitation's redeem URL: shown in this run's output only, never kept.")] string? InviteRedeemUrl = null);

/// <summary>The outcome of a bulk action: counts and every item.</summary>
/// <param name="Done">Items changed.</param>
/// <param name="Unchanged">Items that needed no change.</param>
/// <param name="Failed">Items that failed.</param>
/// <param name="Items">Every item, in input order.</param>
internal sealed record BulkResult(int Done, int Unchanged, int Failed, IReadOnlyList<BulkItemResult> Items)
{
    /// <summary>Counts the outcomes of <paramref name="items"/>.</summary>
    public static BulkResult Of(IReadOnlyList<BulkItemResult> items) => new(
        items.Count(i => i.Outcome == BulkOutcome.Done),
        items.Count(i => i.Outcome == BulkOutcome.Unchanged),
        items.Count(i => i.Outcome == BulkOutcome.Failed),
        items);
}
