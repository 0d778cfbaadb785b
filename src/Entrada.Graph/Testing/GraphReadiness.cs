using Entrada.Core.Actions;
using Entrada.Core.Connections;

namespace Entrada.Graph.Testing;

/// <summary>
/// Readiness of every Graph action for a set of granted permissions, and the permissions to ask
/// an administrator for — shared by the App Registration and OAuth testers.
/// </summary>
internal static class GraphReadiness
{
    /// <summary>Evaluates every Graph action; <c>Missing</c> lists each permission to grant once, sorted.</summary>
    public static (IReadOnlyList<ActionReadiness> Actions, IReadOnlyList<string> Missing) Evaluate(ActionCatalog catalog, ConnectionMethod method, IEnumerable<string> granted)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var capabilities = new ConnectionCapabilities(method, new HashSet<string>(granted, StringComparer.OrdinalIgnoreCase));
        var readiness = catalog.All
            .Where(a => a.Descriptor.Target == ActionTarget.Graph)
            .Select(a => ActionReadiness.Evaluate(a.Descriptor, capabilities))
            .ToList();
        var missing = readiness.Where(r => !r.Ready && r.MissingPermission is not null)
            .SelectMany(r => new[] { r.MissingPermission! }.Concat(r.AlsoMissing))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
        return (readiness, missing);
    }
}
