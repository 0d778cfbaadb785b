using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Escaping;

namespace Entrada.Ldap.Actions;

/// <summary>Input of <c>ldap.rename</c>.</summary>
public sealed record LdapRenameInput : IValidatableInput
{
    /// <summary>The entry's DN.</summary>
    [Description("The entry's distinguished name.")]
    public required string Dn { get; init; }

    /// <summary>The new RDN, such as <c>CN=Jane Smith</c>; the current one when absent.</summary>
    [Description("The new relative name, such as CN=Jane Smith (escape ',' '+' '\"' '\\\\' '<' '>' ';' with '\\\\'); the current one when absent.")]
    public string? NewRdn { get; init; }

    /// <summary>The new parent's DN, to move the entry; the current parent when absent.</summary>
    [Description("The new parent's DN, to move the entry; the current parent when absent.")]
    public string? NewParent { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("dn", Dn, errors);
        if (NewRdn is null && NewParent is null)
        {
            errors.Add(new("newRdn", "Give 'newRdn' to rename, 'newParent' to move, or both."));
        }

        if (NewRdn is not null && (!DistinguishedName.TryParse(NewRdn, out var rdns, out _) || rdns.Count != 1))
        {
            errors.Add(new("newRdn", $"'newRdn' must be one relative name such as CN=Jane Smith; '{NewRdn}' is not."));
        }

        if (NewParent is not null)
        {
            LdapActionSession.CheckDn("newParent", NewParent, errors);
        }

        return errors;
    }
}

/// <summary><c>ldap.rename</c>: a new RDN, a new parent, or both (modify DN).</summary>
internal sealed class RenameAction : EntradaAction<LdapRenameInput, LdapWriteResult>
{
    public override ActionDescriptor Descriptor { get; } = Describe("ldap.rename", "Rename an entry, move it under another parent, or both (modify DN).", ActionTarget.Ldap) with
    {
        Destructive = true,
        Call = "modify DN",
        Example = new JsonObject { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com", ["newRdn"] = "CN=Jane Smith" },
    };

    public override async Task<LdapWriteResult> ExecuteAsync(LdapRenameInput input, ActionContext context, CancellationToken cancellationToken)
    {
        var rdns = DistinguishedName.Parse(input.Dn);
        var newRdn = input.NewRdn ?? rdns[0].ToString();
        var newParent = input.NewParent ?? string.Join(',', rdns.Skip(1));
        var newDn = newParent.Length == 0 ? newRdn : $"{newRdn},{newParent}";
        if (context.DryRun)
        {
            context.Plan("modify DN", input.Dn, new JsonObject { ["newRdn"] = newRdn, ["newParent"] = newParent, ["deleteOldRdn"] = true });
            return new LdapWriteResult(newDn, "renamed", input.Dn);
        }

        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var request = new ModifyDNRequest(input.Dn, newParent, newRdn) { DeleteOldRdn = true };
        await session.SendAsync<ModifyDNResponse>(request, "rename", input.Dn, cancellationToken);
        return new LdapWriteResult(newDn, "renamed", input.Dn);
    }
}
