using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Entrada.Cli.Tests.Connections;
using Entrada.Cli.Tests.Support;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Emulator;

namespace Entrada.Cli.Tests.OAuth;

/// <summary>
/// The real <c>entrada</c> command against an emulated tenant: an OAuth connection added with a
/// device code that is approved while the command waits, used after a restart (a new process),
/// tested, signed out; a Guest refused; and no token anywhere Entrada writes or prints.
/// </summary>
public sealed partial class OAuthCommandTests : IAsyncLifetime
{
    private readonly EntradaProcess _entrada = new();
    private readonly List<CliResult> _outputs = [];
    private EmulatorServer _server = null!;
    private string _caPath = null!;

    public async Task InitializeAsync()
    {
        _server = await EmulatorServer.StartAsync(new EmulatorOptions { Users = 20, Groups = 3, Throttle = ThrottleMode.Off });
        _caPath = Path.Combine(Path.GetTempPath(), $"entrada-oauth-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(_caPath, _server.CaCertificatePem);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_caPath);
        _entrada.Dispose();
    }

    [GeneratedRegex("enter the code ([A-Z0-9]+)")]
    private static partial Regex UserCode();

    private string[] AddArgs(string name) =>
    [
        "connections", "add", name, "--method", "oauth", "--device-code",
        "--tenant-id", _server.TenantId, "--client-id", _server.Apps.Single(a => a.Name == "demo").ClientId,
        "--cloud", "custom", "--authority-host", _server.AuthorityHost.ToString(), "--graph-endpoint", _server.GraphEndpoint.ToString(), "--ca-cert", _caPath,
        "--debug",
    ];

    /// <summary>Starts <c>connections add --device-code</c>, approves the code it prints through the emulator's control API, and waits for it.</summary>
    private async Task<CliResult> AddWithDeviceCodeAsync(string name, string userId)
    {
        using var process = Process.Start(_entrada.StartInfo(AddArgs(name)))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        string? code = null;
        while (code is null && await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            stderr.AppendLine(line);
            code = UserCode().Match(line) is { Success: true } m ? m.Groups[1].Value : null;
        }

        code.ShouldNotBeNull($"no device code was printed:\n{stderr}");
        process.HasExited.ShouldBeFalse("the command waits for the sign-in");
        using (var approval = await ControlAsync(HttpMethod.Post, $"devicecodes/{code}/approve", new { user = userId }))
        {
            approval.IsSuccessStatusCode.ShouldBeTrue(await approval.Content.ReadAsStringAsync());
        }

        stderr.Append(await process.StandardError.ReadToEndAsync(timeout.Token));
        await process.WaitForExitAsync(timeout.Token);
        var result = new CliResult(process.ExitCode, await stdout, stderr.ToString());
        _outputs.Add(result);
        return result;
    }

    // --debug also logs to standard output, so commands whose JSON is read run without it.
    private async Task<CliResult> RunAsync(params string[] args)
    {
        var result = await _entrada.RunAsync(args);
        _outputs.Add(result);
        return result;
    }

    private async Task<HttpResponseMessage> ControlAsync(HttpMethod method, string path, object body)
    {
        using var http = new HttpClient(_server.CreateHttpHandler());
        using var request = new HttpRequestMessage(method, new Uri(_server.AuthorityHost, "/_emulator/" + path))
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _server.ControlKey);
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task AddWithDeviceCode_ApprovedWhileTheCommandWaits_ThenActionsRunInANewProcess_UntilSignedOut()
    {
        var user = _server.State.GetUserIds()[3];
        var upn = _server.State.FindUser(user)!.UserPrincipalName;

        var add = await AddWithDeviceCodeAsync("Me", user);
        var run = await RunAsync("run", "users.list", "--connection", "Me", "--set", "max=3", "--debug");
        var test = await RunAsync("connections", "test", "Me", "--output", "json");
        var show = await RunAsync("connections", "show", "Me", "--output", "json");
        var tokens = await StoredTokensAsync("Me");
        var signOut = await RunAsync("connections", "sign-out", "Me");
        var afterSignOut = await RunAsync("run", "users.list", "--connection", "Me");

        add.ExitCode.ShouldBe(0, add.ToString());
        add.Stdout.ShouldContain($"Signed in as {upn}");
        add.Stdout.ShouldContain("Connection 'Me' (oauth) saved.");
        run.ExitCode.ShouldBe(0, run.ToString());
        test.ExitCode.ShouldBe(0, test.ToString());
        var report = JsonNode.Parse(test.Stdout)!;
        report["identity"]!.GetValue<string>().ShouldContain(upn);
        report["grantedPermissions"]!.AsArray().Select(p => p!.GetValue<string>()).ShouldContain("User.Read.All");
        JsonNode.Parse(show.Stdout)!["signedInUser"]!.GetValue<string>().ShouldBe(upn);
        signOut.ExitCode.ShouldBe(0, signOut.ToString());
        afterSignOut.ExitCode.ShouldBe(3, afterSignOut.ToString());
        afterSignOut.Stderr.ShouldContain("entrada connections sign-in \"Me\"");
        afterSignOut.Stderr.ShouldNotContain("   at ");

        await ShouldNotDiscloseAsync(tokens);
    }

    [Fact]
    public async Task AddWithDeviceCode_AsAGuest_IsRefusedWithExit3_AndTheConnectionIsNotCreated()
    {
        var guest = _server.State.GetUserIds()[9];
        _server.State.FindUser(guest)!.UserType.ShouldBe("Guest");

        var add = await AddWithDeviceCodeAsync("Guest", guest);
        var list = await RunAsync("connections", "list", "--output", "json");

        add.ExitCode.ShouldBe(3, add.ToString());
        add.Stderr.ShouldContain("does not work for Guest user types");
        add.Stderr.ShouldContain("App Registration");
        JsonNode.Parse(list.Stdout)!.AsArray().Count.ShouldBe(0);
    }

    private async Task<List<string>> StoredTokensAsync(string name)
    {
        var home = new EntradaHome(_entrada.Home);
        var store = new ConnectionStore(new EntradaDatabase(home), new SecretProtector(home));
        var cache = (await store.GetAsync(name, default)).OAuth!.TokenCache!;
        var json = JsonNode.Parse(Convert.FromBase64String(cache.Reveal()))!.AsObject();
        var tokens = new List<string>();
        foreach (var kind in (string[])["AccessToken", "RefreshToken", "IdToken"])
        {
            tokens.AddRange(json[kind]!.AsObject().Select(e => e.Value!["secret"]!.GetValue<string>()));
        }

        tokens.Count.ShouldBeGreaterThanOrEqualTo(3);
        return tokens;
    }

    private async Task ShouldNotDiscloseAsync(IReadOnlyList<string> tokens)
    {
        var everything = new List<(string Where, byte[] Bytes)>();
        everything.AddRange(_outputs.Select((o, i) => ($"output of command {i}", Encoding.UTF8.GetBytes(o.All))));
        foreach (var file in Directory.EnumerateFiles(_entrada.Home, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/keys/", StringComparison.Ordinal)))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            everything.Add((file, memory.ToArray()));
        }

        everything.ShouldContain(e => e.Where.EndsWith("entrada.db", StringComparison.Ordinal));
        everything.ShouldContain(e => e.Where.Contains("/logs/", StringComparison.Ordinal));
        foreach (var token in tokens)
        {
            foreach (var (where, bytes) in everything)
            {
                var form = SecretScan.Find(bytes, token);
                form.ShouldBeNull($"a token appears ({form}) in {where}");
            }
        }
    }
}
