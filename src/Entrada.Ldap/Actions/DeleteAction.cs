using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;

namespace Entrada.Ldap.Actions;

/// <summary>Input of <c>ldap.delete</c>.</summary>
public sealed record LdapDeleteInput : IValidatableInput
{
    /// <summary>The entry's DN.</summary>
    [Description("The distinguished name of the entry to delete (it must have no children).")]
    public required string Dn { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("dn", Dn, errors);
        return errors;
    }
}

/// <summary><c>ldap.delete</c>.</summary>
internal sealed class DeleteAction : EntradaAction<LdapDeleteInput, LdapWriteResult>
{
    public override ActionDescriptor Descriptor { get; } = Describe("ldap.delete", "Delete an entry (one without children).", ActionTarget.Ldap) with
    {
        Destructive = true,
        Call = "delete",
        Example = new JsonObject { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com" },
    };

    public override async Task<LdapWriteResult> ExecuteAsync(LdapDeleteInput input, ActionContext context, CancellationToken cancellationToken)
    {
        if (context.DryRun)
        {
            context.Plan("delete", input.Dn);
            return new LdapWriteResult(input.Dn, "deleted");
        }

        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        await session.SendAsync<DeleteResponse>(new DeleteRequest(input.Dn), "delete", input.Dn, cancellationToken);
        return new LdapWriteResult(input.Dn, "deleted");
    }
}
