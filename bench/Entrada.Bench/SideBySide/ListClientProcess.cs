using System.Diagnostics;
using System.Runtime;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Serialization.Json;

namespace Entrada.Bench.SideBySide;

/// <summary>What a list client's own process measured.</summary>
/// <param name="Client"><c>entrada</c> or <c>naive</c>.</param>
/// <param name="Seconds">The listing's wall time (after composition and warm-up; the token request and the TLS handshake are in it).</param>
/// <param name="Items">Users written.</param>
/// <param name="NdjsonBytes">Bytes of NDJSON written.</param>
/// <param name="BaselineBytes">The process's working set just before the listing, after a full GC.</param>
/// <param name="SampledPeakBytes">The highest working set sampled (every ~50 ms) during the listing.</param>
/// <param name="HighWaterBytes">The kernel's peak resident set of the whole process (<c>VmHWM</c>); null off Linux.</param>
/// <param name="AllocatedBytes">Bytes allocated on the managed heap during the listing.</param>
/// <param name="Gen0">Gen 0 collections during the listing.</param>
/// <param name="Gen1">Gen 1 collections during the listing.</param>
/// <param name="Gen2">Gen 2 collections during the listing.</param>
/// <param name="Gc">The GC flavour the process ran with.</param>
/// <param name="Detail">How the items were written.</param>
/// <param name="Composition">What the process's resident set was made of when the listing ended (Linux only).</param>
internal sealed record ListClientReport(
    string Client,
    double Seconds,
    long Items,
    long NdjsonBytes,
    long BaselineBytes,
    long SampledPeakBytes,
    long? HighWaterBytes,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    string Gc,
    string Detail,
    string Composition)
{
    /// <summary>The process's absolute peak: its high-water mark where the kernel keeps one, else the sampled peak.</summary>
    public long PeakBytes => Math.Max(HighWaterBytes ?? 0, SampledPeakBytes);
}

/// <summary>
/// users-list with each client in a process of its own, so that its peak working set is its own
/// and not a delta on top of the emulated tenant's 100,000 users. The parent (which keeps the
/// emulator) starts this executable again as <c>list-client entrada|naive</c>, writes the
/// <see cref="TenantEndpoint"/> as JSON to the child's stdin (it carries the client secret, which
/// must not show on a command line) and reads one JSON line, a <see cref="ListClientReport"/>, from
/// the child's stdout. Anything else the child has to say goes to stderr.
/// </summary>
internal static class ListClientProcess
{
    public const string Command = "list-client";

    /// <summary>Items listed by the warm-up that precedes the measured listing in the child.</summary>
    public const int WarmUpItems = 10;

    public static readonly IReadOnlyList<string> Clients = ["entrada", "naive"];

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web);

    // ---- the parent ------------------------------------------------------------------------

    /// <summary>Runs <paramref name="client"/> in a child process against <paramref name="endpoint"/> and returns what it measured.</summary>
    public static async Task<ListClientReport> RunAsync(string client, TenantEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        // The same executable: the apphost under `dotnet run`, or `dotnet Entrada.Bench.dll` when started that way.
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot tell which executable this process runs, so cannot start the list client.");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(ListClientProcess).Assembly.Location);
        }

        start.ArgumentList.Add(Command);
        start.ArgumentList.Add(client);
        using var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {client} list client.");
        try
        {
            await process.StandardInput.WriteAsync(endpoint.ToJson().AsMemory(), cancellationToken);
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"The {client} list client exited with code {process.ExitCode}; its error is above.");
            }

            var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
                ?? throw new InvalidOperationException($"The {client} list client wrote no report.");
            return JsonSerializer.Deserialize<ListClientReport>(line, ReportJson) ?? throw new InvalidOperationException($"The {client} list client wrote an empty report.");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    // ---- the child -------------------------------------------------------------------------

    /// <summary>
    /// The child: reads the endpoint from stdin, warms the JIT with a short listing on a throwaway
    /// composition, composes the client afresh (as a CLI run does), then lists every user to a
    /// counting null stream with the working set sampled, and prints its report.
    /// </summary>
    public static async Task<int> MainAsync(IReadOnlyList<string> args)
    {
        if (args.Count != 1 || !Clients.Contains(args[0]))
        {
            await Console.Error.WriteLineAsync($"usage: Entrada.Bench {Command} {string.Join('|', Clients)}  (the tenant endpoint as JSON on stdin)");
            return 2;
        }

        var client = args[0];
        var endpoint = TenantEndpoint.FromJson(await Console.In.ReadToEndAsync());

        await using (var warm = await BenchClients.ConnectAsync(endpoint))
        {
            await ListAsync(client, warm, WarmUpItems, new CountingNullStream());
        }

        await using var clients = await BenchClients.ConnectAsync(endpoint);
        var sink = new CountingNullStream();
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var sampler = MemorySampler.Start();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        (long Items, string Detail) listed;
        try
        {
            listed = await ListAsync(client, clients, null, sink);
        }
        finally
        {
            watch.Stop();
            sampler.Dispose();
        }

        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        var gc = (GCSettings.IsServerGC ? "server" : "workstation") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? " non-concurrent" : " concurrent") + GcBudgets();
        var report = new ListClientReport(
            client,
            watch.Elapsed.TotalSeconds,
            listed.Items,
            sink.Length,
            sampler.Baseline,
            sampler.Peak,
            MemorySampler.PeakResidentBytes(),
            allocated,
            GC.CollectionCount(0) - gen0,
            GC.CollectionCount(1) - gen1,
            GC.CollectionCount(2) - gen2,
            gc,
            listed.Detail,
            Composition());
        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(report, ReportJson));
        await Console.Out.FlushAsync();
        return 0;
    }

    /// <summary>
    /// The GC's own view of its generation-0 budget settings (what the runtime configuration gave it,
    /// or 0 where the processor's cache decides), so a figure can be read with the configuration it ran under.
    /// </summary>
    private static string GcBudgets()
    {
        var settings = GC.GetConfigurationVariables()
            .Where(kv => kv.Key.Contains("gen0", StringComparison.OrdinalIgnoreCase) || kv.Key.Contains("Conserve", StringComparison.OrdinalIgnoreCase))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value}");
        return $" ({string.Join(", ", settings)})";
    }

    /// <summary>
    /// Where the resident set is: the managed heap (what the listing holds) against anonymous
    /// memory in all (GC heap, native allocations, runtime), file-backed pages (the runtime and
    /// assemblies mapped in, Microsoft.Graph.dll's 48 MB among them) and shared memory (JIT'd code:
    /// with W^X each page is mapped twice and counted twice in the resident set).
    /// </summary>
    private static string Composition()
    {
        static string Mb(long? bytes) => bytes is { } b ? (b / 1024.0 / 1024.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : "?";
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var rss = MemorySampler.ProcStatusBytes("VmRSS");
        return rss is null
            ? $"managed heap {Mb(info.HeapSizeBytes)} MB (GC committed {Mb(info.TotalCommittedBytes)} MB)"
            : $"resident {Mb(rss)} MB = anonymous {Mb(MemorySampler.ProcStatusBytes("RssAnon"))} (managed heap {Mb(info.HeapSizeBytes)}, GC committed {Mb(info.TotalCommittedBytes)}) + files {Mb(MemorySampler.ProcStatusBytes("RssFile"))} + shared/JIT code {Mb(MemorySampler.ProcStatusBytes("RssShmem"))}";
    }

    /// <summary>Lists users (at most <paramref name="max"/>; all when null) with one client, each as one NDJSON line in <paramref name="sink"/>.</summary>
    private static Task<(long Items, string Detail)> ListAsync(string client, BenchClients clients, int? max, Stream sink) =>
        client == "entrada" ? ListWithEntradaAsync(clients, max, sink) : ListWithPageIteratorAsync(clients, max, sink);

    private static async Task<(long Items, string Detail)> ListWithEntradaAsync(BenchClients clients, int? max, Stream sink)
    {
        // As `entrada run users.list --output ndjson` does: each item serialised as it arrives.
        using var writer = new Utf8JsonWriter(sink);
        var input = max is { } m ? new JsonObject { ["max"] = m } : [];
        var result = await clients.Runner.RunAsync(new ActionRunRequest("users.list", BenchClients.ConnectionName, input) { Caller = Entrada.Core.Caller.Cli() }, (item, _) =>
        {
            JsonSerializer.Serialize(writer, item, item?.GetType() ?? typeof(object), ActionInput.Options);
            writer.Flush();
            writer.Reset();
            sink.WriteByte((byte)'\n');
            return ValueTask.CompletedTask;
        }, default);
        return (result.ItemCount, "System.Text.Json, $top=999 + $select");
    }

    private static async Task<(long Items, string Detail)> ListWithPageIteratorAsync(BenchClients clients, int? max, Stream sink)
    {
        var client = clients.CreateNaiveClient();

        // The SDK's documented way: the first page without $top (the default page size), then PageIterator.
        // The warm-up asks for small pages so that it follows a nextLink too.
        var first = max is null ? await client.Users.GetAsync() : await client.Users.GetAsync(rc => rc.QueryParameters.Top = Math.Max(1, max.Value / 2));
        long count = 0;
        var iterator = PageIterator<User, UserCollectionResponse>.CreatePageIterator(client, first!, user =>
        {
            using var writer = new JsonSerializationWriter();
            writer.WriteObjectValue(null, user);
            using var content = writer.GetSerializedContent();
            content.CopyTo(sink);
            sink.WriteByte((byte)'\n');
            count++;
            return max is null || count < max;
        });
        await iterator.IterateAsync();
        return (count, "Kiota JsonSerializationWriter, default page size");
    }
}
