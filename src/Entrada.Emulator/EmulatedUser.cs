namespace Entrada.Emulator;

/// <summary>A user of the emulated tenant as tests see it (a snapshot; changing it changes nothing).</summary>
/// <param name="Id">Object ID.</param>
/// <param name="UserPrincipalName">UPN (guests carry <c>#EXT#</c>).</param>
/// <param name="DisplayName">Display name.</param>
/// <param name="UserType"><c>Member</c> or <c>Guest</c>.</param>
/// <param name="AccountEnabled">Whether sign-in is allowed.</param>
/// <param name="SkuIds">Assigned licence SKU IDs.</param>
/// <param name="SignInSessionsValidFrom">Refresh tokens issued before this are revoked.</param>
/// <param name="RiskLevel">Identity Protection risk level, or <see langword="null"/> when the user was never risky.</param>
/// <param name="RiskState">Identity Protection risk state, or <see langword="null"/>.</param>
/// <param name="GroupIds">IDs of the groups the user is a direct member of.</param>
public sealed record EmulatedUser(
    string Id,
    string UserPrincipalName,
    string? DisplayName,
    string UserType,
    bool AccountEnabled,
    IReadOnlyList<string> SkuIds,
    DateTimeOffset? SignInSessionsValidFrom,
    string? RiskLevel,
    string? RiskState,
    IReadOnlyList<string> GroupIds);
