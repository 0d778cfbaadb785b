using System.ComponentModel;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Shared;

namespace Entrada.Graph.RiskyUsers;

/// <summary>Input naming one risky user by user object ID or user principal name.</summary>
internal sealed record RiskyUserIdInput(
    [property: Description("The user's object ID, or user principal name (looked up by filter).")] string Id,
    int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}
