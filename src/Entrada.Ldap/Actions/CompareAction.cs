using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Escaping;
using Entrada.Core.Secrets;

namespace Entrada.Ldap.Actions;

/// <summary>Input of <c>ldap.compare</c>.</summary>
public sealed record LdapCompareInput : IValidatableInput
{
    /// <summary>The entry's DN.</summary>
    [Description("The entry's distinguished name.")]
    public required string Dn { get; init; }

    /// <summary>The attribute to compare.</summary>
    [Description("The attribute to compare.")]
    public required string Attribute { get; init; }

    /// <summary>The value to compare with (the server applies the attribute's matching rule); secret when the attribute is (<c>userPassword</c> …).</summary>
    [Secret(WhenLdapAttributeIn = "attribute")]
    [Description("The value; the server compares with the attribute's equality rule (often case-insensitive).")]
    public required string Value { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("dn", Dn, errors);
        if (!LdapFilter.IsAttributeDescription(Attribute))
        {
            errors.Add(new("attribute", $"'attribute' must be an attribute name; '{Attribute}' is not."));
        }

        return errors;
    }
}

/// <summary>Output of <c>ldap.compare</c>.</summary>
/// <param name="Dn">The entry.</param>
/// <param name="Attribute">The attribute.</param>
/// <param name="Matches">Whether the entry holds the value.</param>
public sealed record LdapCompareResult(string Dn, string Attribute, bool Matches);

/// <summary><c>ldap.compare</c>: whether an entry holds a value, without reading it (works for values one may not read).</summary>
internal sealed class CompareAction : EntradaAction<LdapCompareInput, LdapCompareResult>
{
    public override ActionDescriptor Descriptor { get; } = Describe("ldap.compare", "Check whether an entry's attribute holds a value (an LDAP compare).", ActionTarget.Ldap) with
    {
        Call = "compare",
        Example = new JsonObject { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com", ["attribute"] = "department", ["value"] = "Sales" },
    };

    public override async Task<LdapCompareResult> ExecuteAsync(LdapCompareInput input, ActionContext context, CancellationToken cancellationToken)
    {
        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var response = await session.SendAsync<CompareResponse>(new CompareRequest(input.Dn, input.Attribute, input.Value), "compare", input.Dn, cancellationToken);
        return new LdapCompareResult(input.Dn, input.Attribute, response.ResultCode == ResultCode.CompareTrue);
    }
}
