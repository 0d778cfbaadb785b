using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Storage;
using Entrada.Server.Hosting;
using Entrada.Core.Keys;
using Entrada.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Server.Tests.Apis;

[Collection(ServerCollection.Name)]
public sealed class AuthenticationTests(ServerFixture server)
{
    [Fact]
    public async Task NoKey_AndAWrongKey_GetTheSame401_WithNoHintWhetherAKeyExists()
    {
        using var anonymous = new HttpClient { BaseAddress = server.Url };
        using var none = await anonymous.GetAsync("/api/v1/connections");
        using var wrongClient = server.Client("entrada_000000000000_not-a-real-key");
        using var wrong = await wrongClient.GetAsync("/api/v1/connections");
        using var garbageClient = server.Client("garbage");
        using var garbage = await garbageClient.GetAsync("/api/v1/connections");

        foreach (var response in new[] { none, wrong, garbage })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        var details = await Task.WhenAll(new[] { none, wrong, garbage }.Select(async r => (await r.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>()));
        details.Distinct().Count().ShouldBe(1);
        details[0].ShouldNotContain("exist");
    }

    [Fact]
    public async Task ARevokedKey_IsRefusedAtOnce()
    {
        var keys = server.Server.Services.GetRequiredService<ApiKeyStore>();
        var (info, key) = await keys.CreateAsync("to revoke", CancellationToken.None);
        using var client = server.Client(key.Reveal());
        (await client.GetAsync("/api/v1/connections")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await keys.RevokeAsync(info.Id, CancellationToken.None);
        (await client.GetAsync("/api/v1/connections")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task KeysAreStoredOnlyAsHashes()
    {
        var keys = server.Server.Services.GetRequiredService<ApiKeyStore>();
        var (_, key) = await keys.CreateAsync("hashed", CancellationToken.None);
        var home = server.Server.Services.GetRequiredService<EntradaHome>();

        // entrada_{id}_{secret}: the secret is base64url, so it may itself contain '_'.
        var secret = string.Join('_', key.Reveal().Split('_').Skip(2));
        secret.Length.ShouldBe(43);
        foreach (var file in Directory.EnumerateFiles(home.Path, "entrada.db*"))
        {
            var bytes = await ReadSharedAsync(file);
            System.Text.Encoding.UTF8.GetString(bytes).ShouldNotContain(secret);
        }
    }

    [Fact]
    public async Task TheOpenApiDocument_IsServed_AndListsEveryEndpoint()
    {
        using var anonymous = new HttpClient { BaseAddress = server.Url };
        var document = await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = document!["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.ShouldContain("/api/v1/connections");
        paths.ShouldContain("/api/v1/connections/{name}");
        paths.ShouldContain("/api/v1/connections/{name}/test");
        paths.ShouldContain("/api/v1/actions");
        paths.ShouldContain("/api/v1/actions/{id}/runs");
        paths.ShouldContain("/api/v1/runs");
        paths.ShouldContain("/api/v1/runs/{id}");
        paths.ShouldContain("/api/v1/audit");
        document["components"]!["securitySchemes"]!["apiKey"]!["scheme"]!.GetValue<string>().ShouldBe("bearer");

        // The connection view shows which credential and CA are set, never a secret or the CA's PEM.
        var view = document["components"]!["schemas"]!["ConnectionView"]!["properties"]!.AsObject().Select(p => p.Key).ToList();
        view.ShouldContain("credential");
        view.ShouldContain("caCertificateSubject");
        view.ShouldContain("caCertificateSha256");
        view.ShouldNotContain("caCertificate");
        view.ShouldNotContain("clientSecret");
        view.ShouldNotContain("password");
    }

    [Fact]
    public async Task AnUnknownApiPath_IsA404Problem()
    {
        using var client = server.Client();
        using var response = await client.GetAsync("/api/v1/nothing-here");
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task RepeatedWrongKeys_AreRateLimited_WithRetryAfter_ButTheRightKeyFromTheSameAddressWorksAtOnce()
    {
        var home = Path.Combine(Path.GetTempPath(), "entrada-throttle-" + Guid.NewGuid().ToString("N"));
        await using var limited = await EntradaServer.StartAsync(
            new ServerSettings { Home = new EntradaHome(home), Urls = "http://127.0.0.1:0", SignInFailureLimit = 3, SignInFailureWindow = TimeSpan.FromMinutes(5) },
            CancellationToken.None);
        using var wrong = new HttpClient { BaseAddress = limited.Url };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "entrada_000000000000_wrong");
        for (var i = 0; i < 3; i++)
        {
            (await wrong.GetAsync("/api/v1/connections")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        for (var i = 0; i < 20; i++)
        {
            using var throttled = await wrong.GetAsync("/api/v1/connections");
            throttled.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
            throttled.Headers.RetryAfter.ShouldNotBeNull();
            throttled.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        // The same address, the right key: accepted at once, on the API and on the sign-in page.
        using var right = new HttpClient { BaseAddress = limited.Url };
        right.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", limited.CreatedApiKey!.Reveal());
        (await right.GetAsync("/api/v1/connections")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var pages = await SignedInClient.CreateAsync(limited.Url, limited.CreatedApiKey!.Reveal());
        using var page = await pages.GetAsync("/connections");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/connections");

        // And the wrong key is still refused with 429 after the right one got in.
        (await wrong.GetAsync("/api/v1/connections")).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task TheFirstStart_CreatesAKey_AndALaterStartDoesNot()
    {
        var home = new EntradaHome(Path.Combine(Path.GetTempPath(), "entrada-first-" + Guid.NewGuid().ToString("N")));
        string first;
        await using (var one = await EntradaServer.StartAsync(new ServerSettings { Home = home, Urls = "http://127.0.0.1:0" }, CancellationToken.None))
        {
            first = one.CreatedApiKey.ShouldNotBeNull().Reveal();
        }

        await using var two = await EntradaServer.StartAsync(new ServerSettings { Home = home, Urls = "http://127.0.0.1:0" }, CancellationToken.None);
        two.CreatedApiKey.ShouldBeNull();
        using var client = new HttpClient { BaseAddress = two.Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", first);
        (await client.GetAsync("/api/v1/connections")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
