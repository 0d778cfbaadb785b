using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Entrada.Cli.Tests.Connections;

public sealed class ConnectionCommandTests : IDisposable
{
    private const string Tenant = "contoso.onmicrosoft.com";
    private const string Client = "11111111-2222-3333-4444-555555555555";
    private readonly EntradaProcess _entrada = new();

    public void Dispose() => _entrada.Dispose();

    private Task<CliResult> AddAppAsync(string name, string secret = "s3cret-value") =>
        _entrada.RunWithInputAsync(secret, "connections", "add", name, "--method", "app-registration", "--tenant-id", Tenant, "--client-id", Client, "--client-secret-stdin");

    [Fact]
    public async Task Add_ThenList_ShowsTheConnection()
    {
        var add = await AddAppAsync("Contoso");
        add.ExitCode.ShouldBe(0, add.ToString());
        add.Stdout.ShouldContain("Connection 'Contoso' (app-registration) saved.");
        var list = await _entrada.RunAsync("connections", "list", "--output", "json");
        list.ExitCode.ShouldBe(0);
        var items = JsonDocument.Parse(list.Stdout).RootElement;
        items.GetArrayLength().ShouldBe(1);
        items[0].GetProperty("name").GetString().ShouldBe("Contoso");
        items[0].GetProperty("credential").GetString().ShouldBe("client-secret");
    }

    [Fact]
    public async Task Add_WithAnInvalidValue_Exits2AndSavesNothing()
    {
        var add = await _entrada.RunWithInputAsync("x", "connections", "add", "Contoso", "--method", "app-registration", "--tenant-id", Tenant, "--client-id", "not-a-guid", "--client-secret-stdin");
        add.ExitCode.ShouldBe(2);
        add.Stderr.ShouldContain("The client ID 'not-a-guid' is not valid");
        (await _entrada.RunAsync("connections", "list", "--output", "json")).Stdout.Trim().ShouldBe("[]");
    }

    [Fact]
    public async Task Add_WithoutASecretAndNoTerminal_SaysHowToGiveIt()
    {
        var add = await _entrada.RunAsync("connections", "add", "Contoso", "--method", "app-registration", "--tenant-id", Tenant, "--client-id", Client);
        add.ExitCode.ShouldBe(2);
        add.Stderr.ShouldContain("pipe it in with --client-secret-stdin or name an environment variable with --client-secret-env");
    }

    [Fact]
    public async Task Add_WithAnUnreadableCertificateFile_NamesTheFile()
    {
        var add = await _entrada.RunAsync("connections", "add", "Contoso", "--method", "app-registration", "--tenant-id", Tenant, "--client-id", Client, "--certificate", "/nonexistent/app.pem");
        add.ExitCode.ShouldBe(2);
        add.Stderr.ShouldContain("The certificate file '/nonexistent/app.pem' given by --certificate cannot be read: it does not exist.");
    }

    [Fact]
    public async Task Add_ASecondConnectionWithTheSameNameInOtherCase_IsRefused()
    {
        (await AddAppAsync("Contoso")).ExitCode.ShouldBe(0);
        var again = await AddAppAsync("CONTOSO");
        again.ExitCode.ShouldBe(2);
        again.Stderr.ShouldContain("A connection named 'Contoso' already exists");
    }

    [Fact]
    public async Task Update_WithANewName_IsRefusedAndTheNameStays()
    {
        (await AddAppAsync("Contoso")).ExitCode.ShouldBe(0);
        var rename = await _entrada.RunAsync("connections", "update", "Contoso", "--name", "Fabrikam");
        rename.ExitCode.ShouldBe(2);
        rename.Stderr.ShouldContain("The name of connection 'Contoso' cannot change");
        (await _entrada.RunAsync("connections", "show", "Contoso")).ExitCode.ShouldBe(0);
        (await _entrada.RunAsync("connections", "show", "Fabrikam")).ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task Update_ChangesOtherParameters()
    {
        (await AddAppAsync("Contoso")).ExitCode.ShouldBe(0);
        var update = await _entrada.RunAsync("connections", "update", "Contoso", "--tenant-id", "72f988bf-86f1-41af-91ab-2d7cd011db47", "--output", "json");
        update.ExitCode.ShouldBe(0, update.ToString());
        JsonDocument.Parse(update.Stdout).RootElement.GetProperty("tenantId").GetString().ShouldBe("72f988bf-86f1-41af-91ab-2d7cd011db47");
    }

    [Fact]
    public async Task Update_WithNothingToChange_SaysSo()
    {
        (await AddAppAsync("Contoso")).ExitCode.ShouldBe(0);
        var update = await _entrada.RunAsync("connections", "update", "Contoso");
        update.ExitCode.ShouldBe(2);
        update.Stderr.ShouldContain("Nothing to update");
    }

    [Fact]
    public async Task Remove_DeletesIt_AndEveryChangeIsAudited()
    {
        (await AddAppAsync("Contoso")).ExitCode.ShouldBe(0);
        (await _entrada.RunAsync("connections", "remove", "contoso")).Stdout.ShouldContain("Connection 'Contoso' removed.");
        (await _entrada.RunAsync("connections", "remove", "contoso")).ExitCode.ShouldBe(2);
        var audit = JsonDocument.Parse((await _entrada.RunAsync("audit", "list", "--output", "json")).Stdout).RootElement;
        audit.EnumerateArray().Select(r => (r.GetProperty("operation").GetString(), r.GetProperty("outcome").GetString(), r.GetProperty("interface").GetString()))
            .ShouldBe([("connections.remove", "succeeded", "cli"), ("connections.add", "succeeded", "cli")]);
    }

    [Fact]
    public async Task Ldap_WithPasswordFromEnvironment_IsSavedWithoutThePassword()
    {
        _entrada.Environment["LDAP_PW"] = "ldap-pw";
        var add = await _entrada.RunAsync("connections", "add", "Corp AD", "--method", "ldap", "--uri", "ldaps://dc1.corp.example", "--bind-dn", "CN=svc,DC=corp,DC=example", "--password-env", "LDAP_PW", "--base-dn", "DC=corp,DC=example", "-o", "json");
        add.ExitCode.ShouldBe(0, add.ToString());
        var view = JsonDocument.Parse(add.Stdout).RootElement;
        view.GetProperty("uri").GetString().ShouldBe("ldaps://dc1.corp.example");
        view.GetProperty("credential").GetString().ShouldBe("password");
        view.GetProperty("startTls").GetBoolean().ShouldBeFalse();
        view.TryGetProperty("caCertificateSubject", out _).ShouldBeFalse();
        add.All.ShouldNotContain("ldap-pw");
    }

    [Fact]
    public async Task Show_OfAConnectionWithACaCertificate_NamesTheCaBySubjectAndSha256_NotByItsPem()
    {
        using var key = RSA.Create(2048);
        using var ca = new CertificateRequest("CN=Corp Root CA, O=Corp", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var caPath = Path.Combine(Path.GetTempPath(), $"entrada-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caPath, ca.ExportCertificatePem());
        try
        {
            _entrada.Environment["LDAP_PW"] = "ldap-pw";
            var add = await _entrada.RunAsync("connections", "add", "Corp AD", "--method", "ldap", "--uri", "ldaps://dc1.corp.example", "--bind-dn", "svc@corp.example", "--password-env", "LDAP_PW", "--ca-cert", caPath);
            add.ExitCode.ShouldBe(0, add.ToString());

            var json = await _entrada.RunAsync("connections", "show", "Corp AD", "--output", "json");
            json.ExitCode.ShouldBe(0, json.ToString());
            var view = JsonDocument.Parse(json.Stdout).RootElement;
            view.GetProperty("caCertificateSubject").GetString().ShouldBe("CN=Corp Root CA, O=Corp");
            view.GetProperty("caCertificateSha256").GetString().ShouldBe(ca.GetCertHashString(HashAlgorithmName.SHA256));
            view.GetProperty("caCertificateExpires").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
            view.TryGetProperty("caCertificate", out _).ShouldBeFalse();

            var table = await _entrada.RunAsync("connections", "show", "Corp AD");
            table.ExitCode.ShouldBe(0, table.ToString());
            table.Stdout.ShouldContain(ca.GetCertHashString(HashAlgorithmName.SHA256));
            foreach (var output in new[] { json, table })
            {
                output.All.ShouldNotContain("BEGIN CERTIFICATE");
                output.All.ShouldNotContain("ldap-pw");
            }
        }
        finally
        {
            File.Delete(caPath);
        }
    }

    [Fact]
    public async Task ShowAndTheApi_GiveTheSameViewOfAConnection()
    {
        using var key = RSA.Create(2048);
        using var ca = new CertificateRequest("CN=Emulated CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        var caPath = Path.Combine(Path.GetTempPath(), $"entrada-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caPath, ca.ExportCertificatePem());
        try
        {
            var add = await _entrada.RunWithInputAsync("s3cret-value", "connections", "add", "Custom", "--method", "app-registration", "--tenant-id", Tenant, "--client-id", Client, "--client-secret-stdin",
                "--cloud", "custom", "--authority-host", "https://login.example.com", "--graph-endpoint", "https://graph.example.com/v1.0", "--ca-cert", caPath);
            add.ExitCode.ShouldBe(0, add.ToString());
            var cli = JsonNode.Parse((await _entrada.RunAsync("connections", "show", "Custom", "--output", "json")).Stdout)!;

            await using var serve = RunningEntrada.Start(_entrada, "serve", "--urls", "http://127.0.0.1:0", "--output", "json");
            var started = JsonNode.Parse((await serve.ReadLineAsync(TimeSpan.FromMinutes(1)))!)!;
            using var client = new HttpClient { BaseAddress = new Uri(started["url"]!.GetValue<string>()) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", started["apiKey"]!.GetValue<string>());
            var api = JsonNode.Parse(await client.GetStringAsync("/api/v1/connections/Custom"))!;

            JsonNode.DeepEquals(cli, api).ShouldBeTrue($"CLI:\n{cli}\nAPI:\n{api}");
            cli["credential"]!.GetValue<string>().ShouldBe("client-secret");
            cli["caCertificateSha256"]!.GetValue<string>().ShouldBe(ca.GetCertHashString(HashAlgorithmName.SHA256));
            api.ToJsonString().ShouldNotContain("s3cret-value");
        }
        finally
        {
            File.Delete(caPath);
        }
    }

    [Fact]
    public async Task ConcurrentProcesses_WritingAtOnce_LoseNothingAndKeepTheFileSound()
    {
        // Create the database first so that every writer races on rows, not on creation.
        (await AddAppAsync("seed")).ExitCode.ShouldBe(0);
        var writers = Enumerable.Range(0, 10).Select(i => AddAppAsync($"parallel-{i}", $"secret-{i}")).ToList();
        var results = await Task.WhenAll(writers);
        results.ShouldAllBe(r => r.ExitCode == 0);
        var names = JsonDocument.Parse((await _entrada.RunAsync("connections", "list", "-o", "json")).Stdout).RootElement
            .EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        names.Count.ShouldBe(11);
        await using var db = new SqliteConnection($"Data Source={Path.Combine(_entrada.Home, "entrada.db")};Mode=ReadOnly;Pooling=False");
        await db.OpenAsync();
        await using var check = db.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        (await check.ExecuteScalarAsync())!.ShouldBe("ok");
        await using var audit = db.CreateCommand();
        audit.CommandText = "SELECT count(*) FROM audit WHERE operation = 'connections.add';";
        Convert.ToInt32(await audit.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(11);
    }
}
