using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Entrada.Server.Tests.Runners;

/// <summary>
/// The test that matters: a Samba domain controller that only a network namespace reaches
/// (tests/infra/runner-netns.start.sh, which ./test.sh starts), a runner started inside that
/// namespace, the server in the root namespace on the veth's host-side address. Through the server,
/// LDAP actions, an Active Directory bulk job and Test Connection succeed via the runner — checked
/// in LDAP from inside the namespace — while the same directory tried from the server's side fails.
/// </summary>
public sealed class RunnerNetworkNamespaceTests
{
    private static string Env(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"The environment variable {name} is not set: this test needs the namespace and domain controller that tests/infra/runner-netns.start.sh makes (as root). Run ./test.sh from the repository root.");

    private static string Namespace => Env("ENTRADA_TEST_RUNNER_NETNS");

    private static string DcUri => Env("ENTRADA_TEST_RUNNER_DC_URI");

    private static string BaseDn => Env("ENTRADA_TEST_RUNNER_DC_BASE_DN");

    [Fact]
    public async Task ADirectoryOnlyTheRunnerReaches_IsManagedThroughTheServer_ViaTheRunner()
    {
        var host = IPAddress.Parse(Env("ENTRADA_TEST_RUNNER_HOST_ADDRESS"));
        var ca = File.ReadAllText(Env("ENTRADA_TEST_RUNNER_DC_CA"));
        var adminDn = Env("ENTRADA_TEST_RUNNER_DC_ADMIN_DN");
        var password = Env("ENTRADA_TEST_RUNNER_DC_ADMIN_PASSWORD");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var server = await RunnerServer.StartAsync(host);

        // The server's side cannot reach the directory: the same connection, run by the server itself, fails.
        await server.PostAsync("/api/v1/connections", new JsonObject
        {
            ["name"] = "Branch direct " + suffix,
            ["method"] = "ldap",
            ["uri"] = DcUri,
            ["bindDn"] = adminDn,
            ["password"] = password,
            ["caCertificate"] = ca,
        }, HttpStatusCode.Created);
        var direct = await server.PostAsync($"/api/v1/connections/{Uri.EscapeDataString("Branch direct " + suffix)}/test", new { });
        direct["authenticated"]!.GetValue<bool>().ShouldBeFalse(direct.ToJsonString());
        direct["checks"]!.AsArray()[0]!["name"]!.GetValue<string>().ShouldBe("reachable");

        // A runner inside the namespace, which dials out to the server on the veth.
        await using var runner = await server.StartRunnerAsync(
            "branch",
            "branch-" + suffix,
            new Dictionary<string, string> { ["BRANCH_AD_PASSWORD"] = password },
            ["ip", "netns", "exec", Namespace]);
        var name = "Branch AD " + suffix;
        await server.PostAsync("/api/v1/connections", new JsonObject
        {
            ["name"] = name,
            ["method"] = "ldap",
            ["uri"] = DcUri,
            ["bindDn"] = adminDn,
            ["caCertificate"] = ca,
            ["runnerGroup"] = "branch",
            ["secretReference"] = "env:BRANCH_AD_PASSWORD",
        }, HttpStatusCode.Created);
        var connection = Uri.EscapeDataString(name);

        var tested = await server.PostAsync($"/api/v1/connections/{connection}/test", new { });
        tested["authenticated"]!.GetValue<bool>().ShouldBeTrue(tested.ToJsonString());
        tested["identity"]!.GetValue<string>().ShouldContain("Administrator");

        // ldap.* actions through the server: an OU and accounts, added by the runner.
        var ou = $"OU=Runner {suffix},{BaseDn}";
        await RunAsync(server, "ldap.add", name, new JsonObject { ["dn"] = ou, ["attributes"] = new JsonObject { ["objectClass"] = new JsonArray("organizationalUnit") } });
        var accounts = Enumerable.Range(1, 25).Select(i => $"CN=rn{suffix}u{i:00},{ou}").ToList();
        foreach (var (dn, i) in accounts.Select((dn, i) => (dn, i)))
        {
            await RunAsync(server, "ldap.add", name, new JsonObject
            {
                ["dn"] = dn,
                ["attributes"] = new JsonObject
                {
                    ["objectClass"] = new JsonArray("user"),
                    ["sAMAccountName"] = new JsonArray($"rn{suffix}u{i + 1:00}"),
                    // NORMAL_ACCOUNT | PASSWD_NOTREQD: enabled without a password.
                    ["userAccountControl"] = new JsonArray("544"),
                },
            });
        }

        var found = await RunAsync(server, "ldap.search", name, new JsonObject { ["filter"] = "(objectClass=user)", ["base"] = ou, ["attributes"] = new JsonArray("userAccountControl") });
        found["itemCount"]!.GetValue<int>().ShouldBe(25);

        // An Active Directory bulk job through the server: a durable job on the server, worked by the runner.
        var bulk = await RunAsync(server, "ldap.ad.disable-accounts", name, new JsonObject { ["dns"] = new JsonArray([.. accounts.Select(a => (JsonNode?)a)]) });
        bulk["output"]!["done"]!.GetValue<int>().ShouldBe(25, bulk.ToJsonString());
        var job = (await server.GetAsync($"/api/v1/jobs/{bulk["jobId"]!.GetValue<string>()}")).AsObject();
        job["job"]!["status"]!.GetValue<string>().ShouldBe("completed");
        job["job"]!["done"]!.GetValue<int>().ShouldBe(25);

        // The end state, read in LDAP from inside the namespace (not from Entrada's report).
        var ldif = await LdapSearchInNamespaceAsync(ou, adminDn, password);
        var values = ldif.Split('\n').Where(l => l.StartsWith("userAccountControl:", StringComparison.Ordinal)).Select(l => l.Split(':')[1].Trim()).ToList();
        values.Count.ShouldBe(25, ldif);
        values.ShouldAllBe(v => (int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) & 2) == 2);

        // And the server never held the directory's password: its audit names the runner for each run.
        var audit = (await server.GetAsync($"/api/v1/audit?connection={connection}&limit=100")).AsArray();
        audit.Where(a => a!["operation"]!.GetValue<string>().StartsWith("run ", StringComparison.Ordinal))
            .ShouldAllBe(a => a!["details"]!["runner"]!.GetValue<string>() == runner.Id);
    }

    private static async Task<JsonObject> RunAsync(RunnerServer server, string action, string connection, JsonObject input)
    {
        var run = await server.PostAsync($"/api/v1/actions/{action}/runs", new JsonObject { ["connection"] = connection, ["input"] = input });
        run["status"]!.GetValue<string>().ShouldBe("succeeded", run.ToJsonString());
        return run;
    }

    private static async Task<string> LdapSearchInNamespaceAsync(string baseDn, string bindDn, string password)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", Namespace, "ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", DcUri, "-D", bindDn, "-y", "/dev/stdin", "-b", baseDn, "(objectClass=user)", "userAccountControl" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["LDAPTLS_CACERT"] = Env("ENTRADA_TEST_RUNNER_DC_CA");
        using var process = Process.Start(info)!;
        // The password on standard input (-y /dev/stdin), never on the command line; no newline.
        await process.StandardInput.WriteAsync(password);
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, error);
        return output;
    }
}
