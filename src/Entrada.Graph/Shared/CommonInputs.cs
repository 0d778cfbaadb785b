using System.ComponentModel;
using Entrada.Core;
using Entrada.Core.Actions;

namespace Entrada.Graph.Shared;

/// <summary>The input of list actions.</summary>
/// <param name="Filter">An OData <c>$filter</c>, as Graph takes it.</param>
/// <param name="Search">A <c>$search</c>, such as <c>displayName:ann</c> (quotes added when missing).</param>
/// <param name="Select">Properties to return.</param>
/// <param name="Max">Stop after this many items; all when absent.</param>
internal sealed record ListInput(
    [property: Description("OData $filter, as Graph takes it, e.g. startsWith(displayName,'A').")][property: MaxTextLength(4096)] string? Filter = null,
    [property: Description("$search, e.g. displayName:ann (the quotes Graph wants are added).")][property: MaxTextLength(4096)] string? Search = null,
    [property: Description("Properties to return.")] IReadOnlyList<string>? Select = null,
    [property: Description("Stop after this many items; all when absent.")] int? Max = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (Max is <= 0)
        {
            yield return new ValidationError("max", $"'max' must be a positive number, not {Max}.");
        }
    }
}

/// <summary>Input naming one user.</summary>
internal sealed record UserIdInput([property: Description("Object ID or user principal name.")] string Id) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate() => InputRules.RequireId("id", Id, allowUpn: true);
}

/// <summary>An input with no fields.</summary>
internal sealed record NoInput;
