namespace Entrada.Core.Connections;

/// <summary>The Microsoft cloud a Graph connection talks to.</summary>
public enum CloudKind
{
    /// <summary>Microsoft's global cloud (login.microsoftonline.com, graph.microsoft.com).</summary>
    Global,
    /// <summary>US Government L4 (login.microsoftonline.us, graph.microsoft.us).</summary>
    UsGov,
    /// <summary>US Government L5 / DoD (login.microsoftonline.us, dod-graph.microsoft.us).</summary>
    UsGovDod,
    /// <summary>Microsoft Azure operated by 21Vianet (login.chinacloudapi.cn, microsoftgraph.chinacloudapi.cn).</summary>
    China,
    /// <summary>Any other identity platform and Graph endpoint (the emulated tenant, a proxy).</summary>
    Custom,
}

/// <summary>
/// Where a Graph connection authenticates and which Graph it calls. For Microsoft's clouds the
/// endpoints are fixed; <see cref="CloudKind.Custom"/> names its own, with an optional CA
/// certificate that is trusted for that connection only.
/// </summary>
/// <param name="Kind">The cloud.</param>
/// <param name="AuthorityHost">The identity platform's host, e.g. <c>https://login.microsoftonline.com</c>.</param>
/// <param name="GraphEndpoint">Graph's v1.0 base URL, e.g. <c>https://graph.microsoft.com/v1.0</c>.</param>
/// <param name="CaCertificatePem">For a custom cloud, the CA certificate (PEM) to trust; otherwise null.</param>
public sealed record CloudSettings(CloudKind Kind, Uri AuthorityHost, Uri GraphEndpoint, string? CaCertificatePem = null)
{
    /// <summary>Microsoft's global cloud.</summary>
    public static CloudSettings Global { get; } = new(CloudKind.Global, new Uri("https://login.microsoftonline.com"), new Uri("https://graph.microsoft.com/v1.0"));

    /// <summary>US Government L4.</summary>
    public static CloudSettings UsGov { get; } = new(CloudKind.UsGov, new Uri("https://login.microsoftonline.us"), new Uri("https://graph.microsoft.us/v1.0"));

    /// <summary>US Government L5 (DoD).</summary>
    public static CloudSettings UsGovDod { get; } = new(CloudKind.UsGovDod, new Uri("https://login.microsoftonline.us"), new Uri("https://dod-graph.microsoft.us/v1.0"));

    /// <summary>Microsoft Azure operated by 21Vianet.</summary>
    public static CloudSettings China { get; } = new(CloudKind.China, new Uri("https://login.chinacloudapi.cn"), new Uri("https://microsoftgraph.chinacloudapi.cn/v1.0"));

    /// <summary>The settings of one of Microsoft's clouds.</summary>
    public static CloudSettings For(CloudKind kind) => kind switch
    {
        CloudKind.Global => Global,
        CloudKind.UsGov => UsGov,
        CloudKind.UsGovDod => UsGovDod,
        CloudKind.China => China,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A custom cloud names its own endpoints."),
    };

    /// <summary>
    /// The resource scope for app-only tokens: <c>{graph origin}/.default</c> for Microsoft's clouds.
    /// A custom cloud stands in for global Graph (the emulated tenant issues tokens for
    /// <c>https://graph.microsoft.com</c>), so it asks for that resource.
    /// </summary>
    public string DefaultScope => Kind == CloudKind.Custom
        ? "https://graph.microsoft.com/.default"
        : $"{GraphEndpoint.GetLeftPart(UriPartial.Authority)}/.default";

    /// <summary>The host Graph requests go to (for the token provider's allowed-hosts list).</summary>
    public string GraphHost => GraphEndpoint.Host;

    /// <summary>The admin-consent URL an administrator opens to grant an app's permissions in a tenant.</summary>
    public Uri AdminConsentUrl(string tenantId, string clientId) =>
        new($"{AuthorityHost.GetLeftPart(UriPartial.Authority)}/{Uri.EscapeDataString(tenantId)}/adminconsent?client_id={Uri.EscapeDataString(clientId)}");

    /// <summary>The name used on the command line and in the API.</summary>
    public string WireName => ToWireName(Kind);

    /// <summary>The command-line and API name of a cloud.</summary>
    public static string ToWireName(CloudKind kind) => kind switch
    {
        CloudKind.Global => "global",
        CloudKind.UsGov => "usgov",
        CloudKind.UsGovDod => "usgov-dod",
        CloudKind.China => "china",
        CloudKind.Custom => "custom",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses a cloud's command-line and API name.</summary>
    public static bool TryParseWireName(string? value, out CloudKind kind)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case "global": kind = CloudKind.Global; return true;
            case "usgov": kind = CloudKind.UsGov; return true;
            case "usgov-dod": kind = CloudKind.UsGovDod; return true;
            case "china": kind = CloudKind.China; return true;
            case "custom": kind = CloudKind.Custom; return true;
            default: kind = default; return false;
        }
    }
}
