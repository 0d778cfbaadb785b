using System.ComponentModel;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Shared;

namespace Entrada.Graph.Users;

/// <summary>Input naming many users.</summary>
internal sealed record UserIdsInput([property: Description("Object IDs or user principal names.")] IReadOnlyList<string> UserIds) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => UserIds;

    public IEnumerable<ValidationError> Validate() => InputRules.RequireIds("userIds", UserIds, allowUpn: true);
}
