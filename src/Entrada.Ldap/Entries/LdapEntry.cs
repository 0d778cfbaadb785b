namespace Entrada.Ldap.Entries;

/// <summary>
/// One directory entry as Entrada outputs it: its DN and its attributes, every attribute's values
/// as an array (one value or many); binary values as base64, named in <see cref="BinaryAttributes"/>;
/// <c>objectGUID</c> and <c>objectSid</c> (and other GUID and SID attributes) in their usual text forms.
/// </summary>
/// <param name="Dn">The distinguished name.</param>
/// <param name="Attributes">Attribute name to values, in the server's spelling, sorted by name.</param>
/// <param name="BinaryAttributes">The attributes whose values are base64; null when there are none.</param>
public sealed record LdapEntry(
    string Dn,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes,
    IReadOnlyList<string>? BinaryAttributes = null)
{
    /// <summary>The first value of an attribute (name compared ignoring case), or null.</summary>
    public string? First(string attribute) =>
        Attributes.FirstOrDefault(a => string.Equals(a.Key, attribute, StringComparison.OrdinalIgnoreCase)).Value is [var first, ..] ? first : null;

    /// <summary>All values of an attribute (name compared ignoring case); empty when absent.</summary>
    public IReadOnlyList<string> All(string attribute) =>
        Attributes.FirstOrDefault(a => string.Equals(a.Key, attribute, StringComparison.OrdinalIgnoreCase)).Value ?? [];
}
