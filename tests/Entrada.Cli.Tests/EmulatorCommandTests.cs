using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Entrada.Cli.Tests.Support;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Authentication.Azure;

namespace Entrada.Cli.Tests;

/// <summary>
/// <c>entrada emulator</c> as a separate process, used the way a script or another tool would:
/// read its one JSON line, trust the CA it wrote, talk to it with Microsoft's own SDKs, stop it
/// with Ctrl+C.
/// </summary>
public sealed class EmulatorCommandTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly EntradaProcess _entrada = new();
    private readonly string _caPath = Path.Combine(Path.GetTempPath(), $"entrada-ca-{Guid.NewGuid():N}.pem");

    public void Dispose()
    {
        File.Delete(_caPath);
        _entrada.Dispose();
    }

    [Fact]
    public async Task OutputJson_PrintsOneLineWithWhatAClientNeeds_AndCtrlCStopsItWithExit130()
    {
        await using var emulator = RunningEntrada.Start(_entrada, "emulator", "--port", "0", "--users", "10", "--ca-cert-out", _caPath, "--output", "json");
        var line = await emulator.ReadLineAsync(Startup);
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        root.GetProperty("authorityHost").GetString().ShouldStartWith("https://127.0.0.1:");
        root.GetProperty("graphEndpoint").GetString().ShouldBe(root.GetProperty("authorityHost").GetString() + "/v1.0");
        Guid.TryParse(root.GetProperty("tenantId").GetString(), out _).ShouldBeTrue();
        root.GetProperty("tenantDomain").GetString().ShouldNotBeNullOrEmpty();
        root.GetProperty("caCertificatePath").GetString().ShouldBe(Path.GetFullPath(_caPath));
        root.GetProperty("controlKey").GetString().ShouldNotBeNullOrEmpty();
        var apps = root.GetProperty("apps").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        apps["demo"].GetProperty("permissions").GetArrayLength().ShouldBeGreaterThan(10);
        apps["no-consent"].GetProperty("permissions").GetArrayLength().ShouldBe(0);
        File.ReadAllText(_caPath).ShouldContain("BEGIN CERTIFICATE");

        emulator.Interrupt();
        (await emulator.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(130, emulator.Stderr);
        emulator.Stderr.ShouldContain("Cancelled.");
        emulator.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task AGraphSdkClientTrustingTheWrittenCa_ListsAllUsersOfAThousandUserTenantThroughPaging()
    {
        await using var emulator = RunningEntrada.Start(_entrada, "emulator", "--users", "1000", "--throttle", "off", "--ca-cert-out", _caPath, "-o", "json");
        using var doc = JsonDocument.Parse(await emulator.ReadLineAsync(Startup));
        var root = doc.RootElement;
        var demo = root.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "demo");
        var authority = new Uri(root.GetProperty("authorityHost").GetString()!);
        var graph = root.GetProperty("graphEndpoint").GetString()!;

        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_caPath));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var http = new HttpClient(handler, disposeHandler: false);
        var credential = new ClientSecretCredential(
            root.GetProperty("tenantId").GetString(),
            demo.GetProperty("clientId").GetString(),
            demo.GetProperty("clientSecret").GetString(),
            new ClientSecretCredentialOptions { AuthorityHost = authority, DisableInstanceDiscovery = true, Transport = new HttpClientTransport(http) });
        var auth = new AzureIdentityAuthenticationProvider(credential, ["127.0.0.1"], null, true, "https://graph.microsoft.com/.default");
        using var graphHttp = GraphClientFactory.Create(finalHandler: new HttpClientHandler { ServerCertificateCustomValidationCallback = handler.ServerCertificateCustomValidationCallback });
        var client = new GraphServiceClient(graphHttp, auth, graph);

        var first = await client.Users.GetAsync(r => r.QueryParameters.Top = 100);
        var seen = new HashSet<string>();
        var pages = 0;
        var iterator = PageIterator<User, UserCollectionResponse>.CreatePageIterator(client, first!, user => seen.Add(user.Id!), request => { pages++; return request; });
        await iterator.IterateAsync();
        seen.Count.ShouldBe(1000);
        pages.ShouldBeGreaterThanOrEqualTo(9);
    }

    [Fact]
    public async Task AnotherCa_IsNotTrusted()
    {
        await using var emulator = RunningEntrada.Start(_entrada, "emulator", "--users", "5", "-o", "json");
        using var doc = JsonDocument.Parse(await emulator.ReadLineAsync(Startup));
        using var http = new HttpClient();
        var ex = await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync(doc.RootElement.GetProperty("graphEndpoint").GetString() + "/users"));
        ex.InnerException.ShouldBeOfType<System.Security.Authentication.AuthenticationException>();
    }

    [Fact]
    public async Task ABadOption_Exits2()
    {
        var result = await _entrada.RunAsync("emulator", "--throttle", "sometimes");
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("--throttle 'sometimes' is not known: use realistic or off.");
    }

    [Fact]
    public async Task CtrlC_DuringASlowRun_Exits130AndTheRunIsAuditedAsCancelled()
    {
        await using var emulator = RunningEntrada.Start(_entrada, "emulator", "--users", "5", "--latency-ms", "3000", "--throttle", "off", "--ca-cert-out", _caPath, "-o", "json");
        using var doc = JsonDocument.Parse(await emulator.ReadLineAsync(Startup));
        var root = doc.RootElement;
        var demo = root.GetProperty("apps").EnumerateArray().Single(a => a.GetProperty("name").GetString() == "demo");
        _entrada.Environment["DEMO_SECRET"] = demo.GetProperty("clientSecret").GetString()!;
        var add = await _entrada.RunAsync("connections", "add", "Slow", "--method", "app-registration", "--tenant-id", root.GetProperty("tenantId").GetString()!, "--client-id", demo.GetProperty("clientId").GetString()!, "--client-secret-env", "DEMO_SECRET", "--cloud", "custom", "--authority-host", root.GetProperty("authorityHost").GetString()!, "--graph-endpoint", root.GetProperty("graphEndpoint").GetString()!, "--ca-cert", _caPath);
        add.ExitCode.ShouldBe(0, add.ToString());

        await using var run = RunningEntrada.Start(_entrada, "run", "users.list", "--connection", "Slow", "--output", "ndjson");
        // Ctrl+C once the run is under way (its record says running; each Graph call then takes 3 s), however
        // long the process takes to start on a loaded machine.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await IsRunningAsync("users.list"))
        {
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(2), "the run never started: " + run.Stderr);
            await Task.Delay(200);
        }

        run.Interrupt();
        (await run.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(130, run.Stderr);
        run.Stderr.ShouldNotContain("   at ");

        var audit = JsonDocument.Parse((await _entrada.RunAsync("audit", "list", "--output", "json")).Stdout).RootElement;
        var record = audit.EnumerateArray().First(r => r.GetProperty("operation").GetString() == "run users.list");
        record.GetProperty("outcome").GetString().ShouldBe("cancelled");
    }

    private async Task<bool> IsRunningAsync(string action)
    {
        var list = await _entrada.RunAsync("runs", "list", "-o", "json");
        return list.ExitCode == 0 && JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray()
            .Any(r => r.GetProperty("action").GetString() == action && r.GetProperty("status").GetString() == "running");
    }
}
