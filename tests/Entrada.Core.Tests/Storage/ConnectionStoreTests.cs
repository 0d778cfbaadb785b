using Entrada.Core;
using System.Text;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Tests.Support;

namespace Entrada.Core.Tests.Storage;

public sealed class ConnectionStoreTests : IDisposable
{
    private const string RecognisableSecret = "Zq8~RECOGNISABLE-secret-4711";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly TempHome _temp = new();
    private readonly ConnectionStore _store;
    private readonly EntradaDatabase _database;

    public ConnectionStoreTests()
    {
        _database = new EntradaDatabase(_temp.Home);
        _store = new ConnectionStore(_database, new SecretProtector(_temp.Home));
    }

    public void Dispose() => _temp.Dispose();

    private static Connection App(string name, string secret = RecognisableSecret) => ConnectionFactory.Create(
        new ConnectionRequest
        {
            Name = name,
            Method = "app-registration",
            TenantId = "contoso.onmicrosoft.com",
            ClientId = "11111111-2222-3333-4444-555555555555",
            ClientSecret = new Secret(secret),
        },
        Now);

    [Fact]
    public async Task Add_ThenGet_ReturnsTheSameConnectionWithItsSecret()
    {
        await _store.AddAsync(App("Contoso"), default);
        var read = await _store.GetAsync("contoso", default);
        read.Name.ShouldBe("Contoso");
        read.AppRegistration!.ClientSecret!.Reveal().ShouldBe(RecognisableSecret);
        read.CreatedAt.ShouldBe(Now);
    }

    [Fact]
    public async Task Add_WithANameThatDiffersOnlyInCase_IsRefused()
    {
        await _store.AddAsync(App("Contoso"), default);
        var ex = await Should.ThrowAsync<ConnectionAlreadyExistsException>(() => _store.AddAsync(App("CONTOSO"), default));
        ex.Message.ShouldContain("A connection named 'Contoso' already exists (names are unique ignoring case)");
    }

    [Fact]
    public async Task Get_OfAnUnknownName_SaysHowToListThem()
    {
        var ex = await Should.ThrowAsync<ConnectionNotFoundException>(() => _store.GetAsync("nope", default));
        ex.Message.ShouldBe("There is no connection named 'nope'.");
        ex.Kind.ShouldBe(ErrorKind.NotFound);
        ex.Next.ShouldBe(new NextStep(NextStepKind.ListConnections));
    }

    [Fact]
    public async Task Remove_DeletesTheConnectionAndReturnsItsName()
    {
        await _store.AddAsync(App("Contoso"), default);
        (await _store.RemoveAsync("contoso", default)).ShouldBe("Contoso");
        (await _store.FindAsync("Contoso", default)).ShouldBeNull();
        await Should.ThrowAsync<ConnectionNotFoundException>(() => _store.RemoveAsync("Contoso", default));
    }

    [Fact]
    public async Task Update_ReplacesParametersAndKeepsTheName()
    {
        await _store.AddAsync(App("Contoso"), default);
        var updated = ConnectionFactory.Update(await _store.GetAsync("Contoso", default), new ConnectionRequest { ClientSecret = new Secret("new-secret") }, Now.AddDays(1));
        await _store.UpdateAsync(updated, default);
        var read = await _store.GetAsync("Contoso", default);
        read.AppRegistration!.ClientSecret!.Reveal().ShouldBe("new-secret");
        read.UpdatedAt.ShouldBe(Now.AddDays(1));
    }

    [Fact]
    public async Task List_IsOrderedByName()
    {
        await _store.AddAsync(App("beta"), default);
        await _store.AddAsync(App("Alpha"), default);
        (await _store.ListAsync(default)).Select(c => c.Name).ShouldBe(["Alpha", "beta"]);
    }

    [Fact]
    public async Task EveryMethod_RoundTripsThroughTheStore()
    {
        using var cert = TestCertificates.Create();
        using var ca = TestCertificates.Create("CN=Corp CA");
        var certificate = ConnectionFactory.Create(new ConnectionRequest { Name = "Cert", Method = "app-registration", TenantId = "contoso.onmicrosoft.com", ClientId = "11111111-2222-3333-4444-555555555555", Certificate = TestCertificates.PemWithKey(cert), Cloud = "custom", AuthorityHost = "https://127.0.0.1:4443", GraphEndpoint = "https://127.0.0.1:4443/v1.0", CaCertificate = ca.ExportCertificatePem() }, Now);
        var oauth = ConnectionFactory.Create(new ConnectionRequest { Name = "Me", Method = "oauth", TenantId = "organizations", ClientId = "11111111-2222-3333-4444-555555555555", Cloud = "usgov" }, Now);
        var ldap = ConnectionFactory.Create(new ConnectionRequest { Name = "AD", Method = "ldap", Uri = "ldap://dc1.corp.example:3890", BindDn = "svc@corp.example", Password = new Secret("ldap-pw"), StartTls = true, BaseDn = "DC=corp,DC=example", CaCertificate = ca.ExportCertificatePem(), ProtocolVersion = 3 }, Now);
        foreach (var c in new[] { certificate, oauth, ldap })
        {
            await _store.AddAsync(c, default);
        }

        var readCert = await _store.GetAsync("Cert", default);
        readCert.AppRegistration!.Certificate!.Thumbprint.ShouldBe(cert.Thumbprint);
        readCert.AppRegistration.Certificate.Pkcs12.Reveal().ShouldBe(certificate.AppRegistration!.Certificate!.Pkcs12.Reveal());
        readCert.Cloud.ShouldBe(certificate.Cloud);
        (await _store.GetAsync("Me", default)).Cloud.Kind.ShouldBe(CloudKind.UsGov);
        var readLdap = await _store.GetAsync("AD", default);
        readLdap.Ldap.ShouldBe(ldap.Ldap);
        readLdap.Ldap!.Password!.Reveal().ShouldBe("ldap-pw");
    }

    [Fact]
    public async Task TheDatabaseFile_NeverHoldsASecretInPlainBase64OrUtf16()
    {
        await _store.AddAsync(App("Contoso"), default);
        await _store.AddAsync(ConnectionFactory.Create(new ConnectionRequest { Name = "AD", Method = "ldap", Uri = "ldaps://dc1", BindDn = "svc@corp.example", Password = new Secret(RecognisableSecret) }, Now), default);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = DatabaseBytes();
        SecretScan.Find(bytes, RecognisableSecret).ShouldBeNull();
    }

    [Fact]
    public async Task TheDatabase_HasTheCurrentSchemaVersion_AndOnlyItsOwnerCanReadIt()
    {
        (await _database.GetSchemaVersionAsync(default)).ShouldBe(EntradaDatabase.CurrentSchemaVersion);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(_temp.Home.DatabasePath).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(_temp.Home.Path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task ADatabaseAtTheCurrentVersion_OpensWhileAnotherProcessHoldsTheWriteLock()
    {
        (await _database.GetSchemaVersionAsync(default)).ShouldBe(EntradaDatabase.CurrentSchemaVersion);
        await using var writer = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_temp.Home.DatabasePath};Pooling=False");
        await writer.OpenAsync();
        await using var holding = writer.BeginTransaction(deferred: false);

        // A new process's first open: no schema step to take, so it does not wait for the lock.
        var fresh = new EntradaDatabase(_temp.Home);
        (await fresh.GetSchemaVersionAsync(default)).ShouldBe(EntradaDatabase.CurrentSchemaVersion);
        await holding.RollbackAsync();
    }

    [Fact]
    public async Task ADatabaseFromANewerEntrada_IsRefusedWithAnUpgradeHint()
    {
        (await _database.GetSchemaVersionAsync(default)).ShouldBe(EntradaDatabase.CurrentSchemaVersion);
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_temp.Home.DatabasePath};Pooling=False"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = "PRAGMA user_version = 99;";
            await cmd.ExecuteNonQueryAsync();
        }

        var fresh = new EntradaDatabase(_temp.Home);
        var ex = await Should.ThrowAsync<DatabaseTooNewException>(() => fresh.OpenAsync(default));
        ex.Message.ShouldContain("schema version 99");
    }

    [Fact]
    public async Task ADatabaseAtVersion3_MovesToTheCurrentVersion_KeepingItsRunsAndGivingThemAJobColumn()
    {
        _temp.Home.EnsureCreated();
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_temp.Home.DatabasePath};Pooling=False"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = string.Join('\n', EntradaDatabase.Migrations.Take(3)) + """

                PRAGMA user_version = 3;
                INSERT INTO runs (id, action, connection, interface, status, dry_run, created_at)
                VALUES ('run_old', 'users.list', 'Contoso', 'api', 'succeeded', 0, '2026-11-01T00:00:00.0000000+00:00');
                INSERT INTO jobs (id, action, connection, interface, input, status, total, created_at, updated_at)
                VALUES ('job_old', 'users.disable', 'Contoso', 'cli', '{}', 'cancelled', 2, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z');
                INSERT INTO job_items (job_id, idx, item, state) VALUES ('job_old', 0, 'a', 'done'), ('job_old', 1, 'b', 'pending');
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        (await _database.GetSchemaVersionAsync(default)).ShouldBe(EntradaDatabase.CurrentSchemaVersion);
        await using var check = await _database.OpenAsync(default);
        await using var select = check.CreateCommand();
        select.CommandText = "SELECT id, job_id FROM runs;";
        await using var reader = await select.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue();
        reader.GetString(0).ShouldBe("run_old");
        reader.IsDBNull(1).ShouldBeTrue();

        // A job written at version 3 (a row per item) still reads as it did.
        var jobs = new Entrada.Core.Jobs.JobStore(_database, TimeProvider.System);
        (await jobs.ItemsAsync("job_old", null, default)).Select(i => (i.Item, i.State)).ShouldBe([("a", Entrada.Core.Jobs.JobItemState.Done), ("b", Entrada.Core.Jobs.JobItemState.Pending)]);
        (await jobs.GetAsync("job_old", default)).Done.ShouldBe(1);
    }

    [Fact]
    public async Task ManyWritersAtOnce_LoseNothing()
    {
        // Separate store instances share nothing but the file, as separate processes do.
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var store = new ConnectionStore(new EntradaDatabase(_temp.Home), new SecretProtector(_temp.Home));
            for (var i = 0; i < 10; i++)
            {
                await store.AddAsync(App($"w{w}-c{i}", $"secret-{w}-{i}"), default);
            }
        }));
        await Task.WhenAll(writers);
        var all = await _store.ListAsync(default);
        all.Count.ShouldBe(80);
        all.Single(c => c.Name == "w7-c9").AppRegistration!.ClientSecret!.Reveal().ShouldBe("secret-7-9");
    }

    private byte[] DatabaseBytes()
    {
        var all = new List<byte>();
        foreach (var file in Directory.GetFiles(_temp.Path, "entrada.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            all.AddRange(memory.ToArray());
        }

        return [.. all];
    }
}

/// <summary>Looks for a secret in bytes: as UTF-8, UTF-16, and base64 of either.</summary>
public static class SecretScan
{
    public static string? Find(byte[] haystack, string secret)
    {
        foreach (var (form, needle) in Forms(secret))
        {
            if (haystack.AsSpan().IndexOf(needle) >= 0)
            {
                return form;
            }
        }

        return null;
    }

    public static string? Find(string haystack, string secret) => Find(Encoding.UTF8.GetBytes(haystack), secret);

    private static IEnumerable<(string Form, byte[] Needle)> Forms(string secret)
    {
        yield return ("plain", Encoding.UTF8.GetBytes(secret));
        yield return ("utf-16", Encoding.Unicode.GetBytes(secret));
        // A base64 text can start at any of three alignments; check each run of whole groups.
        foreach (var source in new[] { Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret) })
        {
            for (var offset = 0; offset < 3; offset++)
            {
                var chunk = source[offset..];
                var text = Convert.ToBase64String(chunk[..(chunk.Length / 3 * 3)]);
                yield return ("base64", Encoding.ASCII.GetBytes(text));
            }
        }
    }
}
