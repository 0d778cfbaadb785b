using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Entrada.Core.Actions;

namespace Entrada.Core.Secrets;

/// <summary>
/// The one place that decides what of an action's input, plan or output is secret, used by every
/// place that keeps or shows one (run records live and stored, jobs, the audit log, dry-run plans).
/// By meaning first: the fields the input or output type marks <see cref="SecretAttribute"/>, and LDAP values
/// of the attributes in <see cref="LdapSecretAttributes"/>. Then, as a fallback for documents
/// without a type (a <c>graph.request</c> body, a plan, an output), by name: a member whose name
/// says it is secret (password, secret, token …) or names a secret LDAP attribute, and the values
/// of an LDAP change (<c>{"attribute": "userPassword", "values": […]}</c>) to such an attribute.
/// </summary>
public static class SecretMasking
{
    /// <summary>The mask written in place of a secret value.</summary>
    public const string Mask = "***";

    private static readonly string[] SecretWords = ["password", "secret", "token", "apikey", "privatekey", "certificate", "credential", "unicodepwd", "assertion", "temporaryaccesspass", "redeemurl"];

    private static readonly string[] ValueMembers = ["values", "value", "vals"];

    private static readonly ConcurrentDictionary<Type, Shape?> Shapes = new();

    /// <summary>
    /// LDAP attributes whose values are passwords, password hashes or keys (Active Directory,
    /// LAPS, OpenLDAP, Samba, Kerberos, BitLocker, trusts). Compared without case and options
    /// (<c>userPassword;binary</c> is <c>userPassword</c>).
    /// </summary>
    public static IReadOnlySet<string> LdapSecretAttributes { get; } = new HashSet<string>(
    [
        "userPassword", "unicodePwd", "dBCSPwd", "lmPwdHistory", "ntPwdHistory", "supplementalCredentials", "clearTextPassword",
        "ms-Mcs-AdmPwd", "msLAPS-Password", "msLAPS-EncryptedPassword", "msLAPS-EncryptedPasswordHistory",
        "msLAPS-EncryptedDSRMPassword", "msLAPS-EncryptedDSRMPasswordHistory", "msDS-ManagedPassword",
        "unixUserPassword", "sambaNTPassword", "sambaLMPassword", "sambaPasswordHistory", "sambaClearTextPassword",
        "authPassword", "pwdHistory", "olcRootPW", "krbPrincipalKey", "userPKCS12",
        "trustAuthIncoming", "trustAuthOutgoing", "initialAuthIncoming", "initialAuthOutgoing", "currentValue", "priorValue",
        "msFVE-RecoveryPassword", "msFVE-KeyPackage", "msTPM-OwnerInformation",
    ], StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a member's name says it holds a secret (password, secret, token, key, certificate …).</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var flat = name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal);
        return SecretWords.Any(w => flat.Contains(w, StringComparison.OrdinalIgnoreCase)) || IsSecretLdapAttribute(name);
    }

    /// <summary>Whether an LDAP attribute description (with or without options) holds secret values.</summary>
    public static bool IsSecretLdapAttribute(string? attribute)
    {
        if (string.IsNullOrWhiteSpace(attribute))
        {
            return false;
        }

        var semicolon = attribute.IndexOf(';', StringComparison.Ordinal);
        return LdapSecretAttributes.Contains((semicolon < 0 ? attribute : attribute[..semicolon]).Trim());
    }

    /// <summary>
    /// A copy of an action's input with its secrets masked: the fields <paramref name="descriptor"/>'s
    /// input type marks secret, LDAP values of secret attributes, and whatever the name rule catches.
    /// </summary>
    public static JsonNode? MaskInput(ActionDescriptor? descriptor, JsonNode? input)
    {
        if (input is null)
        {
            return null;
        }

        var copy = input.DeepClone();
        if (descriptor is not null && ShapeOf(descriptor.InputType) is { } shape)
        {
            ApplyShape(copy, shape);
        }

        ApplyNames(copy);
        return copy;
    }

    /// <summary>
    /// A copy of an action's output with its secrets masked: the fields <paramref name="descriptor"/>'s
    /// output type marks <see cref="SecretAttribute"/> (each item's, for a list action) — a Temporary
    /// Access Pass, an invitation's redeem URL — and whatever the name rule catches. What the run
    /// returned to its caller is not touched: a secret an action makes is shown there once.
    /// </summary>
    public static JsonNode? MaskOutput(ActionDescriptor? descriptor, JsonNode? output)
    {
        if (output is null)
        {
            return null;
        }

        var copy = output.DeepClone();
        if (descriptor is not null && ShapeOf(descriptor.OutputType) is { } shape)
        {
            if (descriptor.IsList && copy is JsonArray items)
            {
                foreach (var item in items)
                {
                    ApplyShape(item, shape);
                }
            }
            else
            {
                ApplyShape(copy, shape);
            }
        }

        ApplyNames(copy);
        return copy;
    }

    /// <summary>A copy of a document without a type (a plan's body, an output, audit details) with its secrets masked by the name rule.</summary>
    public static JsonNode? MaskUntyped(JsonNode? node) => MaskInput(null, node);

    /// <summary>
    /// The input fields of <paramref name="inputType"/> that <see cref="SecretAttribute"/> marks, as
    /// JSON paths (<c>password</c>, <c>changes[].values</c>, <c>attributes{}</c>).
    /// </summary>
    public static IReadOnlyList<string> SecretFieldsOf(Type inputType)
    {
        ArgumentNullException.ThrowIfNull(inputType);
        var paths = new List<string>();
        Collect(ShapeOf(inputType), string.Empty, paths, 0);
        return paths;
    }

    /// <summary>Whether a member of an input type is marked always secret (its schema is <c>writeOnly</c>, <c>format: password</c>).</summary>
    public static bool IsAlwaysSecret(ICustomAttributeProvider? member) =>
        member?.GetCustomAttributes(typeof(SecretAttribute), inherit: true) is [SecretAttribute { Always: true }, ..];

    private static void Collect(Shape? shape, string prefix, List<string> paths, int depth)
    {
        if (shape is null || depth > 8)
        {
            return;
        }

        if (shape.Mark is not null)
        {
            paths.Add(shape.Mark.ByLdapAttributeKey ? prefix + "{}" : prefix);
        }

        Collect(shape.Items, prefix + "[]", paths, depth + 1);
        foreach (var (name, child) in shape.Properties ?? [])
        {
            Collect(child, prefix.Length == 0 ? name : $"{prefix}.{name}", paths, depth + 1);
        }
    }

    private static void ApplyShape(JsonNode? node, Shape shape)
    {
        switch (node)
        {
            case JsonObject obj when shape.Properties is not null:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (!shape.Properties.TryGetValue(name, out var child) || obj[name] is not { } value)
                    {
                        continue;
                    }

                    if (child.Mark is { Always: true }
                        || (child.Mark?.WhenLdapAttributeIn is { } sibling && IsSecretLdapAttribute(StringMember(obj, sibling))))
                    {
                        obj[name] = Masked(value);
                    }
                    else if (child.Mark is { ByLdapAttributeKey: true } && value is JsonObject map)
                    {
                        MaskSecretAttributeKeys(map);
                    }
                    else
                    {
                        ApplyShape(value, child);
                    }
                }

                break;
            case JsonObject map when shape.Items is not null:
                foreach (var (_, value) in map)
                {
                    ApplyShape(value, shape.Items);
                }

                break;
            case JsonArray array when shape.Items is not null:
                foreach (var item in array)
                {
                    ApplyShape(item, shape.Items);
                }

                break;
        }
    }

    private static void ApplyNames(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                // An LDAP change or compare to a secret attribute: its values are secret, whatever they are called.
                var changesSecret = obj.Any(p => p.Key.Equals("attribute", StringComparison.OrdinalIgnoreCase) && p.Value is JsonValue v
                    && v.TryGetValue<string>(out var attribute) && IsSecretLdapAttribute(attribute));
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (obj[name] is null)
                    {
                        continue;
                    }

                    if (IsSecretName(name) || (changesSecret && ValueMembers.Contains(name, StringComparer.OrdinalIgnoreCase)))
                    {
                        obj[name] = Masked(obj[name]!);
                    }
                    else
                    {
                        ApplyNames(obj[name]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    ApplyNames(item);
                }

                break;
        }
    }

    private static void MaskSecretAttributeKeys(JsonObject map)
    {
        foreach (var name in map.Select(p => p.Key).ToList())
        {
            if (map[name] is { } value && IsSecretLdapAttribute(name))
            {
                map[name] = Masked(value);
            }
        }
    }

    /// <summary>The mask in the value's shape: a list keeps its length (each value masked), anything else is one mask.</summary>
    private static JsonNode Masked(JsonNode value) => value is JsonArray array
        ? new JsonArray([.. array.Select(_ => (JsonNode?)JsonValue.Create(Mask))])
        : JsonValue.Create(Mask);

    private static string? StringMember(JsonObject obj, string name)
    {
        var member = obj.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
        return member is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    private static Shape? ShapeOf(Type type) => Shapes.GetOrAdd(type, static t => Build(t, []));

    /// <summary>Where the secrets of a type are: a marked field, or members and items that hold some. Null when none.</summary>
    private static Shape? Build(Type type, HashSet<Type> visiting)
    {
        if (type.IsPrimitive || type == typeof(string) || type.IsEnum || typeof(JsonNode).IsAssignableFrom(type) || !visiting.Add(type))
        {
            return null;
        }

        try
        {
            var info = ActionInput.Options.GetTypeInfo(type);
            switch (info.Kind)
            {
                case JsonTypeInfoKind.Object:
                    var properties = new Dictionary<string, Shape>(StringComparer.OrdinalIgnoreCase);
                    foreach (var property in info.Properties)
                    {
                        var mark = property.AttributeProvider?.GetCustomAttributes(typeof(SecretAttribute), inherit: true).OfType<SecretAttribute>().FirstOrDefault();
                        var inner = mark is null ? Build(property.PropertyType, visiting) : null;
                        if (mark is not null || inner is not null)
                        {
                            properties[property.Name] = mark is not null ? new Shape { Mark = mark } : inner!;
                        }
                    }

                    return properties.Count > 0 ? new Shape { Properties = properties } : null;
                case JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary when info.ElementType is { } element:
                    return Build(element, visiting) is { } items ? new Shape { Items = items } : null;
                default:
                    return null;
            }
        }
        finally
        {
            visiting.Remove(type);
        }
    }

    private sealed class Shape
    {
        public SecretAttribute? Mark { get; init; }

        public Dictionary<string, Shape>? Properties { get; init; }

        public Shape? Items { get; init; }
    }
}
