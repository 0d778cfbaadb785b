using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Entrada.Emulator;

namespace Entrada.Bench;

/// <summary>
/// The emulator's performance targets (issue 3): 10,000 sequential GET /users?$top=1 at latency 0 and
/// throttling off in under 10 s; under 500 MB with 100,000 users; ready in under 3 s with 1,000 users.
/// </summary>
internal static class EmulatorBenchmark
{
    public static async Task RunAsync()
    {
        Console.WriteLine("emulator");
        await StartupAsync();
        await SequentialRequestsAsync();
        await MemoryAsync();
    }

    private static async Task StartupAsync()
    {
        // The first start pays for JIT; the figure that matters is a start in a warm process and a cold one.
        var cold = Stopwatch.StartNew();
        await using (await EmulatorServer.StartAsync(new EmulatorOptions { Users = 1000, Groups = 5 }))
        {
            cold.Stop();
        }

        var warm = Stopwatch.StartNew();
        await using (await EmulatorServer.StartAsync(new EmulatorOptions { Users = 1000, Groups = 5 }))
        {
            warm.Stop();
        }

        Report("startup with 1,000 users (first in process)", cold.Elapsed.TotalSeconds, "s", 3);
        Report("startup with 1,000 users (warm)", warm.Elapsed.TotalSeconds, "s", 3);
    }

    private static async Task SequentialRequestsAsync()
    {
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 1000, Groups = 5, Throttle = ThrottleMode.Off, LatencyMs = 0 });
        using var http = new HttpClient(server.CreateHttpHandler());
        var demo = server.Apps.Single(a => a.Name == "demo");
        using var tokenResponse = await http.PostAsync(new Uri(server.AuthorityHost, $"{server.TenantId}/oauth2/v2.0/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = demo.ClientId,
            ["client_secret"] = demo.ClientSecret,
            ["grant_type"] = "client_credentials",
            ["scope"] = "https://graph.microsoft.com/.default",
        }));
        using var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("access_token").GetString());
        var url = new Uri(server.GraphEndpoint + "/users?$top=1");
        for (var i = 0; i < 200; i++)
        {
            (await http.GetAsync(url)).Dispose();
        }

        const int count = 10_000;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            using var response = await http.GetAsync(url);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Request {i} answered {(int)response.StatusCode}.");
            }

            await response.Content.ReadAsByteArrayAsync();
        }

        watch.Stop();
        Report("10,000 sequential GET /users?$top=1", watch.Elapsed.TotalSeconds, "s", 10);
        Console.WriteLine($"  ({count / watch.Elapsed.TotalSeconds:F0} requests/s, {watch.Elapsed.TotalMilliseconds / count:F3} ms each)");
    }

    private static async Task MemoryAsync()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var watch = Stopwatch.StartNew();
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 100_000, Groups = 50 });
        watch.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Report("startup with 100,000 users", watch.Elapsed.TotalSeconds, "s", null);
        Report("managed heap held by 100,000 users", (after - before) / 1024.0 / 1024.0, "MB", null);
        Report("process working set with 100,000 users", process.WorkingSet64 / 1024.0 / 1024.0, "MB", 500);
        GC.KeepAlive(server);
    }

    private static void Report(string what, double value, string unit, double? target)
    {
        var verdict = target is null ? string.Empty : value < target ? $"  (target < {target} {unit}: met)" : $"  (target < {target} {unit}: MISSED)";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what}: {value:F2} {unit}{verdict}"));
    }
}
