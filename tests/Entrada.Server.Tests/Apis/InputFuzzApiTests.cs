using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Server.Tests.Support;
using Entrada.Tests.Fuzz;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Server.Tests.Apis;

/// <summary>Every action, sent wrong inputs generated from its schema through the API: each a 400 naming the field, nothing sent, nothing stored.</summary>
[Collection(ServerCollection.Name)]
public sealed class InputFuzzApiTests(ServerFixture server)
{
    private const string Ldap = "Fuzz LDAP";

    [Fact]
    public async Task EveryWrongInputOfEveryAction_IsA400NamingTheField_WithNothingSentToGraphAndNoJob()
    {
        using var client = server.Client();
        await AddLdapConnectionAsync(client);
        var catalog = server.Server.Services.GetRequiredService<ActionCatalog>();
        var cases = InputFuzz.Cases(catalog.All.Select(a => a.Descriptor), perAction: 14);
        var graphBefore = server.Requests.Count("/v1.0/");
        var jobsBefore = (await client.GetFromJsonAsync<JsonArray>("/api/v1/jobs"))!.Count;
        var failures = new List<string>();

        foreach (var fuzz in cases)
        {
            var connection = catalog.Get(fuzz.Action).Descriptor.Target == ActionTarget.Graph ? "Demo tenant" : Ldap;
            using var response = await client.PostAsJsonAsync($"/api/v1/actions/{fuzz.Action}/runs", new JsonObject { ["connection"] = connection, ["input"] = fuzz.Input });
            var body = await response.Content.ReadAsStringAsync();
            var detail = body.Length > 600 ? body[..600] : body;
            if (response.StatusCode != HttpStatusCode.BadRequest)
            {
                failures.Add($"{fuzz}: {(int)response.StatusCode} {detail}");
            }
            else if (!body.Contains(fuzz.Field, StringComparison.Ordinal))
            {
                failures.Add($"{fuzz}: the problem does not name '{fuzz.Field}': {detail}");
            }
            else if (body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception", StringComparison.Ordinal))
            {
                failures.Add($"{fuzz}: the problem shows internals: {detail}");
            }
        }

        failures.ShouldBeEmpty($"{failures.Count} of {cases.Count} cases:\n" + string.Join("\n", failures.Take(40)));
        cases.Count.ShouldBeGreaterThan(200, "every action is fuzzed");
        server.Requests.Count("/v1.0/").ShouldBe(graphBefore, "nothing was sent to Graph");
        (await client.GetFromJsonAsync<JsonArray>("/api/v1/jobs"))!.Count.ShouldBe(jobsBefore, "no job was made");
    }

    [Fact]
    public async Task APostToTheOAuthCallbackWithoutASignIn_IsA400Page_WithoutAStackTrace()
    {
        using var client = server.Client();

        using var response = await client.PostAsync("/connections/oauth-callback", new FormUrlEncodedContent([new("code", "x")]));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body.Length > 400 ? body[..400] : body);
        body.ShouldContain("Start the sign-in again");
        body.ShouldNotContain("   at ");
    }

    private async Task AddLdapConnectionAsync(HttpClient client)
    {
        using var existing = await client.GetAsync($"/api/v1/connections/{Uri.EscapeDataString(Ldap)}");
        if (existing.IsSuccessStatusCode)
        {
            return;
        }

        using var created = await client.PostAsJsonAsync("/api/v1/connections", new JsonObject
        {
            ["name"] = Ldap,
            ["method"] = "ldap",
            ["uri"] = "ldaps://127.0.0.1:1",
            ["bindDn"] = "svc@corp.example",
            ["password"] = "Fuzz-Ldap-Secret-1",
            ["baseDn"] = "DC=corp,DC=example",
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }
}
