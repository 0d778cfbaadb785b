using System.ComponentModel;
using System.Globalization;
using Entrada.Core.Secrets;
using Microsoft.Graph.Models;

namespace Entrada.Graph.AuthMethods;

/// <summary>A user's Temporary Access Pass as listed: never the pass itself, which Graph gives only when it is made.</summary>
internal sealed record TapItem(
    string? Id,
    DateTimeOffset? CreatedDateTime,
    DateTimeOffset? StartDateTime,
    int? LifetimeInMinutes,
    bool? IsUsableOnce,
    bool? IsUsable,
    [property: Description("Why it is or is not usable: EnabledByPolicy, NotYetValid, Expired, OneTimeUsed …")] string? MethodUsabilityReason)
{
    public static TapItem From(TemporaryAccessPassAuthenticationMethod t) =>
        new(t.Id, t.CreatedDateTime, t.StartDateTime, t.LifetimeInMinutes, t.IsUsableOnce, t.IsUsable, t.MethodUsabilityReason);

    /// <summary>A pass's usability in a few words: "usable until …", or why not.</summary>
    public static string? Usability(TemporaryAccessPassAuthenticationMethod t) => t.IsUsable switch
    {
        true when t.StartDateTime is { } start && t.LifetimeInMinutes is { } minutes => "usable until " + start.AddMinutes(minutes).UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) + (t.IsUsableOnce is true ? ", once" : string.Empty),
        true => "usable",
        _ => "not usable: " + (t.MethodUsabilityReason ?? "unknown"),
    };
}

/// <summary>
/// A Temporary Access Pass just made. The pass is a credential: shown in this run's output only,
/// and masked (<see cref="SecretAttribute"/>) wherever the output is kept — run records, the audit log.
/// </summary>
internal sealed record TapOutput(
    string UserId,
    string? Id,
    [property: Secret, Description("The pass the user signs in with; shown only now, never again.")] string? TemporaryAccessPass,
    DateTimeOffset? StartDateTime,
    int? LifetimeInMinutes,
    bool? IsUsableOnce,
    bool? IsUsable,
    string? MethodUsabilityReason,
    bool DryRun = false);
