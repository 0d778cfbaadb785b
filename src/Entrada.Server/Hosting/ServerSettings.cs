using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Emulator;
using Microsoft.Extensions.Logging;

namespace Entrada.Server.Hosting;

/// <summary>How to start the server.</summary>
internal sealed class ServerSettings
{
    /// <summary>The address to listen on.</summary>
    /// <value>Default <c>http://127.0.0.1:5080</c>; a port of 0 picks a free one (see <see cref="EntradaServer.Url"/>).</value>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>The home folder (database and key ring).</summary>
    public required EntradaHome Home { get; init; }

    /// <summary>How the key ring is protected at rest.</summary>
    /// <value>Default <see langword="null"/>: as the environment variables say (<see cref="KeyRingProtection.FromEnvironment"/>).</value>
    public KeyRingProtection? KeyRing { get; init; }

    /// <summary>Start the emulated tenant in-process and keep a ready connection named <c>Demo tenant</c> to it.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool Demo { get; init; }

    /// <summary>The emulator's options when <see cref="Demo"/> is set.</summary>
    /// <value>Default: a generated tenant on a free port.</value>
    public EmulatorOptions? DemoOptions { get; init; }

    /// <summary>How long a run request waits for the action before answering 202 with the run to poll.</summary>
    /// <value>Default 10 seconds.</value>
    public TimeSpan RunWait { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How many wrong keys an address may send in <see cref="SignInFailureWindow"/> before it gets 429.</summary>
    /// <value>Default 10.</value>
    public int SignInFailureLimit { get; init; } = 10;

    /// <summary>The window of <see cref="SignInFailureLimit"/>.</summary>
    /// <value>Default one minute.</value>
    public TimeSpan SignInFailureWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The largest request body the API reads, in bytes, unless an endpoint has its own (<see cref="MaxRunBodySize"/>).</summary>
    /// <value>Default 1 MB (1,048,576 bytes).</value>
    public long MaxRequestBodySize { get; init; } = 1024 * 1024;

    /// <summary>The largest body of a run (<c>POST /api/v1/actions/{id}/runs</c>), in bytes.</summary>
    /// <value>
    /// Default 8 MB (8,388,608 bytes): room for a bulk input of <see cref="MaxListItems"/> ids (an
    /// object id is 39 bytes in a JSON list, so 100,000 of them are 3.9 MB; user principal names are longer).
    /// </value>
    public long MaxRunBodySize { get; init; } = 8 * 1024 * 1024;

    /// <summary>The most characters of any one string in a run's input.</summary>
    /// <value>Default 16,384.</value>
    public int MaxStringLength { get; init; } = 16 * 1024;

    /// <summary>The most items of any one list in a run's input (the ids of a bulk run).</summary>
    /// <value>Default 100,000.</value>
    public int MaxListItems { get; init; } = 100_000;

    /// <summary>The certificate (with its private key) served for <c>https://</c> addresses.</summary>
    /// <value>Default <see langword="null"/>: only <c>http://</c> addresses can be served.</value>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? TlsCertificate { get; init; }

    /// <summary>How the server works with its runners (heartbeats, leases, how long a run waits for one).</summary>
    /// <value>Default <see langword="null"/>: <see cref="Core.Runners.RunnerOptions"/>' defaults.</value>
    public Core.Runners.RunnerOptions? Runners { get; init; }

    /// <summary>Sets up logging (the CLI adds its file log and stderr).</summary>
    /// <value>Default <see langword="null"/>: warnings and errors to stderr.</value>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }

    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                problems.Add($"The address '{url}' is not valid: expected http://HOST:PORT, such as http://127.0.0.1:5080.");
            }
        }

        if (TlsCertificate is null && Urls.Contains("https://", StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("An https:// address needs a certificate to serve: give --tls-cert FILE (PEM with the certificate and its private key).");
        }

        if (Runners is not null)
        {
            problems.AddRange(Runners.Validate());
        }

        if (SignInFailureLimit < 1)
        {
            problems.Add("The sign-in failure limit must be at least 1.");
        }

        if (MaxRequestBodySize < 1024 || MaxRunBodySize < 1024)
        {
            problems.Add("The request body limits must be at least 1,024 bytes.");
        }

        if (MaxStringLength < 256 || MaxListItems < 1)
        {
            problems.Add("The input limits must allow strings of at least 256 characters and lists of at least 1 item.");
        }

        return problems;
    }
}
