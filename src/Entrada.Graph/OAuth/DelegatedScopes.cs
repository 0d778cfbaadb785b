using Entrada.Core.Actions;
using Entrada.Core.Connections;

namespace Entrada.Graph.OAuth;

/// <summary>
/// The scopes an OAuth connection asks for: the least-privileged delegated permission of every
/// Graph action of the catalogue (from the permission table, through
/// <see cref="ActionDescriptor.PermissionFor"/>), <c>User.Read</c> for <c>GET /me</c>, and
/// <c>offline_access</c> for the refresh token. Graph permissions carry the cloud's Graph resource
/// as prefix so that a sovereign cloud's token is for its own Graph.
/// </summary>
internal sealed class DelegatedScopes(ActionCatalog catalog)
{
    /// <summary>What <c>GET /me</c> needs.</summary>
    public const string UserRead = "User.Read";

    /// <summary>The scope that brings a refresh token.</summary>
    public const string OfflineAccess = "offline_access";

    private IReadOnlyList<string>? _permissions;

    /// <summary>The delegated permissions, unprefixed, ordered.</summary>
    public IReadOnlyList<string> Permissions => _permissions ??= Compute();

    /// <summary>The scopes to request for a connection's cloud (Graph permissions prefixed, plus <c>offline_access</c>).</summary>
    public string[] For(CloudSettings cloud)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        var resource = Resource(cloud);
        return [.. Permissions.Select(p => $"{resource}/{p}"), OfflineAccess];
    }

    /// <summary>The Graph resource of a cloud: the <c>/.default</c> scope without its suffix.</summary>
    public static string Resource(CloudSettings cloud)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        var scope = cloud.DefaultScope;
        return scope[..scope.LastIndexOf('/')];
    }

    private List<string> Compute()
    {
        var result = new SortedSet<string>(StringComparer.OrdinalIgnoreCase) { UserRead };
        foreach (var action in catalog.All)
        {
            if (action.Descriptor.Target != ActionTarget.Graph || action.Descriptor.PermissionFor(ConnectionMethod.OAuth) is not { } requirement)
            {
                continue;
            }

            result.Add(requirement.Least);
            foreach (var also in requirement.AlsoRequired)
            {
                result.Add(also.Least);
            }
        }

        return [.. result];
    }
}
