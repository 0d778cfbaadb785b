using System.Text.Json;
using Entrada.Emulator;

namespace Entrada.Bench.SideBySide;

/// <summary>
/// What a client needs to reach a running emulated tenant, and nothing of the server itself: the
/// endpoints, the tenant, the <c>demo</c> app's credentials and the CA to trust (exactly that CA).
/// A child process receives it as one JSON document on stdin, never on its command line, because
/// it carries the client secret.
/// </summary>
/// <param name="AuthorityHost">The identity platform's host.</param>
/// <param name="GraphEndpoint">Graph's base URL (<c>…/v1.0</c>).</param>
/// <param name="TenantId">The tenant ID.</param>
/// <param name="ClientId">The <c>demo</c> app's client ID.</param>
/// <param name="ClientSecret">The <c>demo</c> app's client secret.</param>
/// <param name="CaCertificatePem">The emulator's CA certificate in PEM.</param>
internal sealed record TenantEndpoint(Uri AuthorityHost, Uri GraphEndpoint, string TenantId, string ClientId, string ClientSecret, string CaCertificatePem)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The client's view of <paramref name="server"/>, with its <c>demo</c> app (every permission of the action table).</summary>
    public static TenantEndpoint Of(EmulatorServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var demo = server.Apps.Single(a => a.Name == "demo");
        return new TenantEndpoint(server.AuthorityHost, server.GraphEndpoint, server.TenantId, demo.ClientId, demo.ClientSecret, server.CaCertificatePem);
    }

    /// <summary>Graph's base URL without the trailing slash (what @odata.id references start with).</summary>
    public string GraphRoot => GraphEndpoint.ToString().TrimEnd('/');

    /// <summary>The secret is write-only: never in a log line or an exception.</summary>
    public override string ToString() => $"TenantEndpoint {{ AuthorityHost = {AuthorityHost}, GraphEndpoint = {GraphEndpoint}, TenantId = {TenantId}, ClientId = {ClientId}, ClientSecret = *** }}";

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TenantEndpoint FromJson(string json) =>
        JsonSerializer.Deserialize<TenantEndpoint>(json, Json) ?? throw new InvalidOperationException("Expected the tenant endpoint as a JSON object on stdin.");
}
