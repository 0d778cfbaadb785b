using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Entrada.Emulator.Tests.Conformance;

/// <summary>
/// Replays the responder catalogue's documented examples of app registrations, service principals, managers
/// and devices (the "apps" area of graph-docs-examples-responder.json) against the emulator.
/// </summary>
public sealed class ResponderAppsExamplesTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>, IDisposable
{
    private const string Prefix = "https://graph.microsoft.com/v1.0";
    private const string CapitalisedDeviceProperties = "the example shows 'Manufacturer' and 'Model' capitalised, where the v1.0 metadata (and the emulator) name them manufacturer and model; DeviceExamples_WithTheMetadataNames_Replay replays it with those names";

    private readonly RSA _key = RSA.Create(2048);
    private string? _keyAppId;
    private string? _keyId;

    public static IEnumerable<object[]> Examples() => ResponderExamples.ExamplesOf("apps");

    /// <summary>Device examples whose documented bodies spell two properties with capitals (see <see cref="CapitalisedDeviceProperties"/>).</summary>
    private static readonly string[] Capitalised =
    [
        "GET " + Prefix + "/devices?$filter=startswith(displayName, 'a')&$count=true&$top=1&$orderby=displayName",
        "GET " + Prefix + "/devices?$search=\"displayName:Android\"&$count=true",
        "GET " + Prefix + "/devices",
    ];

    public static TheoryData<string> CapitalisedExamples() => [.. Capitalised];

    private ResponderArea Area => new()
    {
        Name = "apps",
        Prefixes = ["/applications", "/servicePrincipals", "/users/*/manager", "/devices"],
        Excluded = Capitalised.ToDictionary(k => k, _ => CapitalisedDeviceProperties),
        Bodies = new()
        {
            ["POST " + Prefix + "/servicePrincipals/{id}/removePassword"] = async () => new JsonObject { ["keyId"] = await AddPasswordAsync("servicePrincipals", await ServicePrincipalIdAsync()) },
            ["POST " + Prefix + "/servicePrincipals/{id}/addPassword"] = () => Task.FromResult<JsonNode>(new JsonObject { ["passwordCredential"] = new JsonObject { ["displayName"] = "Password friendly name" } }),
            ["POST " + Prefix + "/applications/{id}/removePassword"] = async () => new JsonObject { ["keyId"] = await AddPasswordAsync("applications", await ApplicationIdAsync()) },
            ["POST " + Prefix + "/applications/{id}/addPassword"] = () => Task.FromResult<JsonNode>(new JsonObject { ["passwordCredential"] = new JsonObject { ["displayName"] = "Password friendly name" } }),
            ["POST " + Prefix + "/applications/{id}/removeKey"] = () => Task.FromResult<JsonNode>(new JsonObject { ["keyId"] = _keyId, ["proof"] = Proof() }),
            ["POST " + Prefix + "/applications/{id}/addKey"] = () => Task.FromResult<JsonNode>(new JsonObject
            {
                ["keyCredential"] = new JsonObject { ["type"] = "AsymmetricX509Cert", ["usage"] = "Verify", ["key"] = NewCertificate("added") },
                ["passwordCredential"] = null,
                ["proof"] = Proof(),
            }),
            ["PUT " + Prefix + "/users/10f17b99-784c-4526-8747-aec8a3159d6a/manager/$ref"] = () => Task.FromResult<JsonNode>(new JsonObject { ["@odata.id"] = $"{Prefix}/users/{fixture.Server.State.GetUserIds()[2]}" }),
            ["PATCH " + Prefix + "/servicePrincipals/{id}"] = () => Task.FromResult<JsonNode>(new JsonObject { ["appRoleAssignmentRequired"] = true }),
            ["POST " + Prefix + "/servicePrincipals"] = async () => new JsonObject { ["appId"] = (await CreateAsync("/applications", new JsonObject { ["displayName"] = "My App" }))["appId"]!.GetValue<string>() },
            ["PATCH " + Prefix + "/applications/{id}"] = () => Task.FromResult<JsonNode>(new JsonObject { ["displayName"] = "New display name" }),
            ["POST " + Prefix + "/applications"] = () => Task.FromResult<JsonNode>(new JsonObject { ["displayName"] = "Display name" }),
            ["PATCH " + Prefix + "/devices/7c06cd31-7c30-4f3b-a5c3-444cd8dd63ac"] = () => Task.FromResult<JsonNode>(new JsonObject { ["accountEnabled"] = false }),
            ["POST " + Prefix + "/devices"] = () => Task.FromResult<JsonNode>(DeviceBody()),
        },
        QueryReplacements = new()
        {
            ["GET " + Prefix + "/servicePrincipals?$search=\"displayName:Team\"&$count=true&$select=accountEnabled,displayName,publisherName,servicePrincipalType,signInAudience"] = [("Team", "Graph")],
            ["GET " + Prefix + "/applications?$search=\"displayName:Web\"&$count=true&$select=appId,identifierUris,displayName,publisherDomain,signInAudience"] = [("Web", "Portal")],
            ["GET " + Prefix + "/servicePrincipals?$filter=startswith(displayName, 'a')&$count=true&$top=1&$orderby=displayName"] = [("'a'", "'C'")],
            ["GET " + Prefix + "/applications?$filter=startswith(displayName, 'a')&$count=true&$top=1&$orderby=displayName"] = [("'a'", "'C'")],
            ["GET " + Prefix + "/devices?$filter=startswith(displayName, 'a')&$count=true&$top=1&$orderby=displayName"] = [("'a'", "'LT'")],
        },
        ResolveId = ResolveIdAsync,
        ServedTypes = ["#microsoft.graph.user"],
    };

    public void Dispose() => _key.Dispose();

    [Theory]
    [MemberData(nameof(Examples))]
    public Task Example_IsAnsweredWithTheDocumentedStatusAndShape(string key) => ResponderExamples.ReplayAsync(fixture, Area, key);

    [Fact]
    public void TheAreaLists_NameOnlyItsExamples_WithReasons() => ResponderExamples.CheckArea(Area);

    [Theory]
    [MemberData(nameof(CapitalisedExamples))]
    public async Task DeviceExamples_WithTheMetadataNames_Replay(string key)
    {
        await fixture.PrepareAsync();
        var query = key[(key.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? q : key.Length)..].Replace("'a'", "'LT'", StringComparison.Ordinal);
        var result = await fixture.GraphAsync(HttpMethod.Get, "/devices" + query, token: fixture.AppToken, headers: new() { ["ConsistencyLevel"] = "eventual" });
        result.Status.ShouldBe(200, result.Text);
        var items = result.Json!["value"]!.AsArray();
        items.Count.ShouldBeGreaterThan(0);
        if (key.Contains("$top=1", StringComparison.Ordinal))
        {
            items.Count.ShouldBe(1);
        }

        var item = items[0];
        var documented = new JsonObject { ["accountEnabled"] = true, ["deviceId"] = "00000000-0000-0000-0000-000000000000", ["deviceVersion"] = 1, ["displayName"] = "a", ["manufacturer"] = "Google", ["model"] = "Pixel 3a", ["operatingSystemVersion"] = "10.0" };
        var problems = new List<string>();
        ExampleShapes.Compare(documented, item, "$.value[0]", problems, new HashSet<string>());
        problems.ShouldBeEmpty(result.Text[..Math.Min(result.Text.Length, 600)]);
        if (query.Contains("$count=true", StringComparison.Ordinal))
        {
            result.Json!["@odata.count"]!.GetValue<int>().ShouldBeGreaterThan(0);
        }
    }

    private async Task<string?> ResolveIdAsync(string method, string[] segments, int i)
    {
        var state = fixture.Server.State;
        var isLast = i == segments.Length - 1;
        var action = isLast ? null : segments[i + 1];
        return segments[i - 1] switch
        {
            "users" when action == "manager" && method == "DELETE" => state.GetUserIds()[5],
            "users" when action == "manager" && method == "PUT" => state.GetUserIds()[6],
            "users" when action == "manager" => state.GetUserIds()[10],
            "servicePrincipals" when method == "DELETE" => (await CreateServicePrincipalAsync())["id"]!.GetValue<string>(),
            "servicePrincipals" => await ServicePrincipalIdAsync(),
            "applications" when method == "DELETE" => (await CreateAsync("/applications", new JsonObject { ["displayName"] = "To delete" }))["id"]!.GetValue<string>(),
            "applications" when action is "addKey" or "removeKey" => await AppWithCertificateAsync(),
            "applications" => await ApplicationIdAsync(),
            "devices" when method == "DELETE" => (await CreateAsync("/devices", DeviceBody()))["id"]!.GetValue<string>(),
            "devices" => state.GetDeviceIds()[0],
            _ => null,
        };
    }

    private async Task<JsonNode> CreateAsync(string path, JsonObject body)
    {
        await fixture.PrepareAsync();
        var created = await fixture.GraphAsync(HttpMethod.Post, path, body.ToJsonString(), fixture.AppToken);
        created.Status.ShouldBe(201, created.Text);
        return created.Json!;
    }

    private async Task<JsonNode> CreateServicePrincipalAsync()
    {
        var app = await CreateAsync("/applications", new JsonObject { ["displayName"] = "Enterprise app to delete" });
        return await CreateAsync("/servicePrincipals", new JsonObject { ["appId"] = app["appId"]!.GetValue<string>() });
    }

    private async Task<string> FindIdAsync(string collection, string displayName)
    {
        await fixture.PrepareAsync();
        var found = await fixture.GraphAsync(HttpMethod.Get, $"/{collection}?$filter=displayName eq '{displayName}'&$select=id", token: fixture.AppToken);
        return found.Json!["value"]![0]!["id"]!.GetValue<string>();
    }

    private Task<string> ApplicationIdAsync() => FindIdAsync("applications", "Northwind Reporting");

    private Task<string> ServicePrincipalIdAsync() => FindIdAsync("servicePrincipals", "Northwind Reporting");

    private async Task<string> AddPasswordAsync(string collection, string id)
    {
        var added = await fixture.GraphAsync(HttpMethod.Post, $"/{collection}/{id}/addPassword", "{}", fixture.AppToken);
        added.Status.ShouldBe(200, added.Text);
        return added.Json!["keyId"]!.GetValue<string>();
    }

    /// <summary>A fresh app whose one certificate is this test's key: a proof signed with it is accepted.</summary>
    private async Task<string> AppWithCertificateAsync()
    {
        var app = await CreateAsync("/applications", new JsonObject { ["displayName"] = "Key rollover" });
        _keyAppId = app["id"]!.GetValue<string>();
        var patched = await fixture.GraphAsync(HttpMethod.Patch, $"/applications/{_keyAppId}", new JsonObject
        {
            ["keyCredentials"] = new JsonArray(new JsonObject { ["type"] = "AsymmetricX509Cert", ["usage"] = "Verify", ["key"] = NewCertificate("current", _key) }),
        }.ToJsonString(), fixture.AppToken);
        patched.Status.ShouldBe(204, patched.Text);
        var read = await fixture.GraphAsync(HttpMethod.Get, $"/applications/{_keyAppId}?$select=keyCredentials", token: fixture.AppToken);
        _keyId = read.Json!["keyCredentials"]![0]!["keyId"]!.GetValue<string>();
        return _keyAppId;
    }

    private static string NewCertificate(string name, RSA? key = null)
    {
        using var own = key is null ? RSA.Create(2048) : null;
        var request = new CertificateRequest("CN=" + name, key ?? own!, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(90));
        return Convert.ToBase64String(certificate.RawData);
    }

    /// <summary>The proof of possession Microsoft's page describes: aud 00000002-…, iss the app's object ID, 10 minutes, RS256.</summary>
    private string Proof()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("""{"alg":"RS256","typ":"JWT"}"""));
        var payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(new JsonObject { ["aud"] = "00000002-0000-0000-c000-000000000000", ["iss"] = _keyAppId, ["nbf"] = now, ["exp"] = now + 600 }.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64Url.EncodeToString(signature);
    }

    private static JsonObject DeviceBody() => new()
    {
        ["accountEnabled"] = false,
        ["alternativeSecurityIds"] = new JsonArray(new JsonObject { ["type"] = 2, ["key"] = "base64Y3YxN2E1MWFlYw==" }),
        ["deviceId"] = Guid.NewGuid().ToString(),
        ["displayName"] = "Test device",
        ["operatingSystem"] = "linux",
        ["operatingSystemVersion"] = "1",
    };
}
