using System.Net.Http.Json;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Entrada.Server.Hosting;
using Entrada.Server.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Server.Tests.Hosting;

[Collection(ServerCollection.Name)]
public sealed partial class SecurityHeadersTests(ServerFixture server)
{
    [Fact]
    public async Task EveryPageAndEveryApiGet_IsNoStore_AndAllowsNoInlineScriptWithoutTheRequestsNonce()
    {
        var (groupId, userIds) = await server.SomeIdsAsync(1);
        var run = await server.RunAsync("groups.members.add", new JsonObject { ["groupId"] = groupId, ["memberIds"] = new JsonArray(userIds[0]) });
        var runId = run["id"]!.GetValue<string>();
        var jobId = run["jobId"]!.GetValue<string>();
        Directory.CreateDirectory(Path.Combine(server.HomePath, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(server.HomePath, "playbooks", "headers-check.yaml"), "id: headers-check\ndescription: Lists one user.\nsteps:\n  - id: one\n    action: users.list\n    input:\n      max: 1\n");
        using (var client = server.Client())
        using (var started = await client.PostAsJsonAsync("/api/v1/playbooks/headers-check/runs", new JsonObject { ["connection"] = "Demo tenant" }))
        {
            PlaybookRunId = JsonNode.Parse(await started.Content.ReadAsStringAsync())!["run"]!["id"]!.GetValue<string>();
        }

        using var pages = await SignInWithoutRedirectsAsync();
        using var api = server.Client();

        var checkedPaths = new List<string>();
        foreach (var pattern in GetRoutes())
        {
            var path = "/" + ParameterPattern().Replace(pattern, m => Uri.EscapeDataString(ValueOf(pattern, m.Groups[1].Value, runId, jobId)));
            var isApi = path.StartsWith("/api/", StringComparison.Ordinal);
            using var response = await (isApi ? api : pages).GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            ((int)response.StatusCode).ShouldBeLessThan(500, $"{path}: {body}");
            if (isApi)
            {
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {body}");
            }

            response.Headers.CacheControl.ShouldNotBeNull(path).NoStore.ShouldBeTrue(path);
            response.Headers.Contains("Strict-Transport-Security").ShouldBeFalse($"{path}: HSTS over plain HTTP");
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            var scripts = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
            scripts.ShouldNotContain("'unsafe-inline'", customMessage: path);
            var nonce = NoncePattern().Match(scripts).Groups[1].Value;
            nonce.ShouldNotBeNullOrEmpty(path);

            // Every inline script of a page carries this response's nonce, so the browser runs it.
            foreach (Match script in ScriptTagPattern().Matches(body))
            {
                script.Value.ShouldContain($"nonce=\"{nonce}\"", customMessage: path);
            }

            checkedPaths.Add(path);
        }

        checkedPaths.ShouldContain("/connections");
        checkedPaths.ShouldContain("/actions");
        checkedPaths.ShouldContain($"/runs/{runId}");
        checkedPaths.ShouldContain("/api/v1/connections/");
        checkedPaths.ShouldContain("/api/v1/audit");
        checkedPaths.ShouldContain($"/api/v1/jobs/{jobId}");
        checkedPaths.ShouldContain($"/api/v1/runs/{runId}");
    }

    [Fact]
    public async Task TwoRequests_GetDifferentScriptNonces()
    {
        using var anonymous = new HttpClient { BaseAddress = server.Url };
        using var one = await anonymous.GetAsync("/sign-in");
        using var two = await anonymous.GetAsync("/sign-in");
        var first = NoncePattern().Match(one.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        var second = NoncePattern().Match(two.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        first.ShouldNotBeNullOrEmpty();
        second.ShouldNotBe(first);
    }

    [Theory]
    [InlineData("https", true)]
    [InlineData("http", false)]
    public void Hsts_IsSentExactlyWhenServedOverHttps(string scheme, bool expected)
    {
        var http = new DefaultHttpContext();
        http.Request.Scheme = scheme;
        ContentSecurity.Apply(http);
        http.Response.Headers.ContainsKey("Strict-Transport-Security").ShouldBe(expected);
        if (expected)
        {
            http.Response.Headers.StrictTransportSecurity.ToString().ShouldBe("max-age=31536000");
        }
    }

    /// <summary>Every GET route of the pages and the API, from the server's own endpoints: a new one is checked without being listed here.</summary>
    private IEnumerable<string> GetRoutes()
    {
        var sources = server.Server.Services.GetRequiredService<EndpointDataSource>();
        return sources.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } methods || methods.HttpMethods.Contains("GET"))
            .Select(e => e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => !p.Contains('*', StringComparison.Ordinal) && p.Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal);
    }

    /// <summary>A playbook run of this test, for the playbook-run routes.</summary>
    private static string PlaybookRunId { get; set; } = string.Empty;

    private static string ValueOf(string pattern, string parameter, string runId, string jobId) => parameter switch
    {
        "name" => "Demo tenant",
        "documentName" => "v1",
        "id" when pattern.Contains("playbook-runs/", StringComparison.Ordinal) => PlaybookRunId,
        "id" when pattern.Contains("playbooks/", StringComparison.Ordinal) => "headers-check",
        "id" when pattern.Contains("jobs/", StringComparison.Ordinal) => jobId,
        "id" when pattern.Contains("runs/", StringComparison.Ordinal) => runId,
        "id" when pattern.Contains("actions/", StringComparison.Ordinal) => "users.list",
        _ => throw new InvalidOperationException($"The route '{pattern}' has a parameter '{parameter}' this test has no value for: add one."),
    };

    private async Task<HttpClient> SignInWithoutRedirectsAsync()
    {
        var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        var client = new HttpClient(handler) { BaseAddress = server.Url };
        var form = await client.GetStringAsync("/sign-in");
        using var response = await client.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["ApiKey"] = server.ApiKey,
            ["__RequestVerificationToken"] = SignedInClient.TokenOf(form),
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    [GeneratedRegex(@"\{([A-Za-z]+)(?::[^}]*)?\??\}")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NoncePattern();

    [GeneratedRegex("<script[^>]*>")]
    private static partial Regex ScriptTagPattern();
}
