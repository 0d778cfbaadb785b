using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Escaping;
using Entrada.Core.Secrets;

namespace Entrada.Ldap.Actions;

/// <summary>The kind of change to one attribute.</summary>
public enum LdapChangeOperation
{
    /// <summary>Add the values.</summary>
    Add,
    /// <summary>Replace all values with these (none: remove the attribute).</summary>
    Replace,
    /// <summary>Delete these values (none: the whole attribute).</summary>
    Delete,
}

/// <summary>One change of <c>ldap.modify</c>.</summary>
public sealed record LdapChange
{
    /// <summary>add, replace or delete.</summary>
    [Description("add, replace or delete.")]
    public required LdapChangeOperation Operation { get; init; }

    /// <summary>The attribute.</summary>
    [Description("The attribute to change.")]
    public required string Attribute { get; init; }

    /// <summary>The values (none with delete: the whole attribute; none with replace: remove it); secret when the attribute is (<c>userPassword</c> …).</summary>
    [Secret(WhenLdapAttributeIn = "attribute")]
    [Description("The values; leave out with delete to remove the whole attribute.")]
    [MultiLine]
    [MaxTextLength(LdapValues.MaxValueLength)]
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>Whether the values are base64 to be sent as bytes.</summary>
    [Description("true when the values are base64, to be sent as bytes (jpegPhoto, thumbnailPhoto …).")]
    public bool? Binary { get; init; }
}

/// <summary>Input of <c>ldap.modify</c>.</summary>
public sealed record LdapModifyInput : IValidatableInput
{
    /// <summary>The entry's DN.</summary>
    [Description("The entry's distinguished name.")]
    public required string Dn { get; init; }

    /// <summary>The changes, applied together (all or none).</summary>
    [Description("The changes, applied together in one request: all or none.")]
    public required IReadOnlyList<LdapChange> Changes { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("dn", Dn, errors);
        if (Changes is null || Changes.Count == 0)
        {
            errors.Add(new("changes", "'changes' must hold at least one change: {\"operation\": \"replace\", \"attribute\": \"description\", \"values\": [\"…\"]}."));
        }

        for (var i = 0; i < (Changes?.Count ?? 0); i++)
        {
            var change = Changes![i];
            if (!LdapFilter.IsAttributeDescription(change.Attribute))
            {
                errors.Add(new($"changes[{i}].attribute", $"'changes[{i}].attribute' must be an attribute name; '{change.Attribute}' is not."));
            }

            if (change.Operation == LdapChangeOperation.Add && (change.Values is null || change.Values.Count == 0))
            {
                errors.Add(new($"changes[{i}].values", $"'changes[{i}]' adds to '{change.Attribute}' but gives no values."));
            }

            if (change.Binary == true)
            {
                foreach (var value in change.Values ?? [])
                {
                    if (!LdapValues.IsBase64(value))
                    {
                        errors.Add(new($"changes[{i}].values", $"'changes[{i}]' is marked binary, but a value of '{change.Attribute}' is not base64."));
                        break;
                    }
                }
            }
        }

        return errors;
    }
}

/// <summary><c>ldap.modify</c>.</summary>
internal sealed class ModifyAction : EntradaAction<LdapModifyInput, LdapWriteResult>
{
    public override ActionDescriptor Descriptor { get; } = Describe("ldap.modify", "Change an entry's attributes: add, replace or delete values, all in one request.", ActionTarget.Ldap) with
    {
        Destructive = true,
        Call = "modify",
        Example = new JsonObject { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com", ["changes"] = new JsonArray(new JsonObject { ["operation"] = "replace", ["attribute"] = "department", ["values"] = new JsonArray("Sales") }) },
    };

    public override async Task<LdapWriteResult> ExecuteAsync(LdapModifyInput input, ActionContext context, CancellationToken cancellationToken)
    {
        if (context.DryRun)
        {
            context.Plan("modify", input.Dn, new JsonArray([.. input.Changes.Select(c => (JsonNode?)new JsonObject
            {
                ["operation"] = c.Operation.ToString().ToLowerInvariant(),
                ["attribute"] = c.Attribute,
                ["values"] = LdapValues.Json(c.Values),
                ["binary"] = c.Binary == true,
            })]));
            return new LdapWriteResult(input.Dn, "modified");
        }

        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var request = new ModifyRequest(input.Dn, [.. input.Changes.Select(c =>
        {
            var modification = new DirectoryAttributeModification
            {
                Name = c.Attribute,
                Operation = c.Operation switch
                {
                    LdapChangeOperation.Add => DirectoryAttributeOperation.Add,
                    LdapChangeOperation.Delete => DirectoryAttributeOperation.Delete,
                    _ => DirectoryAttributeOperation.Replace,
                },
            };
            foreach (var value in c.Values ?? [])
            {
                if (c.Binary == true)
                {
                    modification.Add(Convert.FromBase64String(value));
                }
                else
                {
                    modification.Add(value);
                }
            }

            return modification;
        })]);
        await session.SendAsync<ModifyResponse>(request, "modify", input.Dn, cancellationToken);
        return new LdapWriteResult(input.Dn, "modified");
    }
}
