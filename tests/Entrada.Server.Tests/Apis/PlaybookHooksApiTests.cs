using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

/// <summary>
/// A webhook starts a playbook only when its call is signed with the hook's secret and stamped
/// within 5 minutes; a wrong signature, an unknown hook or an old timestamp is refused with 401 and
/// starts nothing. The secret is shown once and stored nowhere in clear.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PlaybookHooksApiTests(ServerFixture server)
{
    private const string Playbook = """
        id: hook-revoke
        description: Revokes the sessions of the user an alert names.
        inputs:
          userIds:
            type: array
            items: string
            required: true
        steps:
          - id: revoke
            action: users.revoke-sessions
            input:
              userIds: ${{ inputs.userIds }}
        """;

    private static HttpRequestMessage Call(string path, string body, string secret, long timestamp, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var mac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        request.Headers.Add("X-Entrada-Timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("X-Entrada-Signature", signature ?? "sha256=" + mac);
        return request;
    }

    [Fact]
    public async Task ASignedCall_StartsThePlaybook_AndAWrongSignatureOrAnOldTimestampIsRefused()
    {
        Directory.CreateDirectory(Path.Combine(server.HomePath, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(server.HomePath, "playbooks", "hook-revoke.yaml"), Playbook);
        var state = server.Emulator.State;
        var user = state.GetUserIds().Where(id => state.FindUser(id) is { UserType: "Member" }).Skip(5).First();
        using var client = server.Client();
        using var created = await client.PostAsJsonAsync("/api/v1/playbooks/hook-revoke/hooks", new JsonObject
        {
            ["connection"] = "Demo tenant",
            ["input"] = new JsonObject { ["userIds"] = "${{ [body.alert.userId] }}" },
        });
        var createdBody = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, createdBody);
        var hook = JsonNode.Parse(createdBody)!;
        var secret = hook["secret"]!.GetValue<string>();
        var path = hook["hook"]!["path"]!.GetValue<string>();
        (await client.GetStringAsync("/api/v1/playbooks/hook-revoke/hooks")).ShouldNotContain(secret);

        using var anonymous = new HttpClient { BaseAddress = server.Url };
        var body = "{\"alert\":{\"id\":\"a1\",\"userId\":\"" + user + "\"}}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var runsBefore = (await client.GetFromJsonAsync<JsonArray>("/api/v1/playbook-runs?playbook=hook-revoke"))!.Count;

        using var wrong = await anonymous.SendAsync(Call(path, body, "whsec_not-the-secret", now));
        using var tampered = await anonymous.SendAsync(Call(path, body.Replace("a1", "a2", StringComparison.Ordinal), secret, now, signature: "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{now}.{body}")))));
        using var old = await anonymous.SendAsync(Call(path, body, secret, now - 301));
        using var unknown = await anonymous.SendAsync(Call("/api/v1/playbooks/hook-revoke/hooks/hook_0000000000000000", body, secret, now));
        using var unsigned = await anonymous.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        tampered.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        old.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unknown.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unsigned.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.GetFromJsonAsync<JsonArray>("/api/v1/playbook-runs?playbook=hook-revoke"))!.Count.ShouldBe(runsBefore, "no refused call starts a run");

        var before = state.FindUser(user)!.SignInSessionsValidFrom;
        using var signed = await anonymous.SendAsync(Call(path, body, secret, now));
        var signedBody = await signed.Content.ReadAsStringAsync();
        signed.StatusCode.ShouldBe(HttpStatusCode.Accepted, signedBody);
        var runId = JsonNode.Parse(signedBody)!["run"]!["id"]!.GetValue<string>();
        JsonNode? run = null;
        for (var i = 0; i < 100 && run?["run"]?["status"]?.GetValue<string>() is null or "running"; i++)
        {
            await Task.Delay(100);
            run = await client.GetFromJsonAsync<JsonObject>($"/api/v1/playbook-runs/{runId}");
        }

        run!["run"]!["status"]!.GetValue<string>().ShouldBe("succeeded", run.ToJsonString());
        run["run"]!["actor"]!.GetValue<string>().ShouldBe(hook["hook"]!["id"]!.GetValue<string>() is var id ? "hook:" + id : null);
        state.FindUser(user)!.SignInSessionsValidFrom.ShouldNotBe(before, "the user named by the alert had its sessions revoked");
        (await client.GetStringAsync("/api/v1/audit?limit=500")).ShouldNotContain(secret);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(server.HomePath, "entrada.db*"))
        {
            (await File.ReadAllTextAsync(file)).ShouldNotContain(secret, customMessage: file);
        }
    }
}
