using Entrada.Core.Connections;

namespace Entrada.Core.Actions;

/// <summary>What a connection is known to be able to do, as learnt by testing it.</summary>
/// <param name="Method">The connection's method.</param>
/// <param name="GrantedPermissions">Graph permissions granted (token <c>roles</c> or <c>scp</c>); empty for LDAP.</param>
/// <param name="IsActiveDirectory">LDAP: whether the server is Active Directory; null when unknown.</param>
/// <param name="UsesTls">LDAP: whether the session is protected by TLS.</param>
public sealed record ConnectionCapabilities(ConnectionMethod Method, IReadOnlySet<string> GrantedPermissions, bool? IsActiveDirectory = null, bool UsesTls = false);

/// <summary>Whether one action can run on a connection, and if not, what to grant.</summary>
/// <param name="ActionId">The action.</param>
/// <param name="Ready">Whether it can run.</param>
/// <param name="Reason">Why not, as a sentence; null when ready.</param>
/// <param name="MissingPermission">The least-privileged permission to add; null when none is missing.</param>
/// <param name="AlternativePermissions">Higher permissions that would also do.</param>
/// <param name="AlsoMissing">Further permissions needed together with <paramref name="MissingPermission"/>.</param>
public sealed record ActionReadiness(
    string ActionId,
    bool Ready,
    string? Reason,
    string? MissingPermission,
    IReadOnlyList<string> AlternativePermissions,
    IReadOnlyList<string> AlsoMissing)
{
    /// <summary>Evaluates one action against what a connection can do.</summary>
    public static ActionReadiness Evaluate(ActionDescriptor action, ConnectionCapabilities capabilities)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(capabilities);
        var isGraphConnection = capabilities.Method != ConnectionMethod.Ldap;
        if ((action.Target == ActionTarget.Graph) != isGraphConnection)
        {
            return NotReady(action, $"'{action.Id}' runs on {(action.Target == ActionTarget.Graph ? "App Registration or OAuth" : "LDAP")} connections.");
        }

        if (action.Target == ActionTarget.Ldap)
        {
            if (action.RequiresActiveDirectory && capabilities.IsActiveDirectory == false)
            {
                return NotReady(action, $"'{action.Id}' needs an Active Directory server (such as Microsoft Entra Domain Services); this server is not Active Directory.");
            }

            if (action.RequiresTls && !capabilities.UsesTls)
            {
                return NotReady(action, $"'{action.Id}' needs a TLS-protected session: use an ldaps:// URI or --start-tls.");
            }

            return new ActionReadiness(action.Id, true, null, null, [], []);
        }

        var requirement = action.PermissionFor(capabilities.Method);
        if (requirement is null)
        {
            return new ActionReadiness(action.Id, true, null, null, [], []);
        }

        var unmet = requirement.Unmet(capabilities.GrantedPermissions).ToList();
        if (unmet.Count == 0)
        {
            return new ActionReadiness(action.Id, true, null, null, [], []);
        }

        var first = unmet[0];
        var also = unmet.Skip(1).Select(u => u.Least).ToList();
        var kind = capabilities.Method == ConnectionMethod.OAuth ? "delegated" : "application";
        var reason = $"Missing the {kind} permission {first.Least}"
            + (also.Count > 0 ? $" (and {string.Join(", ", also)})" : string.Empty)
            + (first.Higher.Count > 0 ? $"; {string.Join(" or ", first.Higher)} would also do." : ".");
        return new ActionReadiness(action.Id, false, reason, first.Least, first.Higher, also);
    }

    private static ActionReadiness NotReady(ActionDescriptor action, string reason) =>
        new(action.Id, false, reason, null, [], []);
}
