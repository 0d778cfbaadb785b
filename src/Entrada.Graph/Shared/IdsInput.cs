using System.ComponentModel;
using Entrada.Core;
using Entrada.Core.Actions;

namespace Entrada.Graph.Shared;

/// <summary>Input naming many directory objects by object ID (service principals, devices).</summary>
internal sealed record IdsInput([property: Description("Object IDs (GUIDs).")] IReadOnlyList<string> Ids) : IValidatableInput, IBulkInput
{
    IReadOnlyList<string> IBulkInput.BulkItems => Ids;

    public IEnumerable<ValidationError> Validate() => InputRules.RequireIds("ids", Ids, allowUpn: false);
}
