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

/// <summary>Input of <c>ldap.ad.add-group-member</c> and <c>ldap.ad.remove-group-member</c>.</summary>
public sealed record LdapGroupMemberInput : IValidatableInput
{
    /// <summary>The group's DN.</summary>
    [Description("The group's distinguished name.")]
    public required string GroupDn { get; init; }

    /// <summary>The member's DN (user, group, computer or contact).</summary>
    [Description("The member's distinguished name (a user, group, computer or contact).")]
    public required string MemberDn { get; init; }

    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        LdapActionSession.CheckDn("groupDn", GroupDn, errors);
        LdapActionSession.CheckDn("memberDn", MemberDn, errors);
        return errors;
    }
}

/// <summary>Output of the membership changes.</summary>
/// <param name="GroupDn">The group.</param>
/// <param name="MemberDn">The member.</param>
/// <param name="Changed">False when the membership was already as asked (nothing was written).</param>
/// <param name="IsMember">Whether the member is a direct member afterwards.</param>
public sealed record LdapGroupMemberResult(string GroupDn, string MemberDn, bool Changed, bool IsMember);

/// <summary>Adds or removes a value of the group's <c>member</c> attribute, after checking both entries exist.</summary>
internal abstract class GroupMemberAction(bool add) : EntradaAction<LdapGroupMemberInput, LdapGroupMemberResult>
{
    protected static ActionDescriptor DescribeMember(string id, string description) =>
        Describe(id, description, ActionTarget.Ldap) with
        {
            RequiresActiveDirectory = true,
            Destructive = true,
            Call = "modify member",
            Example = new JsonObject { ["groupDn"] = "CN=Sales,OU=Groups,DC=example,DC=com", ["memberDn"] = "CN=Jane Doe,OU=People,DC=example,DC=com" },
        };

    public override async Task<LdapGroupMemberResult> ExecuteAsync(LdapGroupMemberInput input, ActionContext context, CancellationToken cancellationToken)
    {
        using var session = await LdapActionSession.OpenAsync(context, Descriptor, cancellationToken);
        var group = await session.GetEntryAsync(input.GroupDn, ["objectClass"], cancellationToken)
            ?? throw NoEntry(session, input.GroupDn, "group");
        if (!(group.Attributes["objectClass"]?.GetValues(typeof(string)).Cast<string>().Contains("group", StringComparer.OrdinalIgnoreCase) ?? false))
        {
            throw new LdapOperationException(LdapFailureKind.InvalidInput, $"'{input.GroupDn}' is not a group (its objectClass has no 'group'). Give a group's DN as 'groupDn'.");
        }

        _ = await session.GetEntryAsync(input.MemberDn, ["objectClass"], cancellationToken) ?? throw NoEntry(session, input.MemberDn, "member");
        var compare = await session.SendAsync<CompareResponse>(new CompareRequest(input.GroupDn, "member", input.MemberDn), "compare", input.GroupDn, cancellationToken);
        var isMember = compare.ResultCode == ResultCode.CompareTrue;
        if (isMember == add)
        {
            return new LdapGroupMemberResult(input.GroupDn, input.MemberDn, false, isMember);
        }

        if (context.DryRun)
        {
            context.Plan("modify", input.GroupDn, new JsonArray(new JsonObject { ["operation"] = add ? "add" : "delete", ["attribute"] = "member", ["values"] = new JsonArray(input.MemberDn) }));
            return new LdapGroupMemberResult(input.GroupDn, input.MemberDn, true, add);
        }

        try
        {
            var operation = add ? DirectoryAttributeOperation.Add : DirectoryAttributeOperation.Delete;
            await session.SendAsync<ModifyResponse>(new ModifyRequest(input.GroupDn, operation, "member", input.MemberDn), add ? "add of a member" : "removal of a member", input.GroupDn, cancellationToken);
        }
        catch (LdapOperationException ex) when (ex.ResultCode is 20 or 68 or 16)
        {
            // Changed between the check and the write: the membership is as asked all the same.
            return new LdapGroupMemberResult(input.GroupDn, input.MemberDn, false, add);
        }

        return new LdapGroupMemberResult(input.GroupDn, input.MemberDn, true, add);
    }

    private static LdapOperationException NoEntry(LdapSession session, string dn, string role) =>
        new(LdapFailureKind.Refused, $"There is no {role} '{dn}' on '{session.Server}'. Check the DN; ldap.find-dn finds a DN by name.", resultCode: 32);
}

/// <summary><c>ldap.ad.add-group-member</c>.</summary>
internal sealed class AddGroupMemberAction() : GroupMemberAction(add: true)
{
    public override ActionDescriptor Descriptor { get; } = DescribeMember("ldap.ad.add-group-member", "Add a member to an Active Directory group (nothing is written when it is already a member).");
}

/// <summary><c>ldap.ad.remove-group-member</c>.</summary>
internal sealed class RemoveGroupMemberAction() : GroupMemberAction(add: false)
{
    public override ActionDescriptor Descriptor { get; } = DescribeMember("ldap.ad.remove-group-member", "Remove a member from an Active Directory group (nothing is written when it is not a member).");
}

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
