using Entrada.Emulator.State;

namespace Entrada.Emulator.OData;

/// <summary>What a collection allows, following Graph's rules for that resource.</summary>
internal sealed record CollectionRules
{
    /// <summary>Directory objects: ne/not/endsWith/$search/$count and sorting with a filter need an advanced query.</summary>
    public bool DirectoryObjects { get; init; } = true;

    public bool AllowTop { get; init; } = true;

    public bool AllowSkip { get; init; }

    public bool AllowFilter { get; init; } = true;

    public bool AllowOrderBy { get; init; } = true;

    public bool AllowSearch { get; init; } = true;

    /// <summary>Items are in ascending <see cref="Entity.Seq"/> order, so <c>$skiptoken</c> can name a sequence.</summary>
    public bool SeqOrdered { get; init; }

    public int DefaultPageSize { get; init; } = 100;

    public int MaxPageSize { get; init; } = 999;

    /// <summary>Write <c>@odata.type</c> on each item (polymorphic collections such as members).</summary>
    public bool Polymorphic { get; init; }

    public static readonly CollectionRules TopLevel = new() { SeqOrdered = true };
    public static readonly CollectionRules Links = new() { Polymorphic = true };
    public static readonly CollectionRules CastLinks = new();
}
