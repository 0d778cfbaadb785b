using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

[Collection(ServerCollection.Name)]
public sealed class BodyLimitsTests(ServerFixture server)
{
    public static TheoryData<string, string, string, string> TypoedBodies => new()
    {
        { "POST", "/api/v1/actions/users.disable/runs", """{"connection":"Demo tenant","input":{"userIds":["ghost@entradaemulator.onmicrosoft.com"]},"dry-run":true}""", "dry-run" },
        { "POST", "/api/v1/connections", """{"name":"Typo","method":"ldap","uri":"ldaps://ldap.example.com","bindDn":"x","colour":"blue"}""", "colour" },
        { "PATCH", "/api/v1/connections/Demo%20tenant", """{"tenant":"other"}""", "tenant" },
        { "POST", "/api/v1/connections/Demo%20tenant/sign-in", """{"redirectUrl":"https://example.com/"}""", "redirectUrl" },
    };

    [Theory]
    [MemberData(nameof(TypoedBodies))]
    public async Task AnUnknownMemberInAnyBody_IsA400NamingIt_AndNothingIsDone(string method, string path, string json, string member)
    {
        using var client = server.Client();
        var auditBefore = await LatestAuditIdAsync(client);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(body)!.AsObject();
        problem["detail"]!.GetValue<string>().ShouldContain($"'{member}'");
        problem["errors"]!.AsObject().ContainsKey(member).ShouldBeTrue(body);
        body.ShouldNotContain("Entrada.Server.");
        (await LatestAuditIdAsync(client)).ShouldBe(auditBefore, "nothing ran, nothing was changed");
    }

    [Fact]
    public async Task ATypoedDryRun_RunsNothing_AndTheErrorListsTheBodysFields()
    {
        using var client = server.Client();
        var runsBefore = await client.GetFromJsonAsync<JsonArray>("/api/v1/runs?action=users.disable");
        using var response = await client.PostAsync("/api/v1/actions/users.disable/runs", new StringContent(
            """{"connection":"Demo tenant","input":{"userIds":["ghost@entradaemulator.onmicrosoft.com"]},"dry-run":true}""", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var detail = (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>();
        detail.ShouldContain("connection, input, dryRun");
        var runsAfter = await client.GetFromJsonAsync<JsonArray>("/api/v1/runs?action=users.disable");
        runsAfter!.Count.ShouldBe(runsBefore!.Count);
    }

    [Fact]
    public async Task A25MegabyteRunBody_IsRefusedWith413_BeforeTheServerReadsIt()
    {
        using var client = server.Client();
        var content = new GeneratedContent(25L * 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/actions/users.disable/runs") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var detail = (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>();
        detail.ShouldContain("26,214,400 bytes");
        detail.ShouldContain("at most 8,388,608 bytes");
        // The server answered from the Content-Length: the body was never sent, so never buffered.
        content.BytesSent.ShouldBeLessThan(1024 * 1024);
    }

    [Fact]
    public async Task AnyOtherApiBody_IsLimitedToOneMegabyte()
    {
        using var client = server.Client();
        var content = new GeneratedContent(2L * 1024 * 1024);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/connections") { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>().ShouldContain("at most 1,048,576 bytes");
        content.BytesSent.ShouldBeLessThan(1024 * 1024);
    }

    [Fact]
    public async Task AStringOverTheLimit_AndAListOverTheLimit_Are400sNamingTheField()
    {
        using var client = server.Client();
        using var longId = await client.PostAsJsonAsync("/api/v1/actions/users.disable/runs", new JsonObject
        {
            ["connection"] = "Demo tenant",
            ["input"] = new JsonObject { ["userIds"] = new JsonArray("ok@example.com", new string('a', 20_000)) },
        });
        longId.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = (await longId.Content.ReadFromJsonAsync<JsonObject>())!;
        problem["errors"]!.AsObject().ContainsKey("input.userIds[1]").ShouldBeTrue(problem.ToJsonString());
        problem["detail"]!.GetValue<string>().ShouldContain("at most 16,384");

        var ids = new JsonArray([.. Enumerable.Range(0, 100_001).Select(i => (JsonNode?)JsonValue.Create(IdOf(i)))]);
        using var tooMany = await client.PostAsJsonAsync("/api/v1/actions/users.disable/runs", new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["userIds"] = ids } });
        tooMany.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var many = (await tooMany.Content.ReadFromJsonAsync<JsonObject>())!;
        many["errors"]!.AsObject().ContainsKey("input.userIds").ShouldBeTrue(many.ToJsonString());
        many["detail"]!.GetValue<string>().ShouldContain("at most 100,000");
    }

    [Fact]
    public async Task OneHundredThousandIds_FitInARun_AndAreStoredOnceInItsJob_NotInTheRunOrTheAuditRecord()
    {
        using var client = server.Client();
        // Object ids no user has: whatever is sent before the cancellation changes nothing.
        var ids = new JsonArray([.. Enumerable.Range(0, 100_000).Select(i => (JsonNode?)JsonValue.Create(IdOf(i)))]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/actions/users.disable/runs")
        {
            Content = JsonContent.Create(new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["userIds"] = ids } }),
        };
        request.Headers.Add("Prefer", "respond-async");
        using var response = await client.SendAsync(request);
        var started = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, started);
        var location = response.Headers.Location!.ToString();
        JsonObject run = null!;
        var cancelled = false;
        for (var i = 0; i < 600; i++)
        {
            run = (await client.GetFromJsonAsync<JsonObject>(location))!;
            if (run["status"]!.GetValue<string>() != "running")
            {
                break;
            }

            if (!cancelled && run["jobId"] is not null)
            {
                // The job holds the ids now; the rest of the run is not needed.
                (await client.PostAsync(location + "/cancel", null)).Dispose();
                cancelled = true;
            }

            await Task.Delay(50);
        }

        run["status"]!.GetValue<string>().ShouldNotBe("running");
        run["jobId"].ShouldNotBeNull(run.ToJsonString()[..Math.Min(2000, run.ToJsonString().Length)]);
        var summary = run["input"]!["userIds"]!.AsObject();
        summary["count"]!.GetValue<int>().ShouldBe(100_000);
        summary["inJob"]!.GetValue<bool>().ShouldBeTrue();
        var jobId = run["jobId"]!.GetValue<string>();
        var job = (await client.GetFromJsonAsync<JsonArray>("/api/v1/jobs?limit=500"))!.Single(j => j!["id"]!.GetValue<string>() == jobId)!;
        job["total"]!.GetValue<int>().ShouldBe(100_000);

        var audit = (await client.GetFromJsonAsync<JsonArray>("/api/v1/audit?limit=20"))!
            .Single(a => a!["details"]?["jobId"]?.GetValue<string>() == jobId)!;
        audit["details"]!["input"]!["userIds"]!["count"]!.GetValue<int>().ShouldBe(100_000);
        audit.ToJsonString().ShouldNotContain(IdOf(99_999));
        run.ToJsonString().ShouldNotContain(IdOf(99_999));
    }

    private static string IdOf(int i) => $"00000000-0000-4000-8000-{i:D12}";

    private static async Task<long> LatestAuditIdAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonArray>("/api/v1/audit?limit=1"))!.FirstOrDefault()?["id"]?.GetValue<long>() ?? 0;

    /// <summary>A JSON-typed body of a given length, made as it is sent, that counts what was sent.</summary>
    private sealed class GeneratedContent : HttpContent
    {
        private readonly long _length;

        public GeneratedContent(long length)
        {
            _length = length;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            Headers.ContentLength = length;
        }

        public long BytesSent { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
            for (long left = _length; left > 0; left -= chunk.Length)
            {
                var n = (int)Math.Min(chunk.Length, left);
                await stream.WriteAsync(chunk.AsMemory(0, n));
                BytesSent += n;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
