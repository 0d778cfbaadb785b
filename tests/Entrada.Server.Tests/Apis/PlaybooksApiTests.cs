using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Server.Tests.Support;

namespace Entrada.Server.Tests.Apis;

/// <summary>
/// Playbooks through the API and the pages, on the demo tenant: list, show, validate, run with an
/// approval step that holds the run until approved through the API (or rejected on the page), and
/// bad input answered with problems.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class PlaybooksApiTests(ServerFixture server)
{
    private const string Playbook = """
        id: api-lock
        description: Revokes sessions, then (after approval) blocks sign-in.
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
          - id: disable
            action: users.disable
            approval: required
            input:
              userIds: ${{ inputs.userIds }}
        """;

    private async Task<IReadOnlyList<string>> SetUpAsync(int skip)
    {
        Directory.CreateDirectory(Path.Combine(server.HomePath, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(server.HomePath, "playbooks", "api-lock.yaml"), Playbook);
        var state = server.Emulator.State;
        return [.. state.GetUserIds().Where(id => state.FindUser(id) is { AccountEnabled: true, UserType: "Member" }).Skip(skip).Take(2)];
    }

    [Fact]
    public async Task ARunWithAnApprovalStep_IsHeld_ThenApprovedThroughTheApi_AndEndsInTheIntendedState()
    {
        var users = await SetUpAsync(skip: 0);
        using var client = server.Client();
        var listed = await client.GetFromJsonAsync<JsonArray>("/api/v1/playbooks");
        listed!.Select(p => p!["id"]?.GetValue<string>()).ShouldContain("api-lock");
        listed!.Select(p => p!["id"]?.GetValue<string>()).ShouldContain("contain-user");
        var shown = await client.GetFromJsonAsync<JsonObject>("/api/v1/playbooks/api-lock");
        shown!["inputSchema"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["userIds"]);
        shown["steps"]!.AsArray()[1]!["approval"]!.GetValue<string>().ShouldBe("required");

        using var started = await client.PostAsJsonAsync("/api/v1/playbooks/api-lock/runs", new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["userIds"] = new JsonArray([.. users.Select(u => (JsonNode?)u)]) } });
        var body = await started.Content.ReadAsStringAsync();
        started.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var run = JsonNode.Parse(body)!["run"]!;
        run["status"]!.GetValue<string>().ShouldBe("awaiting-approval", body);
        var runId = run["id"]!.GetValue<string>();
        users.ShouldAllBe(u => server.Emulator.State.FindUser(u)!.AccountEnabled, "held before the disable step");
        users.ShouldAllBe(u => server.Emulator.State.FindUser(u)!.SignInSessionsValidFrom != null, "the step before it ran");

        using var approved = await client.PostAsync($"/api/v1/playbook-runs/{runId}/approve", null);
        var approvedBody = await approved.Content.ReadAsStringAsync();
        approved.StatusCode.ShouldBe(HttpStatusCode.OK, approvedBody);
        var final = JsonNode.Parse(approvedBody)!["run"]!;
        final["status"]!.GetValue<string>().ShouldBe("succeeded");
        var disable = final["steps"]!.AsArray()[1]!;
        disable["decision"]!.GetValue<string>().ShouldBe("approved");
        disable["decidedBy"]!.GetValue<string>().ShouldStartWith("api:");
        disable["parts"]![0]!["sealedInput"].ShouldBeNull("the sealed input stays in the store");
        users.ShouldAllBe(u => !server.Emulator.State.FindUser(u)!.AccountEnabled);

        var page = await (await SignedInClient.CreateAsync(server.Url, server.ApiKey)).GetStringAsync($"/playbook-runs/{runId}");
        page.ShouldContain("data-step=\"disable\" data-status=\"succeeded\"");
        page.ShouldContain("approved by api:");

        // Leave the shared tenant as it was found.
        await server.RunAsync("users.enable", new JsonObject { ["userIds"] = new JsonArray([.. users.Select(u => (JsonNode?)u)]) });
    }

    [Fact]
    public async Task APlaybookPage_RunsFromItsForm_AndARejectionOnTheRunPage_EndsTheRun()
    {
        var users = await SetUpAsync(skip: 2);
        using var browser = await SignedInClient.CreateAsync(server.Url, server.ApiKey);
        var form = await browser.GetStringAsync("/playbooks/api-lock");
        form.ShouldContain("id=\"playbook-form\"");
        form.ShouldContain("name=\"input.userIds\"");

        using var posted = await browser.PostAsync("/playbooks/api-lock?handler=Run", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignedInClient.TokenOf(form),
            ["connection"] = "Demo tenant",
            ["input.userIds"] = string.Join('\n', users),
        }));
        var runPage = await posted.Content.ReadAsStringAsync();
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, runPage);
        runPage.ShouldContain("waits for approval");
        var runId = System.Text.RegularExpressions.Regex.Match(runPage, "pbr_[0-9a-f]{16}").Value;

        using var rejected = await browser.PostAsync($"/playbook-runs/{runId}?handler=Reject", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignedInClient.TokenOf(runPage),
            ["Reason"] = "false positive",
        }));
        var after = await rejected.Content.ReadAsStringAsync();
        rejected.StatusCode.ShouldBe(HttpStatusCode.OK, after);
        after.ShouldContain("data-step=\"disable\" data-status=\"rejected\"");
        after.ShouldContain("false positive");
        users.ShouldAllBe(u => server.Emulator.State.FindUser(u)!.AccountEnabled, "a rejected step never runs");
        using var client = server.Client();
        var record = await client.GetFromJsonAsync<JsonObject>($"/api/v1/playbook-runs/{runId}");
        record!["run"]!["status"]!.GetValue<string>().ShouldBe("rejected");
        record["run"]!["interface"]!.GetValue<string>().ShouldBe("web");
    }

    [Fact]
    public async Task Validate_ReportsProblemsWithLineAndColumn_AndBadRequestsAreProblems()
    {
        await SetUpAsync(skip: 0);
        using var client = server.Client();

        var validated = await client.PostAsJsonAsync("/api/v1/playbooks/validate", new JsonObject { ["yaml"] = Playbook.Replace("users.disable", "users.disabel", StringComparison.Ordinal) });
        var result = (await validated.Content.ReadFromJsonAsync<JsonObject>())!;
        result["valid"]!.GetValue<bool>().ShouldBeFalse();
        var problem = result["problems"]!.AsArray().Single()!;
        problem["line"]!.GetValue<int>().ShouldBe(14);
        problem["column"]!.GetValue<int>().ShouldBe(13);
        problem["message"]!.GetValue<string>().ShouldContain("Did you mean 'users.disable'");

        using var unknownInput = await client.PostAsJsonAsync("/api/v1/playbooks/api-lock/runs", new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["colour"] = "red" } });
        unknownInput.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await unknownInput.Content.ReadAsStringAsync()).ShouldContain("'colour' is not an input of 'api-lock'");
        using var unknownPlaybook = await client.PostAsJsonAsync("/api/v1/playbooks/nope/runs", new JsonObject { ["connection"] = "Demo tenant" });
        unknownPlaybook.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var pathLike = await client.GetAsync("/api/v1/playbooks/..%2F..%2Fetc%2Fpasswd");
        pathLike.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var unknownRun = await client.GetAsync("/api/v1/playbook-runs/pbr_0000000000000000");
        unknownRun.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
