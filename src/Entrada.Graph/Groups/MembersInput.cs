using System.ComponentModel;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Shared;

namespace Entrada.Graph.Groups;

/// <summary>Input of groups.members.add and groups.members.remove.</summary>
internal sealed record MembersInput(
    [property: Description("The group's object ID.")] string GroupId,
    [property: Description("Object IDs of the users, groups, devices or service principals.")] IReadOnlyList<string> MemberIds) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => MemberIds;

    public IEnumerable<ValidationError> Validate() =>
        InputRules.RequireId("groupId", GroupId, allowUpn: false).Concat(InputRules.RequireIds("memberIds", MemberIds, allowUpn: false));
}
