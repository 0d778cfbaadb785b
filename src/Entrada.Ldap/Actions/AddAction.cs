using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Escaping;
using Entrada.Core.Secrets;

namespace Entrada.Ldap.Actions;

/// <summary>Input of <c>ldap.add</c>.</summary>
public sealed record LdapAddInput : IValidatableInput
{
    /// <summary>The new entry's DN.</summary>
    [Description("The new entry's distinguished name.")]
    public required string Dn { get; init; }

    /// <summary>Attribute name to values (objectClass included); the values of a secret attribute (<c>userPassword</c> …) are secret.</summary>
    [Secret(ByLdapAttributeKey = true)]
    [Description("Attribute name to its values, objectClass included, such as {\"objectClass\": [\"inetOrgPerson\"], \"cn\": [\"Jane\"], \"sn\": [\"Doe\"]}.")]
    [MultiLine]
    [MaxTextLength(LdapValues.MaxValueLength)]
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
