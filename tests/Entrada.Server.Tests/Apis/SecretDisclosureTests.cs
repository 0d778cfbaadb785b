using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

[Collection(ServerCollection.Name)]
public sealed class SecretDisclosureTests(ServerFixture server)
{
    [Fact]
    public async Task NoApiResponse_EverContainsAConnectionsSecret()
    {
        const string Secret = "Sup3r-Secret-Value-7f1c";
        using var client = server.Client();
        var body = server.AppRegistrationBody("Secret keeper");
        body["clientSecret"] = Secret;
        var bodies = new List<string>();
        async Task Collect(HttpResponseMessage response)
        {
            using (response)
            {
                bodies.Add(await response.Content.ReadAsStringAsync() + response.Headers);
            }
        }

        await Collect(await client.PostAsJsonAsync("/api/v1/connections", body));
        await Collect(await client.GetAsync("/api/v1/connections"));
        await Collect(await client.GetAsync("/api/v1/connections/Secret%20keeper"));
        await Collect(await client.PostAsync("/api/v1/connections/Secret%20keeper/test", null));
        await Collect(await client.PatchAsJsonAsync("/api/v1/connections/Secret%20keeper", new JsonObject { ["clientSecret"] = Secret + "-2" }));
        await Collect(await client.PatchAsJsonAsync("/api/v1/connections/Secret%20keeper", new JsonObject { ["name"] = "Renamed", ["clientSecret"] = Secret }));
        await Collect(await client.PostAsJsonAsync("/api/v1/connections", body));
        await Collect(await client.PostAsJsonAsync("/api/v1/actions/users.list/runs", new JsonObject { ["connection"] = "Secret keeper", ["input"] = new JsonObject { ["max"] = 1 } }));
        await Collect(await client.GetAsync("/api/v1/actions?connection=Secret%20keeper"));
        await Collect(await client.GetAsync("/api/v1/runs"));
        await Collect(await client.GetAsync("/api/v1/audit?limit=1000"));

        bodies.Count.ShouldBe(11);
        foreach (var text in bodies)
        {
            text.ShouldNotContain(Secret);
        }

        // The wrong secret fails authentication, and the failure says what to do without the secret.
        bodies[3].ShouldContain("\"authenticated\":false");
    }

    [Fact]
    public async Task TheConnectionPage_NeverRendersTheSecretBack()
    {
        const string Secret = "Page-Secret-Value-91ab";
        using var client = server.Client();
        var body = server.AppRegistrationBody("Secret page");
        body["clientSecret"] = Secret;
        (await client.PostAsJsonAsync("/api/v1/connections", body)).StatusCode.ShouldBe(HttpStatusCode.Created);

        using var browser = await SignedInClient.CreateAsync(server.Url, server.ApiKey);
        var html = await browser.GetStringAsync("/connections/by-name/Secret%20page");
        html.ShouldContain("A client secret is set");
        html.ShouldNotContain(Secret);
        html.ShouldNotContain("*****");
    }
}
