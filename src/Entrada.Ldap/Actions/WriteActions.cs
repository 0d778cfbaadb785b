using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Escaping;

namespace Entrada.Ldap.Actions;

/// <summary>Input of <c>ldap.add</c>.</summary>
public sealed record LdapAddInput : IValidatableInput
{
    /// <summary>The new entry's DN.</summary>
    [Description("The new entry's distinguished name.")]
    public required string Dn { get; init; }

    /// <summary>Attribute name to values (objectClass included).</summary>
    [Description("Attribute name to its values, objectClass included, such as {\"objectClass\": [\"inetOrgPerson\"], \"cn\": [\"Jane\"], \"sn\": [\"Doe\"]}.")]
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; init; }

    /// <summary>Attributes whose values are given as base64 and sent as bytes.</summary>
    [Description("Attributes whose values are base64 (sent as bytes), such as jpegPhoto.")]
    public IReadOnlyList<string>? BinaryAttributes { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("dn", Dn, errors);
        if (Attributes is null || Attributes.Count == 0)
        {
            errors.Add(new("attributes", "'attributes' must name at least objectClass and the attributes the class requires."));
        }

        foreach (var (name, values) in Attributes ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            if (!LdapFilter.IsAttributeDescription(name))
            {
                errors.Add(new("attributes", $"'{name}' in 'attributes' is not an attribute name."));
            }
            else if (values is null || values.Count == 0)
            {
                errors.Add(new("attributes", $"Attribute '{name}' has no values; give at least one or leave it out."));
            }
        }

        LdapValues.CheckBinary("binaryAttributes", BinaryAttributes, Attributes ?? new Dictionary<string, IReadOnlyList<string>>(), errors);
        return errors;
    }
}

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

    /// <summary>The values (none with delete: the whole attribute; none with replace: remove it).</summary>
    [Description("The values; leave out with delete to remove the whole attribute.")]
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

/// <summary>Output of the entry writes.</summary>
/// <param name="Dn">The entry's DN (after a rename, its new DN).</param>
/// <param name="Operation">What was done: added, modified, deleted, renamed.</param>
/// <param name="PreviousDn">Before a rename, its old DN.</param>
public sealed record LdapWriteResult(string Dn, string Operation, string? PreviousDn = null);

/// <summary>Values as the server wants them: text as UTF-8 strings, binary from base64 as bytes.</summary>
internal static class LdapValues
{
    public static bool IsBase64(string value)
    {
        var buffer = new byte[(value.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    public static void CheckBinary(string field, IReadOnlyList<string>? binary, IReadOnlyDictionary<string, IReadOnlyList<string>> attributes, List<ValidationError> errors)
    {
        foreach (var name in binary ?? [])
        {
            var values = attributes.FirstOrDefault(a => string.Equals(a.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
            if (values is null)
            {
                errors.Add(new(field, $"'{name}' is listed in '{field}' but not in 'attributes'."));
            }
            else if (values.Any(v => !IsBase64(v)))
            {
                errors.Add(new(field, $"'{name}' is listed as binary, but one of its values is not base64."));
            }
        }
    }

    public static DirectoryAttribute Attribute(string name, IEnumerable<string> values, bool binary)
    {
        var attribute = new DirectoryAttribute { Name = name };
        foreach (var value in values)
        {
            if (binary)
            {
                attribute.Add(Convert.FromBase64String(value));
            }
            else
            {
                attribute.Add(value);
            }
        }

        return attribute;
    }

    public static JsonArray Json(IEnumerable<string>? values) => new([.. (values ?? []).Select(v => (JsonNode?)JsonValue.Create(v))]);
}

/// <summary><c>ldap.add</c>.</summary>
internal sealed class AddAction : EntradaAction<LdapAddInput, LdapWriteResult>
{
    public override ActionDescriptor Descriptor { get; } = Describe("ldap.add", "Add an entry with its attributes.", ActionTarget.Ldap) with
    {
        Destructive = true,
        Call = "add",
        Example = new JsonObject { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com", ["attributes"] = new JsonObject { ["objectClass"] = new JsonArray("user"), ["sAMAccountName"] = new JsonArray("jdoe") } },
    };

    public override async Task<LdapWriteResult> ExecuteAsync(LdapAddInput input, ActionContext context, CancellationToken cancellationToken)
    {
        var binary = new HashSet<string>(input.BinaryAttributes ?? [], StringComparer.OrdinalIgnoreCase);
        if (context.DryRun)
        {
            var body = new JsonObject();
            foreach (var (name, values) in input.Attributes)
            {
                body[name] = LdapValues.Json(values);
            }

            context.Plan("add", input.Dn, body);
            return new LdapWriteResult(input.Dn, "added");
        }

        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var request = new AddRequest(input.Dn, [.. input.Attributes.Select(a => LdapValues.Attribute(a.Key, a.Value, binary.Contains(a.Key)))]);
        await session.SendAsync<AddResponse>(request, "add", input.Dn, cancellationToken);
        return new LdapWriteResult(input.Dn, "added");
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
