using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Escaping;

namespace Entrada.Ldap.Actions;

/// <summary>Input of <c>ldap.find-dn</c>.</summary>
public sealed record LdapFindDnInput : IValidatableInput
{
    /// <summary>A name, account name, UPN or mail address, matched exactly (not as a pattern).</summary>
    [Description("A name, sAMAccountName, user principal name or mail address; matched exactly, never as a pattern.")]
    public required string Query { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        if (string.IsNullOrWhiteSpace(Query))
        {
            yield return new("query", "'query' is required: a name, account name, UPN or mail address.");
        }
    }
}

/// <summary>One entry found by <c>ldap.find-dn</c>.</summary>
/// <param name="Dn">Its distinguished name.</param>
/// <param name="ObjectClass">Its most specific object class.</param>
/// <param name="Name">Its cn (or name).</param>
public sealed record LdapFoundDn(string Dn, string? ObjectClass, string? Name);

/// <summary><c>ldap.find-dn</c>: what <c>dsquery</c> does — the DNs whose cn, name, sAMAccountName, userPrincipalName or mail equal the query.</summary>
internal sealed class FindDnAction : ListAction<LdapFindDnInput, LdapFoundDn>
{
    internal static readonly string[] MatchedAttributes = ["cn", "name", "sAMAccountName", "userPrincipalName", "mail"];

    public override ActionDescriptor Descriptor { get; } = Describe("ldap.find-dn", "Find the DNs of entries whose cn, name, sAMAccountName, userPrincipalName or mail equal the query (what dsquery does).", ActionTarget.Ldap) with
    {
        Call = "search (|(cn=q)(name=q)(sAMAccountName=q)(userPrincipalName=q)(mail=q))",
        Example = new JsonObject { ["query"] = "jdoe@example.com" },
    };

    public override async IAsyncEnumerable<LdapFoundDn> ListAsync(LdapFindDnInput input, ActionContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var baseDn = await session.GetBaseDnAsync(cancellationToken);
        var filter = FilterFor(input.Query.Trim());
        await foreach (var entry in session.SearchAsync(baseDn, filter, SearchScope.Subtree, ["objectClass", "cn", "name"], 500, null, cancellationToken))
        {
            var classes = entry.Attributes["objectClass"]?.GetValues(typeof(string)).Cast<string>().ToList() ?? [];
            var name = entry.Attributes["cn"]?.GetValues(typeof(string)).Cast<string>().FirstOrDefault()
                ?? entry.Attributes["name"]?.GetValues(typeof(string)).Cast<string>().FirstOrDefault();
            yield return new LdapFoundDn(entry.DistinguishedName, classes.Count > 0 ? classes[^1] : null, name);
        }
    }

    internal static string FilterFor(string query) => LdapFilter.Or(MatchedAttributes.Select(a => LdapFilter.Equal(a, query)));
}
