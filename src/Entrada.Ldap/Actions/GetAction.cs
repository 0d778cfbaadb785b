using System.ComponentModel;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Entries;
using Entrada.Ldap.Errors;

namespace Entrada.Ldap.Actions;

/// <summary>Input of <c>ldap.get</c>.</summary>
public sealed record LdapGetInput : IValidatableInput
{
    /// <summary>The entry's DN.</summary>
    [Description("The entry's distinguished name.")]
    public required string Dn { get; init; }

    /// <summary>Attributes to return; all user attributes when absent.</summary>
    [Description("Attributes to return; all user attributes when absent.")]
    public IReadOnlyList<string>? Attributes { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("dn", Dn, errors);
        LdapActionSession.CheckAttributes("attributes", Attributes, errors);
        return errors;
    }
}

/// <summary><c>ldap.get</c>: one entry by DN.</summary>
internal sealed class GetAction : EntradaAction<LdapGetInput, LdapEntry>
{
    public override ActionDescriptor Descriptor { get; } = Describe("ldap.get", "Read one entry by its distinguished name.", ActionTarget.Ldap) with
    {
        Call = "search (scope base)",
        Example = new JsonObject { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com" },
    };

    public override async Task<LdapEntry> ExecuteAsync(LdapGetInput input, ActionContext context, CancellationToken cancellationToken)
    {
        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var entry = await session.GetEntryAsync(input.Dn, input.Attributes, cancellationToken)
            ?? throw new LdapOperationException(
                LdapFailureKind.Refused,
                $"There is no entry '{input.Dn}' on '{session.Server}'. Check the DN; ldap.find-dn finds a DN by name.",
                resultCode: 32);
        return EntryConverter.Convert(entry);
    }
}
