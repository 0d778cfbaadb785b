using Spectre.Console.Cli;

namespace Entrada.Cli.Infrastructure;

/// <summary>
/// Boolean options that may take a value (<c>--start-tls [BOOL]</c>) are <see cref="FlagValue{T}"/>
/// of <see cref="bool"/>?: a bare option leaves the value unset, which means true, while
/// <c>false</c> turns it off. (A <see cref="FlagValue{T}"/> of plain <see cref="bool"/> would read
/// the bare form as false.)
/// </summary>
internal static class FlagValues
{
    /// <summary>True for a bare option, the given value when there is one, <see langword="null"/> when the option is absent.</summary>
    public static bool? ValueOf(FlagValue<bool?>? flag) => flag is { IsSet: true } set ? set.Value ?? true : null;
}
