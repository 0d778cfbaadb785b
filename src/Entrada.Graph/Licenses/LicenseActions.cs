using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.AssignLicense;

namespace Entrada.Graph.Licenses;

/// <summary>A subscription of the tenant, with its seats.</summary>
internal sealed record SkuItem(
    Guid? SkuId,
    string? SkuPartNumber,
    string? CapabilityStatus,
    int? ConsumedUnits,
    [property: Description("Seats bought and enabled.")] int? EnabledUnits,
    [property: Description("Seats left: enabled minus consumed.")] int? AvailableUnits,
    IReadOnlyList<string> ServicePlans);

/// <summary>licenses.list-skus: GET /subscribedSkus.</summary>
internal sealed class ListSkusAction : GraphListAction<NoInput, SkuItem>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "licenses.list-skus",
        "Lists the tenant's subscriptions with seats used and free.",
        "GET /subscribedSkus",
        GraphPermissions.SkusRead,
        new JsonObject());

    protected override IAsyncEnumerable<SkuItem> ListCoreAsync(NoInput input, GraphRun run, CancellationToken cancellationToken)
    {
        // /subscribedSkus refuses $top ("does not support custom page sizes").
        var request = run.Client.SubscribedSkus.ToGetRequestInformation();
        return Paging.ItemsAsync(
            run,
            request,
            SubscribedSkuCollectionResponse.CreateFromDiscriminatorValue,
            p => p.Value?.Select(s => new SkuItem(
                s.SkuId,
                s.SkuPartNumber,
                s.CapabilityStatus,
                s.ConsumedUnits,
                s.PrepaidUnits?.Enabled,
                s.PrepaidUnits?.Enabled is { } enabled ? enabled - (s.ConsumedUnits ?? 0) : null,
                [.. (s.ServicePlans ?? []).Select(p => p.ServicePlanName ?? p.ServicePlanId?.ToString() ?? "?")])),
            p => p.OdataNextLink,
            null,
            cancellationToken);
    }
}

/// <summary>An input with no fields.</summary>
internal sealed record NoInput;

/// <summary>Input of licenses.assign.</summary>
internal sealed record AssignLicensesInput(
    [property: Description("Object IDs or user principal names (each needs a usageLocation).")] IReadOnlyList<string> UserIds,
    [property: Description("SKU IDs to assign (see licenses.list-skus).")] IReadOnlyList<Guid> SkuIds,
    [property: Description("Service plan IDs to turn off within those SKUs.")] IReadOnlyList<Guid>? DisabledPlans = null) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => UserIds;

    public IEnumerable<ValidationError> Validate()
    {
        foreach (var e in InputRules.RequireIds("userIds", UserIds, allowUpn: true))
        {
            yield return e;
        }

        if (SkuIds is null || SkuIds.Count == 0)
        {
            yield return new ValidationError("skuIds", "'skuIds' needs at least one SKU ID; the action licenses.list-skus lists the tenant's.");
        }
    }
}

/// <summary>Input of licenses.remove.</summary>
internal sealed record RemoveLicensesInput(
    [property: Description("Object IDs or user principal names.")] IReadOnlyList<string> UserIds,
    [property: Description("SKU IDs to remove.")] IReadOnlyList<Guid> SkuIds) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => UserIds;

    public IEnumerable<ValidationError> Validate()
    {
        foreach (var e in InputRules.RequireIds("userIds", UserIds, allowUpn: true))
        {
            yield return e;
        }

        if (SkuIds is null || SkuIds.Count == 0)
        {
            yield return new ValidationError("skuIds", "'skuIds' needs at least one SKU ID.");
        }
    }
}

/// <summary>licenses.assign: POST /users/{id}/assignLicense, 20 to a <c>$batch</c>.</summary>
internal sealed class AssignLicensesAction : GraphBulkAction<AssignLicensesInput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "licenses.assign",
        "Assigns licences (SKUs, optionally with service plans turned off) to users; a user who already has them unchanged is reported unchanged.",
        "POST /users/{id}/assignLicense",
        GraphPermissions.LicensesAssign,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["userIds"] = new JsonArray("ann@contoso.onmicrosoft.com"), ["skuIds"] = new JsonArray("c7df2760-2c81-4ef7-b578-5b5392b571df") });

    protected override AssignLicensesInput WithItems(AssignLicensesInput input, IReadOnlyList<string> items) => input with { UserIds = items };

    protected override Task<BulkResult> RunSliceAsync(AssignLicensesInput input, GraphRun run, CancellationToken cancellationToken) =>
        LicenseChange.RunAsync(
            run,
            input.UserIds,
            assigned => input.DisabledPlans is null && input.SkuIds.All(assigned.Contains) ? "Already has these licences." : null,
            () => new AssignLicensePostRequestBody
            {
                AddLicenses = [.. input.SkuIds.Select(s => new AssignedLicense { SkuId = s, DisabledPlans = [.. input.DisabledPlans ?? []] })],
                RemoveLicenses = [],
            },
            cancellationToken);
}

/// <summary>licenses.remove: POST /users/{id}/assignLicense with removeLicenses, 20 to a <c>$batch</c>.</summary>
internal sealed class RemoveLicensesAction : GraphBulkAction<RemoveLicensesInput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "licenses.remove",
        "Removes licences (SKUs) from users; a user without them is reported unchanged.",
        "POST /users/{id}/assignLicense",
        GraphPermissions.LicensesAssign,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["userIds"] = new JsonArray("ann@contoso.onmicrosoft.com"), ["skuIds"] = new JsonArray("c7df2760-2c81-4ef7-b578-5b5392b571df") });

    protected override RemoveLicensesInput WithItems(RemoveLicensesInput input, IReadOnlyList<string> items) => input with { UserIds = items };

    protected override Task<BulkResult> RunSliceAsync(RemoveLicensesInput input, GraphRun run, CancellationToken cancellationToken) =>
        LicenseChange.RunAsync(
            run,
            input.UserIds,
            assigned => input.SkuIds.Any(assigned.Contains) ? null : "Has none of these licences.",
            () => new AssignLicensePostRequestBody { AddLicenses = [], RemoveLicenses = [.. input.SkuIds.Select(s => (Guid?)s)] },
            cancellationToken);
}

/// <summary>
/// The shared flow of licence changes: read each user's assigned licences (batched), leave alone
/// the ones that need no change, send assignLicense to the others (batched). The body is made
/// anew for each request: serialising a Graph model clears its backing store's "changed" marks,
/// so a second serialisation of the same object would send an empty body.
/// </summary>
internal static class LicenseChange
{
    public static async Task<BulkResult> RunAsync(GraphRun run, IReadOnlyList<string> userIds, Func<IReadOnlySet<Guid>, string?> unchangedReason, Func<AssignLicensePostRequestBody> body, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, BulkItemResult>(StringComparer.OrdinalIgnoreCase);
        var toChange = userIds.ToList();
        if (!run.DryRun)
        {
            var reads = userIds.Select((id, i) => new BatchStep(i.ToString(CultureInfo.InvariantCulture), run.Client.Users[id].ToGetRequestInformation(rc => rc.QueryParameters.Select = ["id", "assignedLicenses"]))).ToList();
            var state = await GraphBatch.SendAsync(run, reads, cancellationToken).ConfigureAwait(false);
            toChange = [];
            for (var i = 0; i < userIds.Count; i++)
            {
                var answer = state[reads[i].Id];
                if (!answer.Succeeded)
                {
                    // A read refused for want of User.Read.All does not stop the change itself.
                    if (answer.Status == 403)
                    {
                        toChange.Add(userIds[i]);
                    }
                    else
                    {
                        results[userIds[i]] = GraphBatch.Failure(run, userIds[i], answer, $"user '{userIds[i]}'");
                    }

                    continue;
                }

                var assigned = (answer.Body?["assignedLicenses"] as JsonArray ?? [])
                    .Select(l => Guid.TryParse(l?["skuId"]?.GetValue<string>(), out var g) ? g : Guid.Empty)
                    .ToHashSet();
                if (unchangedReason(assigned) is { } reason)
                {
                    results[userIds[i]] = new BulkItemResult(userIds[i], BulkOutcome.Unchanged, reason);
                }
                else
                {
                    toChange.Add(userIds[i]);
                }
            }
        }

        var steps = toChange.Select((id, i) => new BatchStep(i.ToString(CultureInfo.InvariantCulture), run.Client.Users[id].AssignLicense.ToPostRequestInformation(body()))).ToList();
        var answers = await GraphBatch.SendAsync(run, steps, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, answers);
        for (var i = 0; i < toChange.Count; i++)
        {
            results[toChange[i]] = run.DryRun
                ? new BulkItemResult(toChange[i], BulkOutcome.Planned)
                : answers[steps[i].Id] is { Succeeded: true } ? new BulkItemResult(toChange[i], BulkOutcome.Done) : GraphBatch.Failure(run, toChange[i], answers[steps[i].Id], $"user '{toChange[i]}'");
        }

        return BulkResult.Of([.. userIds.Select(id => results[id])]);
    }
}
