using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>OData alternate keys: <c>users(userPrincipalName='…')</c>, <c>groups(uniqueName='…')</c>.</summary>
internal sealed partial class GraphApi
{
    /// <summary>
    /// The alternate keys Graph v1.0 declares for a collection (its metadata, from which the SDKs'
    /// <c>UsersWithUserPrincipalName</c>, <c>GroupsWithUniqueName</c> come), each resolved to the object's id
    /// before routing, so routes see <c>users/{id}</c>. A collection served later adds its keys here (for
    /// example <c>applications(appId='…')</c>, <c>servicePrincipals(appId='…')</c>, <c>devices(deviceId='…')</c>).
    /// </summary>
    private static readonly Dictionary<(string Collection, string Property), Func<EmulatorState, string, string?>> AlternateKeyResolvers = new(KeyComparer.Instance)
    {
        [("users", "userPrincipalName")] = (state, upn) => state.UsersByUpn.TryGetValue(upn, out var user) ? user.Id : null,
        [("groups", "uniqueName")] = (state, name) => state.Groups.FirstOrDefault(g => string.Equals(g.GetString("uniqueName"), name, StringComparison.OrdinalIgnoreCase))?.Id,
    };

    /// <summary>Replaces each alternate key in the path by the id of the object it names (404 when none does).</summary>
    private void ResolveAlternateKeys(GraphRequest request)
    {
        foreach (var (index, property) in request.AlternateKeys ?? new Dictionary<int, string>())
        {
            var collection = request.Segments[index - 1];
            var value = request.Segments[index];
            if (!AlternateKeyResolvers.TryGetValue((collection, property), out var resolve))
            {
                throw GraphException.BadRequest($"'{property}' is not a key of '{collection}': address it by id, or by an alternate key Graph declares for it.");
            }

            request.Segments[index] = resolve(State, value) ?? throw GraphException.NotFound($"{collection}({property}='{value}')");
        }
    }

    private sealed class KeyComparer : IEqualityComparer<(string Collection, string Property)>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals((string Collection, string Property) x, (string Collection, string Property) y) =>
            StringComparer.Ordinal.Equals(x.Collection, y.Collection) && StringComparer.OrdinalIgnoreCase.Equals(x.Property, y.Property);

        public int GetHashCode((string Collection, string Property) key) =>
            HashCode.Combine(StringComparer.Ordinal.GetHashCode(key.Collection), StringComparer.OrdinalIgnoreCase.GetHashCode(key.Property));
    }
}
