using System.Text.Json.Nodes;

namespace Entrada.Core.Actions;

/// <summary>
/// What a run record and an audit record keep of a bulk run's input: everything but its list of
/// items, which its job stores once; in its place the count (<c>{"count": 100000, "inJob": true}</c>),
/// and the record names the job. A bulk input of 100,000 ids is not copied into every record.
/// </summary>
public static class BulkInputSummary
{
    /// <summary>Lists up to this long are kept when the input cannot be bound (it is refused, no job holds it).</summary>
    private const int KeptWhenUnbound = 100;

    /// <summary>
    /// The input to record for a run of <paramref name="descriptor"/>: a copy, with a bulk action's
    /// items counted instead of listed (a dry run makes no job: its planned requests name them).
    /// </summary>
    public static JsonNode? Of(ActionDescriptor descriptor, JsonNode? input, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (!descriptor.Bulk || input is not JsonObject fields)
        {
            return input?.DeepClone();
        }

        IReadOnlyList<string>? items = null;
        try
        {
            items = (ActionInput.Bind(descriptor, input) as IBulkInput)?.BulkItems;
        }
        catch (EntradaException)
        {
            // Refused input: the run fails on it, and long lists are still only counted.
        }

        var summary = new JsonObject();
        foreach (var (name, value) in fields)
        {
            summary[name] = value switch
            {
                JsonArray list when items is not null && IsItems(list, items) => dryRun ? new JsonObject { ["count"] = list.Count } : new JsonObject { ["count"] = list.Count, ["inJob"] = true },
                JsonArray list when items is null && list.Count > KeptWhenUnbound => new JsonObject { ["count"] = list.Count },
                _ => value?.DeepClone(),
            };
        }

        return summary;
    }

    private static bool IsItems(JsonArray list, IReadOnlyList<string> items)
    {
        if (list.Count != items.Count)
        {
            return false;
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonValue value || !value.TryGetValue<string>(out var text) || !string.Equals(text?.Trim(), items[i]?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }
}
