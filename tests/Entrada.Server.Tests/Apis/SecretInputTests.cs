using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Secrets;
using Entrada.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Server.Tests.Apis;

/// <summary>
/// Secret inputs (fields marked <see cref="SecretAttribute"/>, values of secret LDAP attributes)
/// never come back out: not in the API's answers while a run runs or after, not in the stored
/// run, the job, the audit log, the dry-run plan, the log files or anywhere in ENTRADA_HOME.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class SecretInputTests(ServerFixture server)
{
    private const string Ldap = "Secret LDAP";

    /// <summary>For every action with a secret field, an input that puts <c>{secret}</c> in each of them.</summary>
    private static readonly Dictionary<string, Func<string, JsonObject>> Inputs = new(StringComparer.Ordinal)
    {
        ["users.create"] = s => new() { ["displayName"] = "Masked Ann", ["userPrincipalName"] = $"masked-{Guid.NewGuid():N}@entradaemulator.onmicrosoft.com", ["password"] = s },
        ["users.reset-password"] = s => new() { ["id"] = "ann@entradaemulator.onmicrosoft.com", ["password"] = s },
        ["ldap.ad.reset-password"] = s => new() { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com", ["password"] = s },
        ["ldap.modify"] = s => new()
        {
            ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com",
            ["changes"] = new JsonArray(
                new JsonObject { ["operation"] = "replace", ["attribute"] = "userPassword", ["values"] = new JsonArray(s) },
                new JsonObject { ["operation"] = "replace", ["attribute"] = "sambaNTPassword", ["values"] = new JsonArray(s + "-nt") },
                new JsonObject { ["operation"] = "add", ["attribute"] = "unicodePwd;binary", ["values"] = new JsonArray(s + "-u") }),
        },
        ["ldap.add"] = s => new()
        {
            ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com",
            ["attributes"] = new JsonObject { ["objectClass"] = new JsonArray("inetOrgPerson"), ["cn"] = new JsonArray("Jane"), ["sn"] = new JsonArray("Doe"), ["userPassword"] = new JsonArray(s), ["ms-Mcs-AdmPwd"] = new JsonArray(s + "-laps") },
        },
        ["ldap.compare"] = s => new() { ["dn"] = "CN=Jane Doe,OU=People,DC=example,DC=com", ["attribute"] = "userPassword", ["value"] = s },
        ["apps.credentials.remove"] = s => new() { ["id"] = "00000000-0000-0000-0000-000000000001", ["keyId"] = "00000000-0000-0000-0000-000000000002", ["proof"] = s },
    };

    private IReadOnlyList<ActionDescriptor> Catalogue => [.. server.Server.Services.GetRequiredService<ActionCatalog>().All.Select(a => a.Descriptor)];

    [Fact]
    public void EveryActionWithASecretField_HasAnInputHere_ThatFillsItsSecretFields()
    {
        var withSecrets = Catalogue.Where(d => SecretMasking.SecretFieldsOf(d.InputType).Count > 0).Select(d => d.Id).Order(StringComparer.Ordinal).ToList();
        withSecrets.ShouldNotBeEmpty();
        string.Join(", ", Inputs.Keys.Order(StringComparer.Ordinal)).ShouldBe(string.Join(", ", withSecrets), "each action with a secret field is run by the test below: add an input for a new one");
        foreach (var descriptor in Catalogue.Where(d => Inputs.ContainsKey(d.Id)))
        {
            var input = Inputs[descriptor.Id]("Probe-Secret-0000");
            ActionInput.Bind(descriptor, input).ShouldNotBeNull();
            SecretMasking.MaskInput(descriptor, input)!.ToJsonString().ShouldNotContain("Probe-Secret-0000", customMessage: descriptor.Id);
        }
    }

    [Fact]
    public async Task EverySecretInput_AppearsNowhere_InTheApiTheStoreTheAuditTheJobsOrTheFiles()
    {
        using var client = server.Client();
        await EnsureLdapConnectionAsync(client);
        var (_, userIds) = await server.SomeIdsAsync(1);
        var secrets = new List<string>();
        var bodies = new List<string>();
        foreach (var descriptor in Catalogue.Where(d => Inputs.ContainsKey(d.Id)))
        {
            var secret = $"Masked-{descriptor.Id}-{Guid.NewGuid():N}";
            secrets.Add(secret);
            var input = Inputs[descriptor.Id](secret);
            if (descriptor.Id == "users.reset-password")
            {
                input["id"] = userIds[0];
            }

            if (descriptor.Id == "apps.credentials.remove")
            {
                // A certificate the app has, so the proof is sent to Graph (which refuses it: it is no JWT).
                var app = (await server.RunAsync("apps.list", new JsonObject { ["filter"] = "displayName eq 'Fabrikam Payroll Sync'" }))["output"]![0]!;
                input["id"] = app["id"]!.GetValue<string>();
                input["keyId"] = app["credentials"]!.AsArray().First(c => c!["type"]!.GetValue<string>() == "certificate")!["keyId"]!.GetValue<string>();
            }

            var connection = descriptor.Target == ActionTarget.Ldap ? Ldap : "Demo tenant";
            // A real run where it can succeed (the emulated tenant, or a compare that fails to connect); a dry run of an LDAP change.
            var dryRun = descriptor.Target == ActionTarget.Ldap && descriptor.Destructive;
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/actions/{descriptor.Id}/runs")
            {
                Content = JsonContent.Create(new JsonObject { ["connection"] = connection, ["input"] = input, ["dryRun"] = dryRun }),
            };
            request.Headers.Add("Prefer", "respond-async");
            using var started = await client.SendAsync(request);
            var startedText = await started.Content.ReadAsStringAsync();
            started.StatusCode.ShouldBe(HttpStatusCode.Accepted, startedText);
            bodies.Add(startedText);
            var runId = JsonNode.Parse(startedText)!["id"]!.GetValue<string>();
            var run = await FinishedAsync(client, runId, bodies);
            bodies.Add(run.ToJsonString());
            if (run["jobId"]?.GetValue<string>() is { } jobId)
            {
                bodies.Add(await client.GetStringAsync($"/api/v1/jobs/{jobId}"));
            }
        }

        bodies.Add(await client.GetStringAsync("/api/v1/runs?limit=200"));
        bodies.Add(await client.GetStringAsync("/api/v1/audit?limit=1000"));
        var files = FilesOfHome();
        files.ShouldNotBeEmpty();
        foreach (var secret in secrets)
        {
            foreach (var text in bodies)
            {
                text.ShouldNotContain(secret);
            }

            foreach (var (path, content) in files)
            {
                content.Contains(secret, StringComparison.Ordinal).ShouldBeFalse($"{path} holds the secret of {secret}");
            }
        }

        // Masked, not dropped: the audit and the runs still say that a value was given.
        bodies.Last().ShouldContain(SecretMasking.Mask);
    }

    [Fact]
    public async Task ARunningRun_ShowsItsInputMasked_InThe202AndInGetWhileItRuns()
    {
        const string Secret = "While-Running-Secret-5d21";
        using var client = server.Client();
        var (_, userIds) = await server.SomeIdsAsync(1);
        // The first PATCH is throttled for two seconds, so the run is still running when it is read.
        await server.ControlAsync(HttpMethod.Post, "faults", new { fault = "429", count = 1, retryAfterSeconds = 2, pathContains = userIds[0] });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/actions/users.reset-password/runs")
        {
            Content = JsonContent.Create(new JsonObject { ["connection"] = "Demo tenant", ["input"] = new JsonObject { ["id"] = userIds[0], ["password"] = Secret } }),
        };
        request.Headers.Add("Prefer", "respond-async");
        using var started = await client.SendAsync(request);
        var startedText = await started.Content.ReadAsStringAsync();
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, startedText);
        var runId = JsonNode.Parse(startedText)!["id"]!.GetValue<string>();
        var running = await client.GetStringAsync($"/api/v1/runs/{runId}");
        var finished = await FinishedAsync(client, runId, []);

        JsonNode.Parse(startedText)!["status"]!.GetValue<string>().ShouldBe("running");
        JsonNode.Parse(running)!["status"]!.GetValue<string>().ShouldBe("running");
        JsonNode.Parse(running)!["input"]!["password"]!.GetValue<string>().ShouldBe(SecretMasking.Mask);
        startedText.ShouldNotContain(Secret);
        running.ShouldNotContain(Secret);
        finished["status"]!.GetValue<string>().ShouldBe("succeeded", finished.ToJsonString());
        finished.ToJsonString().ShouldNotContain(Secret);
    }

    [Fact]
    public async Task EverySecretField_IsWriteOnlyWithFormatPassword_InTheActionsSchema()
    {
        using var client = server.Client();
        var checkedFields = 0;
        foreach (var descriptor in Catalogue)
        {
            var always = descriptor.InputType.GetProperties().Where(p => SecretMasking.IsAlwaysSecret(p)).Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]).ToList();
            if (always.Count == 0)
            {
                continue;
            }

            var view = await client.GetFromJsonAsync<JsonObject>($"/api/v1/actions/{descriptor.Id}");
            var properties = view!["inputSchema"]?["properties"];
            properties.ShouldNotBeNull(view.ToJsonString());
            foreach (var name in always)
            {
                properties[name]!["writeOnly"]!.GetValue<bool>().ShouldBeTrue($"{descriptor.Id}.{name}");
                properties[name]!["format"]!.GetValue<string>().ShouldBe("password", $"{descriptor.Id}.{name}");
                checkedFields++;
            }
        }

        checkedFields.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task TheActionsPage_RendersASecretFieldAsAPassword_AndNeverFillsItBackIn()
    {
        const string Secret = "Page-Run-Secret-0c7e";
        using var browser = await SignedInClient.CreateAsync(server.Url, server.ApiKey);
        const string Page = "/actions?connection=Demo%20tenant&action=users.create";
        var form = await browser.GetStringAsync(Page);
        form.ShouldContain("id=\"input-password\" name=\"input.password\" type=\"password\"");
        using var response = await browser.PostAsync("/actions?handler=Run&connection=Demo%20tenant&action=users.create", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignedInClient.TokenOf(form),
            ["input.displayName"] = "Page Ann",
            ["input.userPrincipalName"] = $"page-{Guid.NewGuid():N}@entradaemulator.onmicrosoft.com",
            ["input.password"] = Secret,
            ["DryRun"] = "true",
        }));
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("id=\"input-password\" name=\"input.password\" type=\"password\"");
        html.ShouldContain("Page Ann", customMessage: "the other fields are filled back in");
        html.ShouldNotContain(Secret);
    }

    private async Task EnsureLdapConnectionAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/connections", new JsonObject
        {
            ["name"] = Ldap,
            ["method"] = "ldap",
            // Nothing listens here: a dry run of a change needs no server, a compare fails to connect.
            ["uri"] = "ldaps://127.0.0.1:1",
            ["bindDn"] = "svc@corp.example",
            ["password"] = "Bind-Password-Not-Under-Test",
            ["caCertificate"] = server.Emulator.CaCertificatePem,
        });
        var text = await response.Content.ReadAsStringAsync();
        (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict).ShouldBeTrue(text);
    }

    private static async Task<JsonObject> FinishedAsync(HttpClient client, string runId, List<string> seen)
    {
        for (var i = 0; i < 300; i++)
        {
            var text = await client.GetStringAsync($"/api/v1/runs/{runId}");
            seen.Add(text);
            var run = JsonNode.Parse(text)!.AsObject();
            if (run["status"]!.GetValue<string>() != "running")
            {
                return run;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Run {runId} did not finish.");
    }

    /// <summary>Every file under ENTRADA_HOME (database and its journal, logs …) as text.</summary>
    private List<(string Path, string Content)> FilesOfHome() =>
        [.. Directory.EnumerateFiles(server.HomePath, "*", SearchOption.AllDirectories).Where(path => !ServerFixture.IsHeldTriggerLock(path)).Select(path =>
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return (path, reader.ReadToEnd());
        })];
}
