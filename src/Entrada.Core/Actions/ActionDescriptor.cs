using System.Text.Json.Nodes;

namespace Entrada.Core.Actions;

/// <summary>Which kind of connection an action runs on.</summary>
public enum ActionTarget
{
    /// <summary>Microsoft Graph: App Registration and OAuth connections.</summary>
    Graph,
    /// <summary>LDAP connections.</summary>
    Ldap,
}

/// <summary>
/// The permission an action needs: the least-privileged one, and the higher ones that also
/// suffice. For Graph these are permission names (application permissions for App
/// Registration, the delegated permission of the same name for OAuth unless one is named).
/// An action that needs several permissions together lists the others in <see cref="AlsoRequired"/>.
/// </summary>
/// <param name="Least">The least-privileged permission to grant.</param>
/// <param name="Higher">Higher permissions that would also do.</param>
public sealed record PermissionRequirement(string Least, IReadOnlyList<string> Higher)
{
    /// <summary>Other requirements that must hold as well (each satisfied on its own).</summary>
    public IReadOnlyList<PermissionRequirement> AlsoRequired { get; init; } = [];

    /// <summary>A requirement of one permission or any of <paramref name="higher"/>.</summary>
    public static PermissionRequirement Of(string least, params string[] higher) => new(least, higher);

    /// <summary>Whether this requirement alone (ignoring <see cref="AlsoRequired"/>) is met.</summary>
    public bool IsMetBy(IReadOnlySet<string> granted)
    {
        ArgumentNullException.ThrowIfNull(granted);
        return granted.Contains(Least) || Higher.Any(granted.Contains);
    }

    /// <summary>The requirements (this one and <see cref="AlsoRequired"/>) that are not met.</summary>
    public IEnumerable<PermissionRequirement> Unmet(IReadOnlySet<string> granted)
    {
        if (!IsMetBy(granted))
        {
            yield return this with { AlsoRequired = [] };
        }

        foreach (var also in AlsoRequired)
        {
            foreach (var unmet in also.Unmet(granted))
            {
                yield return unmet;
            }
        }
    }
}

/// <summary>
/// What an action is, published to every edge: id, description, the input's JSON Schema, the
/// permission it needs, whether it changes things (then it supports dry run) and whether it
/// takes many targets at once.
/// </summary>
public sealed record ActionDescriptor
{
    /// <summary>The stable id, such as <c>users.disable</c>.</summary>
    public required string Id { get; init; }

    /// <summary>One sentence saying what it does.</summary>
    public required string Description { get; init; }

    /// <summary>Which connections it runs on.</summary>
    public required ActionTarget Target { get; init; }

    /// <summary>The input type (deserialised from JSON).</summary>
    public required Type InputType { get; init; }

    /// <summary>The output type; for a list action, the type of one item.</summary>
    public required Type OutputType { get; init; }

    /// <summary>Whether the output is a stream of items.</summary>
    public bool IsList { get; init; }

    /// <summary>For Graph actions, the application permission needed; null when not checked.</summary>
    public PermissionRequirement? Permission { get; init; }

    /// <summary>For Graph actions on OAuth connections, the delegated permission, when it differs from <see cref="Permission"/>.</summary>
    public PermissionRequirement? DelegatedPermission { get; init; }

    /// <summary>For LDAP actions: needs a TLS-protected session (LDAPS or StartTLS).</summary>
    public bool RequiresTls { get; init; }

    /// <summary>For LDAP actions: needs an Active Directory server.</summary>
    public bool RequiresActiveDirectory { get; init; }

    /// <summary>Whether it changes state (then <c>--dry-run</c> prints what it would send).</summary>
    public bool Destructive { get; init; }

    /// <summary>Whether it takes many targets in one run.</summary>
    public bool Bulk { get; init; }

    /// <summary>The call it makes, for people: <c>PATCH /users/{id}</c>.</summary>
    public string? Call { get; init; }

    /// <summary>An example input, as JSON.</summary>
    public JsonObject? Example { get; init; }

    /// <summary>The permission that applies to a connection of the given method.</summary>
    public PermissionRequirement? PermissionFor(Connections.ConnectionMethod method) =>
        method == Connections.ConnectionMethod.OAuth ? DelegatedPermission ?? Permission : Permission;
}
