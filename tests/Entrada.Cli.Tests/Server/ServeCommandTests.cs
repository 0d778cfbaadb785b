using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Server;

public sealed class ServeCommandTests : IDisposable
{
    private readonly EntradaProcess _entrada = new();

    public void Dispose() => _entrada.Dispose();

    [Fact]
    public async Task ServeDemo_PrintsOneJsonLineWithTheRealUrlAndAKey_ServesTheDemoTenant_AndStopsCleanlyOnSigint()
    {
        using var process = Process.Start(_entrada.StartInfo(["serve", "--demo", "--urls", "http://127.0.0.1:0", "--output", "json"]))!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
            var started = JsonNode.Parse(line!)!.AsObject();
            started.Select(p => p.Key).ShouldBe(["url", "apiKey"]);
            var url = new Uri(started["url"]!.GetValue<string>());
            url.Port.ShouldNotBe(0);

            using var client = new HttpClient { BaseAddress = url };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", started["apiKey"]!.GetValue<string>());
            var connections = JsonNode.Parse(await client.GetStringAsync("/api/v1/connections"))!.AsArray();
            connections.Single()!["name"]!.GetValue<string>().ShouldBe("Demo tenant");
            connections.Single()!["lastTest"]!["outcome"]!.GetValue<string>().ShouldBe("ready");

            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
            process.ExitCode.ShouldBe(0, await stderr);
            (await process.StandardOutput.ReadToEndAsync()).Trim().ShouldBeEmpty();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Keys_AreShownOnceAtCreation_ListedWithoutTheKey_AndRevocable()
    {
        var created = await _entrada.RunAsync("keys", "create", "--name", "automation", "--output", "json");
        created.ExitCode.ShouldBe(0, created.ToString());
        var key = JsonNode.Parse(created.Stdout)!;
        var secret = key["key"]!.GetValue<string>();
        secret.ShouldStartWith("entrada_" + key["id"]!.GetValue<string>() + "_");

        var list = await _entrada.RunAsync("keys", "list");
        list.ExitCode.ShouldBe(0, list.ToString());
        list.Stdout.ShouldContain("automation");
        list.Stdout.ShouldContain("active");
        list.All.ShouldNotContain(secret);

        var revoked = await _entrada.RunAsync("keys", "revoke", key["id"]!.GetValue<string>());
        revoked.ExitCode.ShouldBe(0, revoked.ToString());
        (await _entrada.RunAsync("keys", "list")).Stdout.ShouldContain("revoked");

        var unknown = await _entrada.RunAsync("keys", "revoke", "nope");
        unknown.ExitCode.ShouldBe(2);
        unknown.Stderr.ShouldContain("There is no API key with id 'nope'");
    }

    [Fact]
    public async Task Serve_WithABadAddress_FailsWithOneLineAndExitCode2()
    {
        var result = await _entrada.RunAsync("serve", "--urls", "ftp://nowhere");
        result.ExitCode.ShouldBe(2, result.ToString());
        result.Stderr.ShouldContain("The address 'ftp://nowhere' is not valid");
    }

    [Fact]
    public async Task ServeWithoutDemo_OnASecondStart_PrintsNoKey()
    {
        (await _entrada.RunAsync("keys", "create")).ExitCode.ShouldBe(0);
        using var process = Process.Start(_entrada.StartInfo(["serve", "--urls", "http://127.0.0.1:0", "--output", "json"]))!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
            var started = JsonNode.Parse(line!)!.AsObject();
            started["apiKey"].ShouldBeNull();
            using var client = new HttpClient { BaseAddress = new Uri(started["url"]!.GetValue<string>()) };
            (await client.GetAsync("/api/v1/connections")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
