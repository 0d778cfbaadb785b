using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Commands;

/// <summary>
/// The identity actions from the command line: an incident's steps, and the credentials they make (a
/// Temporary Access Pass, an invitation's redeem URL) shown once on standard output and found nowhere
/// afterwards — not in the database, the run records, the job, the audit log or the log files.
/// </summary>
public sealed partial class IdentityCommandInProcessTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private readonly InProcessEntrada _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private async Task AddAsync()
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
        add.ExitCode.ShouldBe(0, add.ToString());
    }

    private string User(int index) => tenant.Server.State.GetUserIds()[index];

    [Fact]
    public async Task Incident_ListMethodsAndFailedSignIns_DeleteTheAttackersPhone()
    {
        await AddAsync();
        var user = User(30);

        var methods = await _entrada.RunAsync("run", "users.auth-methods.list", "-c", "Tenant", "--set", $"userId={user}", "-o", "json");
        methods.ExitCode.ShouldBe(0, methods.ToString());
        var attacker = JsonDocument.Parse(methods.Stdout).RootElement.EnumerateArray()
            .Single(m => m.GetProperty("type").GetString() == "phone" && m.GetProperty("phoneNumber").GetString()!.StartsWith("+234 ", StringComparison.Ordinal));

        var signIns = await _entrada.RunAsync("run", "signins.list", "-c", "Tenant", "--set", $"userId={user}", "--set", "status=failure", "-o", "json");
        signIns.ExitCode.ShouldBe(0, signIns.ToString());
        JsonDocument.Parse(signIns.Stdout).RootElement.EnumerateArray().Count().ShouldBeGreaterThanOrEqualTo(3);

        var methodId = attacker.GetProperty("id").GetString()!;
        var dry = await _entrada.RunAsync("run", "users.auth-methods.delete", "-c", "Tenant", "--set", $"userId={user}", "--set", $"methodId={methodId}", "--set", "type=phone", "--dry-run");
        dry.ExitCode.ShouldBe(0, dry.ToString());
        dry.Stdout.ShouldContain($"DELETE {tenant.Server.GraphEndpoint.ToString().TrimEnd('/')}/users/{user}/authentication/phoneMethods/{methodId}");

        var delete = await _entrada.RunAsync("run", "users.auth-methods.delete", "-c", "Tenant", "--set", $"userId={user}", "--set", $"methodId={methodId}", "--set", "type=phone");
        delete.ExitCode.ShouldBe(0, delete.ToString());
        tenant.Server.State.GetUsersWithAttackerPhone().ShouldNotContain(user);
    }

    [Fact]
    public async Task DeletingThePassword_IsInvalidInput_Exit2()
    {
        await AddAsync();
        var run = await _entrada.RunAsync("run", "users.auth-methods.delete", "-c", "Tenant", "--set", $"userId={User(31)}", "--set", "methodId=28c10230-6103-485e-b985-444c60001490", "--set", "type=password");
        run.ExitCode.ShouldBe(2, run.ToString());
        run.Stderr.ShouldContain("password method cannot be deleted");
    }

    [Fact]
    public async Task ATemporaryAccessPassAndARedeemUrl_AreShownOnce_AndKeptNowhere()
    {
        await AddAsync();
        var tap = await _entrada.RunAsync("run", "users.tap.create", "-c", "Tenant", "--set", $"userId={User(32)}", "--set", "lifetimeInMinutes=60", "--debug", "-o", "json");
        tap.ExitCode.ShouldBe(0, tap.ToString());
        var pass = JsonDocument.Parse(tap.Stdout).RootElement.GetProperty("temporaryAccessPass").GetString()!;
        pass.Length.ShouldBe(8);

        var invite = await _entrada.RunAsync("run", "guests.invite", "-c", "Tenant", "--input", """{"emails":["cli.one@partner.example","cli.two@partner.example"]}""", "--debug", "-o", "json");
        invite.ExitCode.ShouldBe(0, invite.ToString());
        var urls = JsonDocument.Parse(invite.Stdout).RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("inviteRedeemUrl").GetString()!).ToList();
        urls.Count.ShouldBe(2);
        var secrets = new List<string> { pass };
        secrets.AddRange(urls.Select(u => Ticket().Match(Uri.UnescapeDataString(u)).Groups[1].Value));
        secrets.ShouldAllBe(s => s.Length >= 8);

        // Everything Entrada shows about these runs afterwards.
        var shown = new StringBuilder();
        var runs = await _entrada.RunAsync("runs", "list", "-o", "json");
        shown.Append(runs.All);
        foreach (var run in JsonDocument.Parse(runs.Stdout).RootElement.EnumerateArray())
        {
            shown.Append((await _entrada.RunAsync("runs", "show", run.GetProperty("id").GetString()!, "-o", "json")).All);
        }

        var jobs = await _entrada.RunAsync("jobs", "list", "-o", "json");
        shown.Append(jobs.All);
        foreach (var job in JsonDocument.Parse(jobs.Stdout).RootElement.EnumerateArray())
        {
            shown.Append((await _entrada.RunAsync("jobs", "show", job.GetProperty("id").GetString()!, "-o", "json")).All);
        }

        shown.Append((await _entrada.RunAsync("audit", "list", "-o", "json")).All);
        shown.ToString().ShouldContain("***");
        foreach (var secret in secrets)
        {
            shown.ToString().ShouldNotContain(secret);
            SecretScan.FilesContaining(_entrada.Home.Path, secret).ShouldBeEmpty($"'{secret}' was written to disk");
        }

        Directory.EnumerateFiles(_entrada.Home.LogsPath, "*", SearchOption.AllDirectories).ShouldNotBeEmpty("the debug logs were written");
    }

    [GeneratedRegex("ticket=([0-9a-f]+)")]
    private static partial Regex Ticket();
}

/// <summary>Looks for a secret in every file under a folder, in the forms it could be written in (as is, and JSON-escaped).</summary>
internal static class SecretScan
{
    public static IReadOnlyList<string> FilesContaining(string folder, string secret)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var forms = new[] { secret, JsonSerializer.Serialize(secret)[1..^1], JsonSerializer.Serialize(secret, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })[1..^1] }
            .Distinct().Select(Encoding.UTF8.GetBytes).ToList();
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                stream.CopyTo(memory);
                bytes = memory.ToArray();
            }
            catch (IOException)
            {
                continue;
            }

            if (forms.Any(f => bytes.AsSpan().IndexOf(f) >= 0))
            {
                found.Add(file);
            }
        }

        return found;
    }
}
