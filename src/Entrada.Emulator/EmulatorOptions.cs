using Microsoft.Extensions.Logging;

namespace Entrada.Emulator;

/// <summary>How an <see cref="EmulatorServer"/> is started: port, data, behaviour and certificates.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The TCP port on 127.0.0.1 to listen on.</summary>
    /// <value>Default <c>0</c>: a free port is picked and reported through <see cref="EmulatorServer.AuthorityHost"/>.</value>
    public int Port { get; set; }

    /// <summary>A JSON seed file describing the tenant (see the README of this project for its shape).</summary>
    /// <value>Default <see langword="null"/>: the tenant is generated from <see cref="Users"/> and <see cref="Groups"/>.</value>
    public string? SeedFile { get; set; }

    /// <summary>How many users to generate when there is no <see cref="SeedFile"/>. Generation is deterministic.</summary>
    /// <value>Default <c>25</c>.</value>
    public int Users { get; set; } = 25;

    /// <summary>How many groups to generate when there is no <see cref="SeedFile"/>. Generation is deterministic.</summary>
    /// <value>Default <c>5</c>.</value>
    public int Groups { get; set; } = 5;

    /// <summary>A delay added before every response, in milliseconds.</summary>
    /// <value>Default <c>0</c>.</value>
    public int LatencyMs { get; set; }

    /// <summary>Whether Microsoft Graph's throttling model is applied.</summary>
    /// <value>Default <see cref="ThrottleMode.Realistic"/>.</value>
    public ThrottleMode Throttle { get; set; } = ThrottleMode.Realistic;

    /// <summary>A file to write the CA certificate to, in PEM, so that clients can trust exactly it.</summary>
    /// <value>Default <see langword="null"/>: nothing is written.</value>
    public string? CaCertificateOutPath { get; set; }

    /// <summary>
    /// A PEM (or PFX) certificate to load instead of generating one. When it is a CA certificate
    /// (basic constraints CA=true) a server certificate is issued from it at start, so that a
    /// client keeps trusting the same CA across runs; otherwise it is used as the server certificate
    /// and the last certificate of the file (or the certificate itself) is reported as the CA.
    /// </summary>
    /// <value>Default <see langword="null"/>: a CA and a server certificate are generated at start.</value>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key of <see cref="CertificatePath"/> when the certificate file does not hold it.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? CertificateKeyPath { get; set; }

    /// <summary>The lifetime of issued access tokens.</summary>
    /// <value>Default one hour (Microsoft's default is 60–90 minutes).</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The clock used for token lifetimes, codes and throttling windows (tests pass a fake one).</summary>
    /// <value>Default <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the emulator logs.</summary>
    /// <value>Default <see langword="null"/>: no logging.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Port is < 0 or > 65535)
        {
            problems.Add($"Port must be between 0 and 65535, not {Port}.");
        }

        if (Users < 0)
        {
            problems.Add($"Users must not be negative, not {Users}.");
        }

        if (Groups < 0)
        {
            problems.Add($"Groups must not be negative, not {Groups}.");
        }

        if (LatencyMs < 0)
        {
            problems.Add($"LatencyMs must not be negative, not {LatencyMs}.");
        }

        if (AccessTokenLifetime <= TimeSpan.Zero)
        {
            problems.Add("AccessTokenLifetime must be positive.");
        }

        if (SeedFile is not null && !File.Exists(SeedFile))
        {
            problems.Add($"The seed file '{SeedFile}' does not exist.");
        }

        if (CertificatePath is not null && !File.Exists(CertificatePath))
        {
            problems.Add($"The certificate file '{CertificatePath}' does not exist.");
        }

        if (CertificateKeyPath is not null && CertificatePath is null)
        {
            problems.Add("CertificateKeyPath needs CertificatePath.");
        }

        return problems;
    }
}

/// <summary>Whether the emulator applies Microsoft Graph's throttling limits.</summary>
public enum ThrottleMode
{
    /// <summary>Resource units per app and tenant, the write limit and Identity Protection's limit, as Microsoft documents them.</summary>
    Realistic,

    /// <summary>No throttling (faults injected through the control API still apply).</summary>
    Off,
}

/// <summary>An app registration of the emulated tenant, with its emulator-only credentials.</summary>
/// <param name="Name">The app's name (<c>demo</c>, <c>no-consent</c> or from the seed).</param>
/// <param name="ClientId">The application (client) ID.</param>
/// <param name="ClientSecret">A valid client secret (emulator-only).</param>
/// <param name="Permissions">The application permissions granted (admin-consented) when the server started.</param>
public sealed record EmulatorApp(string Name, string ClientId, string ClientSecret, IReadOnlyList<string> Permissions);
