using System.ComponentModel;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Shared;

namespace Entrada.Graph.Groups;

/// <summary>Input naming one group.</summary>
internal sealed record GroupIdInput([property: Description("The group's object ID.")] string Id) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: false);
}
