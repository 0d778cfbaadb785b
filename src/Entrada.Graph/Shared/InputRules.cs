using Entrada.Core;

namespace Entrada.Graph.Shared;

/// <summary>Checks shared by inputs.</summary>
internal static class InputRules
{
    /// <summary>Graph object ids must be GUIDs; a user may also be named by user principal name.</summary>
    public static IEnumerable<ValidationError> RequireIds(string field, IReadOnlyList<string>? ids, bool allowUpn)
    {
        if (ids is null || ids.Count == 0)
        {
            yield return new ValidationError(field, $"'{field}' needs at least one ID.");
            yield break;
        }

        for (var i = 0; i < ids.Count; i++)
        {
            var id = ids[i];
            if (string.IsNullOrWhiteSpace(id))
            {
                yield return new ValidationError($"{field}[{i}]", $"'{field}[{i}]' is empty.");
            }
            else if (!Guid.TryParse(id, out _) && !(allowUpn && id.Contains('@', StringComparison.Ordinal)))
            {
                yield return new ValidationError($"{field}[{i}]", allowUpn
                    ? $"'{field}[{i}]' ('{id}') is neither an object ID (GUID) nor a user principal name."
                    : $"'{field}[{i}]' ('{id}') is not an object ID (GUID).");
            }
        }

        var duplicates = ids.Where(i => !string.IsNullOrWhiteSpace(i)).GroupBy(i => i, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            yield return new ValidationError(field, $"'{field}' names {string.Join(", ", duplicates.Select(d => $"'{d}'"))} more than once.");
        }
    }

    /// <summary>A required single id or UPN.</summary>
    public static IEnumerable<ValidationError> RequireId(string field, string? id, bool allowUpn)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            yield return new ValidationError(field, $"'{field}' is required.");
        }
        else if (!Guid.TryParse(id, out _) && !(allowUpn && id.Contains('@', StringComparison.Ordinal)))
        {
            yield return new ValidationError(field, allowUpn
                ? $"'{field}' ('{id}') is neither an object ID (GUID) nor a user principal name."
                : $"'{field}' ('{id}') is not an object ID (GUID).");
        }
    }

    /// <summary>The problem with a licence change's SKU IDs: at least one is needed (licenses.list-skus lists the tenant's).</summary>
    public static IEnumerable<ValidationError> RequireSkus(string field, IReadOnlyList<Guid>? skuIds)
    {
        if (skuIds is null || skuIds.Count == 0)
        {
            yield return new ValidationError(field, $"'{field}' needs at least one SKU ID; the action licenses.list-skus lists the tenant's.");
        }
    }
}
