using System.Buffers.Binary;
using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Actions;
using Entrada.Ldap.Errors;
using Entrada.Ldap.Escaping;
using Entrada.Ldap.Sessions;

namespace Entrada.Ldap.ActiveDirectory;

/// <summary>Input of <c>ldap.ad.list-user-groups</c>.</summary>
public sealed record LdapUserGroupsInput : IValidatableInput
{
    /// <summary>The user's (or any account's) DN.</summary>
    [Description("The user's distinguished name.")]
    public required string Dn { get; init; }

    /// <summary>Include groups reached through other groups.</summary>
    [Description("true: also the groups the user belongs to through other groups (matching rule 1.2.840.113556.1.4.1941).")]
    public bool? Nested { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("dn", Dn, errors);
        return errors;
    }
}

/// <summary>One group of <c>ldap.ad.list-user-groups</c>.</summary>
/// <param name="Dn">The group's DN.</param>
/// <param name="Name">Its cn.</param>
/// <param name="SamAccountName">Its pre-Windows 2000 name.</param>
/// <param name="Direct">Whether the user is a direct member (false: through another group).</param>
/// <param name="Primary">Whether it is the user's primary group (primaryGroupID, usually Domain Users).</param>
public sealed record LdapUserGroup(string Dn, string? Name, string? SamAccountName, bool Direct, bool Primary = false);

/// <summary><c>ldap.ad.list-user-groups</c>: direct groups, the primary group, and with <c>nested</c> every group reached transitively.</summary>
internal sealed class ListUserGroupsAction : ListAction<LdapUserGroupsInput, LdapUserGroup>
{
    /// <summary>LDAP_MATCHING_RULE_IN_CHAIN.</summary>
    internal const string InChain = "1.2.840.113556.1.4.1941";

    private static readonly string[] GroupAttributes = ["cn", "sAMAccountName"];

    public override ActionDescriptor Descriptor { get; } = Describe("ldap.ad.list-user-groups", "List the groups an Active Directory user belongs to: direct, primary and, with nested, through other groups.", ActionTarget.Ldap) with
    {
        RequiresActiveDirectory = true,
        Call = $"search (member:{InChain}:=dn)",
        Example = new JsonObject { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com", ["nested"] = true },
    };

    public override async IAsyncEnumerable<LdapUserGroup> ListAsync(LdapUserGroupsInput input, ActionContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var user = await session.GetEntryAsync(input.Dn, ["memberOf", "objectSid", "primaryGroupID"], cancellationToken)
            ?? throw new LdapOperationException(LdapFailureKind.Refused, $"There is no entry '{input.Dn}' on '{session.Server}'. Check the DN; ldap.find-dn finds a DN by name.", resultCode: 32);
        var direct = new HashSet<string>(
            user.Attributes["memberOf"]?.GetValues(typeof(string)).Cast<string>() ?? [], StringComparer.OrdinalIgnoreCase);
        var baseDn = await session.GetBaseDnAsync(cancellationToken);

        var primary = await FindPrimaryGroupAsync(session, baseDn, user, cancellationToken);
        if (primary is not null)
        {
            yield return primary;
        }

        var rule = input.Nested == true ? $":{InChain}:" : string.Empty;
        var filter = $"(&(objectClass=group)(member{rule}={LdapFilter.Escape(input.Dn)}))";
        await foreach (var entry in session.SearchAsync(baseDn, filter, SearchScope.Subtree, GroupAttributes, 500, null, cancellationToken))
        {
            if (primary is not null && DistinguishedName.AreEqual(entry.DistinguishedName, primary.Dn))
            {
                continue;
            }

            yield return new LdapUserGroup(
                entry.DistinguishedName,
                First(entry, "cn"),
                First(entry, "sAMAccountName"),
                input.Nested != true || direct.Contains(entry.DistinguishedName));
        }
    }

    // The primary group is not in member/memberOf: its SID is the user's domain SID with primaryGroupID as the last part.
    private static async Task<LdapUserGroup?> FindPrimaryGroupAsync(LdapSession session, string baseDn, SearchResultEntry user, CancellationToken cancellationToken)
    {
        var sid = user.Attributes["objectSid"]?.GetValues(typeof(byte[])).Cast<byte[]>().FirstOrDefault();
        var ridText = user.Attributes["primaryGroupID"]?.GetValues(typeof(string)).Cast<string>().FirstOrDefault();
        if (sid is not { Length: >= 12 } || !uint.TryParse(ridText, NumberStyles.None, CultureInfo.InvariantCulture, out var rid))
        {
            return null;
        }

        var groupSid = (byte[])sid.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(groupSid.AsSpan(groupSid.Length - 4), rid);
        await foreach (var entry in session.SearchAsync(baseDn, $"(objectSid={LdapFilter.Escape(groupSid)})", SearchScope.Subtree, GroupAttributes, 10, 1, cancellationToken))
        {
            return new LdapUserGroup(entry.DistinguishedName, First(entry, "cn"), First(entry, "sAMAccountName"), Direct: true, Primary: true);
        }

        return null;
    }

    private static string? First(SearchResultEntry entry, string attribute) =>
        entry.Attributes[attribute]?.GetValues(typeof(string)).Cast<string>().FirstOrDefault();
}
