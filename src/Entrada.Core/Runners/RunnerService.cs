using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Core.Audit;
using Entrada.Core.Secrets;

namespace Entrada.Core.Runners;

/// <summary>A runner as every edge lists it.</summary>
public sealed record RunnerView
{
    /// <summary>Its id.</summary>
    public required string Id { get; init; }
    /// <summary>Its group.</summary>
    public required string Group { get; init; }
    /// <summary>Its name.</summary>
    public required string Name { get; init; }
    /// <summary>Its Entrada version, as it last reported it.</summary>
    public string? Version { get; init; }
    /// <summary>The address its connection came from.</summary>
    public string? Address { get; init; }
    /// <summary>When its current (or last) connection was made.</summary>
    public DateTimeOffset? ConnectedSince { get; init; }
    /// <summary>When it was last heard from.</summary>
    public DateTimeOffset? LastHeartbeat { get; init; }
    /// <summary>How many runs it holds now.</summary>
    public int RunsInProgress { get; init; }
    /// <summary><c>online</c>, <c>offline</c> or <c>revoked</c>.</summary>
    public required string Status { get; init; }
    /// <summary>When it registered.</summary>
    public DateTimeOffset RegisteredAt { get; init; }
    /// <summary>When it was revoked.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>A registration token, shown once.</summary>
/// <param name="Token">The token (kept only as a hash).</param>
/// <param name="Group">The group it registers a runner in.</param>
/// <param name="ExpiresAt">When it stops working.</param>
public sealed record RunnerToken(Secret Token, string Group, DateTimeOffset ExpiresAt);

/// <summary>What a runner sends to register.</summary>
/// <param name="Token">The one-time registration token.</param>
/// <param name="Group">The group it asks to join (must be the token's).</param>
/// <param name="Name">Its name.</param>
/// <param name="PublicKey">Its ECDSA P-256 public key (SubjectPublicKeyInfo, base64).</param>
/// <param name="Version">Its Entrada version.</param>
public sealed record RunnerRegistration(Secret Token, string Group, string Name, string PublicKey, string? Version);

/// <summary>
/// The runner use cases of every edge: registration tokens, registering a runner, authenticating
/// its connections, listing and revoking runners. Audited here once.
/// </summary>
public sealed class RunnerService(RunnerStore store, RunnerDispatcher dispatcher, AuditLog audit, TimeProvider time)
{
    private const string TokenPrefix = "entrada_rt_";

    /// <summary>Makes a one-time registration token for a group; it expires after <see cref="RunnerOptions.TokenLifetime"/>.</summary>
    public async Task<RunnerToken> CreateTokenAsync(string? group, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        group = group?.Trim();
        if (RunnerGroups.Check(group) is { } problem)
        {
            throw new EntradaValidationException("group", problem);
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var token = new Secret(TokenPrefix + id + "_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));
        var now = time.GetUtcNow();
        var expires = now + dispatcher.Options.TokenLifetime;
        await store.InsertTokenAsync(id, group!, Hash(token), now, expires, cancellationToken);
        await audit.RecordAsync(caller, "runners.token-create", null, AuditOutcome.Succeeded, TimeSpan.Zero, new JsonObject { ["group"] = group, ["tokenId"] = id, ["expiresAt"] = expires });
        return new RunnerToken(token, group!, expires);
    }

    /// <summary>Registers a runner with a token: single use, unexpired, of the same group; its public key is recorded.</summary>
    public async Task<RunnerRecord> RegisterAsync(RunnerRegistration registration, string? address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var errors = new List<ValidationError>();
        var group = registration.Group?.Trim();
        if (RunnerGroups.Check(group) is { } groupProblem)
        {
            errors.Add(new("group", groupProblem));
        }

        var name = registration.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > 64 || name.Any(char.IsControl))
        {
            errors.Add(new("name", "A runner's name is 1–64 printable characters (its host name unless given)."));
        }

        if (!IsP256PublicKey(registration.PublicKey))
        {
            errors.Add(new("publicKey", "The public key must be an ECDSA P-256 SubjectPublicKeyInfo in base64."));
        }

        if (errors.Count > 0)
        {
            throw new EntradaValidationException(errors);
        }

        var runner = new RunnerRecord
        {
            Id = "rn_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            Group = group!,
            Name = name,
            PublicKey = registration.PublicKey,
            RegisteredAt = time.GetUtcNow(),
            Version = registration.Version,
        };
        var use = await store.RegisterAsync(Hash(registration.Token), runner.Group, runner, time.GetUtcNow(), cancellationToken);
        var caller = new Caller(CallerInterface.Api, "runner:" + runner.Id);
        var details = new JsonObject { ["runner"] = runner.Id, ["name"] = runner.Name, ["group"] = runner.Group, ["address"] = address, ["version"] = runner.Version };
        if (use != TokenUse.Registered)
        {
            var refused = new RunnerTokenRefusedException(use, runner.Group);
            details.Remove("runner");
            await audit.RecordAsync(new Caller(CallerInterface.Api, "runner"), "runners.register", null, AuditOutcome.Failed, TimeSpan.Zero, details, refused.Message);
            throw refused;
        }

        await audit.RecordAsync(caller, "runners.register", null, AuditOutcome.Succeeded, TimeSpan.Zero, details);
        return runner;
    }

    /// <summary>
    /// The runner a connection proof names, when the proof is signed with its recorded key, recent,
    /// and the runner is not revoked; null otherwise (nothing says which check failed).
    /// </summary>
    public async Task<RunnerRecord?> AuthenticateAsync(string? proof, CancellationToken cancellationToken)
    {
        if (proof is null || !RunnerCredentials.TryParse(proof, out var runnerId, out var parts))
        {
            return null;
        }

        var runner = await store.FindAsync(runnerId, cancellationToken);
        return runner is { Active: true } && RunnerCredentials.Verify(runnerId, parts, runner.PublicKey, time.GetUtcNow()) ? runner : null;
    }

    /// <summary>Every runner with its live state.</summary>
    public async Task<IReadOnlyList<RunnerView>> ListAsync(CancellationToken cancellationToken)
    {
        var live = dispatcher.Connected().ToDictionary(l => l.RunnerId, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        return [.. (await store.ListAsync(cancellationToken)).Select(r =>
        {
            var connected = live.GetValueOrDefault(r.Id);
            // Another process (the CLI) sees what the server last wrote: online while heartbeats are recent.
            var recent = r.LastSeenAt is { } seen && now - seen <= dispatcher.Options.Lease;
            return new RunnerView
            {
                Id = r.Id,
                Group = r.Group,
                Name = r.Name,
                Version = connected?.Version ?? r.Version,
                Address = connected?.Address ?? r.Address,
                ConnectedSince = connected?.ConnectedAt ?? r.ConnectedAt,
                LastHeartbeat = connected?.LastHeartbeat ?? r.LastSeenAt,
                RunsInProgress = connected?.RunsInProgress ?? 0,
                Status = !r.Active ? "revoked" : (dispatcher.Channel is not null ? connected is not null : recent) ? "online" : "offline",
                RegisteredAt = r.RegisteredAt,
                RevokedAt = r.RevokedAt,
            };
        })];
    }

    /// <summary>Revokes a runner: it is refused from now on, and an open connection of it is dropped at once.</summary>
    public async Task<RunnerRecord> RevokeAsync(string id, Caller caller, CancellationToken cancellationToken)
    {
        var runner = await store.RevokeAsync(id.Trim(), time.GetUtcNow(), cancellationToken) ?? throw new RunnerNotFoundException(id);
        dispatcher.Drop(runner.Id);
        await audit.RecordAsync(caller, "runners.revoke", null, AuditOutcome.Succeeded, TimeSpan.Zero, new JsonObject { ["runner"] = runner.Id, ["name"] = runner.Name, ["group"] = runner.Group });
        return runner;
    }

    private static string Hash(Secret token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token.Reveal())));

    private static bool IsP256PublicKey(string? key)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > 512)
        {
            return false;
        }

        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(key), out _);
            return ecdsa.ExportParameters(false).Curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return false;
        }
    }
}

/// <summary>A registration token was refused.</summary>
public sealed class RunnerTokenRefusedException(TokenUse use, string group) : EntradaException(use switch
{
    TokenUse.Used => "The registration token was already used: each token registers one runner. Make a new token for the group.",
    TokenUse.Expired => "The registration token has expired. Make a new token for the group.",
    TokenUse.OtherGroup => $"The registration token is for another runner group than '{group}'. Use the group the token was made for, or make a token for '{group}'.",
    _ => "The registration token is not known to this server. Make a token on the server the runner registers with.",
})
{
    /// <summary>Why it was refused.</summary>
    public TokenUse Use { get; } = use;

    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.Authentication;
}

/// <summary>No runner has the given id.</summary>
public sealed class RunnerNotFoundException(string id) : EntradaException($"There is no runner '{id}'.", next: new NextStep(NextStepKind.ListRunners))
{
    /// <inheritdoc />
    public override ErrorKind Kind => ErrorKind.NotFound;
}
