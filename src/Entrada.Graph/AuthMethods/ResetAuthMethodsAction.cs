using System.Globalization;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Graph.Bulk;
using Entrada.Graph.Client;
using Entrada.Graph.Permissions;
using Entrada.Graph.Users;

namespace Entrada.Graph.AuthMethods;

/// <summary>
/// users.auth-methods.reset: deletes every method but the password of many users, so that each must
/// register MFA again. Each user's methods are read (GET …/authentication/methods, 20 to a
/// <c>$batch</c>, in a dry run too: the plan names the exact DELETEs), then every method but the
/// password is deleted in <c>$batch</c>es. Graph refuses to delete a user's default method while
/// others remain, and a mobile number while an alternate one does, so a method refused with 400 is
/// sent again in the next round, once the others are gone (up to <see cref="Rounds"/> rounds).
/// </summary>
internal sealed class ResetAuthMethodsAction : GraphBulkAction<UserIdsInput>
{
    /// <summary>How many rounds of deletes a user's methods get.</summary>
    public const int Rounds = 3;

    public override ActionDescriptor Descriptor { get; } = Graph(
        "users.auth-methods.reset",
        "Deletes every authentication method but the password of many users, so they must register MFA again; reports each user as done, unchanged (nothing to delete) or failed.",
        "GET /users/{id}/authentication/methods, DELETE /users/{id}/authentication/{type}Methods/{methodId}",
        GraphPermissions.AuthMethodsWrite,
        destructive: true,
        bulk: true,
        example: new JsonObject { ["userIds"] = new JsonArray("ann@contoso.onmicrosoft.com", "00000000-0000-0000-0000-000000000001") });

    protected override UserIdsInput WithItems(UserIdsInput input, IReadOnlyList<string> items) => input with { UserIds = items };

    private sealed record Pending(int User, AuthMethodType Type, string MethodId);

    protected override async Task<BulkResult> RunSliceAsync(UserIdsInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var ids = input.UserIds;
        var reads = ids.Select((id, i) => new BatchStep(GraphBatch.StepId(i), run.Client.Users[id].Authentication.Methods.ToGetRequestInformation())).ToList();
        var read = await GraphBatch.SendReadsAsync(run, reads, cancellationToken).ConfigureAwait(false);
        GraphBatch.ThrowIfAllForbidden(run, read);

        var results = new BulkItemResult?[ids.Count];
        var pending = new List<Pending>();
        var total = new int[ids.Count];
        for (var u = 0; u < ids.Count; u++)
        {
            var answer = read[reads[u].Id];
            if (!answer.Succeeded)
            {
                results[u] = GraphBatch.Failure(run, ids[u], answer, $"user '{ids[u]}'");
                continue;
            }

            foreach (var method in answer.Body?["value"]?.AsArray() ?? [])
            {
                var type = AuthMethodTypes.FromODataType(method?["@odata.type"]?.GetValue<string>());
                if (type is { } t && t != AuthMethodType.Password && method?["id"]?.GetValue<string>() is { } methodId)
                {
                    pending.Add(new Pending(u, t, methodId));
                    total[u]++;
                }
            }

            if (total[u] == 0)
            {
                results[u] = new BulkItemResult(ids[u], BulkOutcome.Unchanged, "Has no authentication method but the password.");
            }
        }

        if (run.DryRun)
        {
            await GraphBatch.SendAsync(run, [.. pending.Select((p, i) => Step(run, ids, p, i))], cancellationToken).ConfigureAwait(false);
            return BulkResult.Of([.. ids.Select((id, u) => results[u] ?? new BulkItemResult(id, BulkOutcome.Planned, $"Would delete {Count(total[u])}: {Kinds(pending.Where(p => p.User == u))}."))]);
        }

        var deleted = ids.Select(_ => new List<AuthMethodType>()).ToArray();
        var failures = new Dictionary<int, string>();
        for (var round = 0; round < Rounds && pending.Count > 0; round++)
        {
            var steps = pending.Select((p, i) => Step(run, ids, p, i)).ToList();
            var answers = await GraphBatch.SendAsync(run, steps, cancellationToken).ConfigureAwait(false);
            GraphBatch.ThrowIfAllForbidden(run, answers);
            var again = new List<Pending>();
            for (var i = 0; i < pending.Count; i++)
            {
                var p = pending[i];
                var answer = answers[steps[i].Id];
                if (answer.Succeeded || answer.Status == 404)
                {
                    // Gone: deleted now, or already (a resumed job, another admin).
                    deleted[p.User].Add(p.Type);
                    failures.Remove(p.User);
                }
                else
                {
                    failures[p.User] = GraphBatch.Failure(run, ids[p.User], answer, $"{p.Type.Wire()} method '{p.MethodId}' of user '{ids[p.User]}'").Message ?? "Graph refused the delete.";
                    if (answer.Status == 400)
                    {
                        again.Add(p);
                    }
                }
            }

            // Another round only helps when this one deleted something of the same user.
            pending = [.. again.Where(p => deleted[p.User].Count > 0)];
        }

        return BulkResult.Of([.. ids.Select((id, u) => results[u]
            ?? (deleted[u].Count == total[u]
                ? new BulkItemResult(id, BulkOutcome.Done, $"Deleted {Count(total[u])}: {string.Join(", ", deleted[u].Select(t => t.Wire()))}.")
                : new BulkItemResult(id, BulkOutcome.Failed, string.Create(CultureInfo.InvariantCulture, $"Deleted {deleted[u].Count} of {total[u]} methods; {failures.GetValueOrDefault(u, "the others were refused.")}"))))]);
    }

    private static BatchStep Step(GraphRun run, IReadOnlyList<string> ids, Pending p, int index) =>
        new(GraphBatch.StepId(index), AuthMethodTypes.DeleteRequest(run, ids[p.User], p.Type, p.MethodId));

    private static string Count(int n) => n == 1 ? "1 method" : string.Create(CultureInfo.InvariantCulture, $"{n} methods");

    private static string Kinds(IEnumerable<Pending> methods) => string.Join(", ", methods.Select(m => m.Type.Wire()));
}
