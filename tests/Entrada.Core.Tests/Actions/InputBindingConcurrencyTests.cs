using System.Text.Json.Nodes;
using Entrada.Core.Actions;

namespace Entrada.Core.Tests.Actions;

/// <summary>
/// Inputs are bound and checked from many threads at once — a playbook's foreach reads 8 elements
/// at a time, and the server serves many runs — including the first time an input type is seen,
/// when what the check learns about the type (its members' nullability) is worked out and kept.
/// Here 64 input types no check has seen are bound by 16 threads released together.
/// </summary>
public sealed class InputBindingConcurrencyTests
{
    /// <summary>An input type per type argument: each closed type has members of its own, new to the check.</summary>
    public sealed record Probe<T>(string? Name = null, IReadOnlyList<string>? Items = null, int? Max = null);

    [Fact]
    public void InputTypesNeverSeenBefore_BoundFromManyThreadsAtOnce_EachBindsAndIsChecked()
    {
        var descriptors = typeof(object).Assembly.GetExportedTypes()
            .Where(t => t is { IsGenericTypeDefinition: false, ContainsGenericParameters: false, IsByRefLike: false, IsPointer: false, IsByRef: false } && t != typeof(void) && !(t.IsAbstract && t.IsSealed))
            .Take(64)
            .Select(t => new ActionDescriptor
            {
                Id = "probe." + t.Name,
                Description = "A probe.",
                Target = ActionTarget.Graph,
                InputType = typeof(Probe<>).MakeGenericType(t),
                OutputType = typeof(string),
            })
            .ToList();
        descriptors.Count.ShouldBe(64);
        const int threads = 16;
        using var start = new Barrier(threads);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var refusals = new System.Collections.Concurrent.ConcurrentBag<string>();

        var workers = Enumerable.Range(0, threads).Select(n => new Thread(() =>
        {
            start.SignalAndWait();
            // Each thread in its own order, so that every type is met first by several at once.
            foreach (var descriptor in descriptors.OrderBy(d => (d.Id.GetHashCode(StringComparison.Ordinal) * 31) ^ n))
            {
                try
                {
                    ActionInput.Bind(descriptor, new JsonObject { ["name"] = "x", ["items"] = new JsonArray("a", "b"), ["max"] = 3 }).ShouldNotBeNull();
                    // A null element in the list is a shape error, found by the same check.
                    var refused = Should.Throw<EntradaValidationException>(() => ActionInput.Bind(descriptor, new JsonObject { ["items"] = new JsonArray("a", null) }));
                    refusals.Add(refused.Errors.Single().Field);
                }
                catch (Exception ex) when (ex is not ShouldAssertException)
                {
                    failures.Add($"{descriptor.Id}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        failures.ShouldBeEmpty();
        refusals.Count.ShouldBe(threads * descriptors.Count);
        refusals.ShouldAllBe(field => field == "items[1]");
    }
}
