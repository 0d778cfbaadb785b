using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Errors;
using Entrada.Ldap.Escaping;
using Entrada.Ldap.Sessions;

namespace Entrada.Ldap.Actions;

/// <summary>What every LDAP action does first: open a session on the action's connection and check what the action needs.</summary>
internal static class LdapActionSession
{
    public static async Task<LdapSession> OpenAsync(ActionContext context, ActionDescriptor action, CancellationToken cancellationToken)
    {
        var settings = context.Connection.Ldap ?? throw new EntradaValidationException(
            "connection", $"'{action.Id}' needs an LDAP connection; '{context.Connection.Name}' is not one.");
        if (action.RequiresTls && !(settings.IsLdaps || settings.StartTls))
        {
            throw new LdapOperationException(
                LdapFailureKind.InvalidInput,
                $"'{action.Id}' runs only over TLS, because it sends a password; connection '{context.Connection.Name}' uses plain ldap://. Use an ldaps:// URI or --start-tls.");
        }

        var session = await LdapSession.OpenAsync(LdapSessionSettings.From(settings), context.Logger, context.Time, cancellationToken);
        try
        {
            if (action.RequiresActiveDirectory)
            {
                var root = await session.ReadRootDseAsync(cancellationToken);
                if (!root.IsActiveDirectory)
                {
                    throw new LdapOperationException(
                        LdapFailureKind.InvalidInput,
                        $"'{action.Id}' works only with Active Directory (or Microsoft Entra Domain Services), and the server of connection '{context.Connection.Name}' at '{session.Server}' is not Active Directory{(root.Vendor is null ? "" : $" ({root.Vendor})")}. Use the generic actions (ldap.modify, ldap.search) instead.");
                }
            }

            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Checks a DN given in an input, naming the field.</summary>
    public static void CheckDn(string field, string? dn, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(dn))
        {
            errors.Add(new(field, $"'{field}' is required: a distinguished name such as CN=Jane Doe,OU=People,DC=example,DC=com."));
        }
        else if (!DistinguishedName.TryParse(dn, out var rdns, out var error) || rdns.Count == 0)
        {
            errors.Add(new(field, $"'{field}': {error ?? "the root DSE is not an entry this action can use."}"));
        }
    }

    /// <summary>Checks attribute names given in an input.</summary>
    public static void CheckAttributes(string field, IEnumerable<string>? attributes, List<ValidationError> errors)
    {
        foreach (var attribute in attributes ?? [])
        {
            if (attribute is not ("*" or "+" or "1.1") && !LdapFilter.IsAttributeDescription(attribute))
            {
                errors.Add(new(field, $"'{attribute}' in '{field}' is not an attribute name (letters, digits and '-', or an OID; '*' for all user attributes, '+' for operational ones)."));
            }
        }
    }

    /// <summary>Records a change a dry run would have made.</summary>
    public static void Plan(ActionContext context, string operation, string dn, JsonNode? body) => context.Plan(operation, dn, body);
}
