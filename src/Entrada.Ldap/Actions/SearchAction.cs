using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Entries;

namespace Entrada.Ldap.Actions;

/// <summary>How deep a search goes.</summary>
public enum LdapScope
{
    /// <summary>The base entry only.</summary>
    Base,
    /// <summary>The base entry's children.</summary>
    One,
    /// <summary>The base entry and everything below it.</summary>
    Subtree,
}

/// <summary>Input of <c>ldap.search</c>.</summary>
public sealed record LdapSearchInput : IValidatableInput
{
    /// <summary>The default page size.</summary>
    public const int DefaultPageSize = 500;

    /// <summary>An RFC 4515 filter.</summary>
    [Description("An RFC 4515 filter, such as (&(objectClass=user)(department=Sales)).")]
    [MaxTextLength(8192)]
    public required string Filter { get; init; }

    /// <summary>Where to search; the connection's base DN when absent.</summary>
    [Description("The DN to search under; the connection's base DN (or the server's default naming context) when absent.")]
    public string? Base { get; init; }

    /// <summary>How deep; subtree when absent.</summary>
    [Description("base, one or subtree (the default).")]
    public LdapScope? Scope { get; init; }

    /// <summary>Attributes to return; all user attributes when absent.</summary>
    [Description("Attributes to return; all user attributes when absent ('+' adds operational ones).")]
    public IReadOnlyList<string>? Attributes { get; init; }

    /// <summary>Entries per page (paged results control); 500 when absent.</summary>
    [Description("Entries per page of the paged search; 500 when absent. Every page is fetched.")]
    public int? PageSize { get; init; }

    /// <summary>Stop after this many entries; no limit when absent.</summary>
    [Description("Stop after this many entries; all entries when absent.")]
    public int? SizeLimit { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        var filter = Filter?.Trim() ?? string.Empty;
        if (filter.Length == 0 || filter[0] != '(' || filter[^1] != ')' || !Balanced(filter))
        {
            errors.Add(new("filter", $"'filter' must be an RFC 4515 filter in balanced parentheses, such as (objectClass=user) or (&(objectClass=user)(cn=Jane*)); write '(', ')', '*' and '\\' inside values as \\28, \\29, \\2a and \\5c."));
        }

        if (Base is not null)
        {
            if (!Escaping.DistinguishedName.TryParse(Base, out _, out var error))
            {
                errors.Add(new("base", $"'base': {error}"));
            }
        }

        LdapActionSession.CheckAttributes("attributes", Attributes, errors);
        if (PageSize is < 1 or > 100_000)
        {
            errors.Add(new("pageSize", "'pageSize' must be between 1 and 100000."));
        }

        if (SizeLimit is < 1)
        {
            errors.Add(new("sizeLimit", "'sizeLimit' must be at least 1 (leave it out for no limit)."));
        }

        return errors;
    }

    private static bool Balanced(string filter)
    {
        var depth = 0;
        for (var i = 0; i < filter.Length; i++)
        {
            if (filter[i] == '\\')
            {
                i++;
                continue;
            }

            depth += filter[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth < 0 || (depth == 0 && i < filter.Length - 1))
            {
                return false;
            }
        }

        return depth == 0;
    }
}

/// <summary><c>ldap.search</c>: a search streamed page by page through the paged-results control.</summary>
internal sealed class SearchAction : ListAction<LdapSearchInput, LdapEntry>
{
    public override ActionDescriptor Descriptor { get; } = Describe("ldap.search", "Search the directory with an LDAP filter; every page of results is fetched and streamed.", ActionTarget.Ldap) with
    {
        Call = "search (paged results control 1.2.840.113556.1.4.319)",
        Example = new JsonObject { ["filter"] = "(&(objectClass=user)(department=Sales))", ["attributes"] = new JsonArray("cn", "mail"), ["scope"] = "subtree" },
    };

    public override async IAsyncEnumerable<LdapEntry> ListAsync(LdapSearchInput input, ActionContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var baseDn = input.Base ?? await session.GetBaseDnAsync(cancellationToken);
        var scope = input.Scope switch
        {
            LdapScope.Base => SearchScope.Base,
            LdapScope.One => SearchScope.OneLevel,
            _ => SearchScope.Subtree,
        };
        var count = 0L;
        await foreach (var entry in session.SearchAsync(baseDn, input.Filter.Trim(), scope, input.Attributes, input.PageSize ?? LdapSearchInput.DefaultPageSize, input.SizeLimit, cancellationToken))
        {
            count++;
            if (count % 500 == 0)
            {
                context.Progress?.Report(new ActionProgress(count, null));
            }

            yield return EntryConverter.Convert(entry);
        }
    }
}
