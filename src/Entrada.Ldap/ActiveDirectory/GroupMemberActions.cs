using System.ComponentModel;
using System.DirectoryServices.Protocols;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Actions;
using Entrada.Ldap.Errors;
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
