using System.Security.Cryptography;

namespace Entrada.Emulator.Identity;

internal sealed record AuthorizationCode(
    string ClientId,
    string UserId,
    string RedirectUri,
    IReadOnlyList<string> Scopes,
    string? CodeChallenge,
    string? CodeChallengeMethod,
    string? Nonce,
    DateTimeOffset Expires);

internal sealed record RefreshTokenGrant(string ClientId, string UserId, IReadOnlyList<string> Scopes, DateTimeOffset IssuedAt, DateTimeOffset Expires);

internal enum DeviceCodeStatus
{
    Pending,
    Approved,
    Declined,
}

internal sealed class DeviceCodeGrant
{
    public required string DeviceCode { get; init; }

    public required string UserCode { get; init; }

    public required string ClientId { get; init; }

    public required IReadOnlyList<string> Scopes { get; init; }

    public required DateTimeOffset Expires { get; init; }

    public DeviceCodeStatus Status { get; set; }

    public string? UserId { get; set; }

    public bool Redeemed { get; set; }
}

/// <summary>Authorization codes, refresh tokens and device codes in flight (guarded by the state's lock).</summary>
internal sealed class FlowStore
{
    public Dictionary<string, AuthorizationCode> Codes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, RefreshTokenGrant> RefreshTokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DeviceCodeGrant> DeviceCodes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DeviceCodeGrant> DeviceCodesByUserCode { get; } = new(StringComparer.OrdinalIgnoreCase);

    public static string NewOpaque(string prefix) => prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    public static string NewUserCode() => new(RandomNumberGenerator.GetItems<char>("BCDFGHJKLMNPQRSTVWXZ23456789", 9));
}
