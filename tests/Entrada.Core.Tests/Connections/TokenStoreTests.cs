using System.Text;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Tests.Support;

namespace Entrada.Core.Tests.Connections;

public sealed class TokenStoreTests : IDisposable
{
    private const string RecognisableToken = "eyJ0eXAi.RECOGNISABLE-access-token.4711";
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly TempHome _temp = new();
    private readonly EntradaDatabase _database;
    private readonly ConnectionStore _connections;
    private readonly TokenStore _tokens;

    public TokenStoreTests()
    {
        _database = new EntradaDatabase(_temp.Home);
        var protector = new SecretProtector(_temp.Home);
        _connections = new ConnectionStore(_database, protector);
        _tokens = new TokenStore(_database, protector);
    }

    public void Dispose() => _temp.Dispose();

    private static Connection App(string name) => ConnectionFactory.Create(
        new ConnectionRequest
        {
            Name = name,
            Method = "app-registration",
            TenantId = "contoso.onmicrosoft.com",
            ClientId = "11111111-2222-3333-4444-555555555555",
            ClientSecret = new Secret("client-secret"),
        },
        Now);

    private static StoredToken Token(string value = RecognisableToken) => new(new Secret(value), Now.AddHours(1));

    [Fact]
    public async Task Save_ThenFind_WithTheSameFingerprint_ReturnsTheTokenAndItsExpiry()
    {
        await _connections.AddAsync(App("Contoso"), default);
        await _tokens.SaveAsync("Contoso", "fp-1", Token(), default);

        var found = await _tokens.FindAsync("CONTOSO", "fp-1", default);

        found.ShouldNotBeNull();
        found.AccessToken.Reveal().ShouldBe(RecognisableToken);
        found.ExpiresOn.ShouldBe(Now.AddHours(1));
    }

    [Fact]
    public async Task Find_WithAnotherFingerprint_ReturnsNothing()
    {
        await _connections.AddAsync(App("Contoso"), default);
        await _tokens.SaveAsync("Contoso", "fp-1", Token(), default);

        (await _tokens.FindAsync("Contoso", "fp-2", default)).ShouldBeNull();
    }

    [Fact]
    public async Task Save_AgainForTheConnection_ReplacesTheToken()
    {
        await _connections.AddAsync(App("Contoso"), default);
        await _tokens.SaveAsync("Contoso", "fp-1", Token("first"), default);
        await _tokens.SaveAsync("Contoso", "fp-2", Token("second"), default);

        (await _tokens.FindAsync("Contoso", "fp-1", default)).ShouldBeNull();
        (await _tokens.FindAsync("Contoso", "fp-2", default))!.AccessToken.Reveal().ShouldBe("second");
    }

    [Fact]
    public async Task Save_ForAConnectionThatIsNotSaved_KeepsNothing()
    {
        await _tokens.SaveAsync("Unsaved", "fp-1", Token(), default);
        await _connections.AddAsync(App("Unsaved"), default);

        (await _tokens.FindAsync("Unsaved", "fp-1", default)).ShouldBeNull();
    }

    [Fact]
    public async Task TheDatabase_HoldsNoTokenInClear()
    {
        await _connections.AddAsync(App("Contoso"), default);
        await _tokens.SaveAsync("Contoso", "fp-1", Token(), default);

        var needle = Encoding.UTF8.GetBytes("RECOGNISABLE-access-token");
        foreach (var file in Directory.EnumerateFiles(_temp.Path, "entrada.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            copy.ToArray().AsSpan().IndexOf(needle).ShouldBe(-1, file);
        }

        (await _tokens.FindAsync("Contoso", "fp-1", default)).ShouldNotBeNull();
    }

    [Fact]
    public async Task UpdatingTheConnection_DropsItsToken()
    {
        var connection = App("Contoso");
        await _connections.AddAsync(connection, default);
        await _tokens.SaveAsync("Contoso", "fp-1", Token(), default);

        await _connections.UpdateAsync(connection with { UpdatedAt = Now.AddMinutes(1) }, default);

        (await _tokens.FindAsync("Contoso", "fp-1", default)).ShouldBeNull();
    }

    [Fact]
    public async Task RemovingTheConnection_RemovesItsToken_AndANewConnectionOfTheSameNameGetsNone()
    {
        await _connections.AddAsync(App("Contoso"), default);
        await _tokens.SaveAsync("Contoso", "fp-1", Token(), default);

        await _connections.RemoveAsync("contoso", default);
        await _connections.AddAsync(App("Contoso"), default);

        (await _tokens.FindAsync("Contoso", "fp-1", default)).ShouldBeNull();
        await using var db = await _database.OpenAsync(default);
        await using var count = db.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM app_tokens;";
        Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(0);
    }

    [Fact]
    public async Task Forget_DropsTheToken()
    {
        await _connections.AddAsync(App("Contoso"), default);
        await _tokens.SaveAsync("Contoso", "fp-1", Token(), default);

        await _tokens.ForgetAsync("Contoso", default);

        (await _tokens.FindAsync("Contoso", "fp-1", default)).ShouldBeNull();
    }

    [Fact]
    public async Task ADatabaseAtVersion7_MovesToVersion8_AndThenKeepsTokens()
    {
        _temp.Home.EnsureCreated();
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_temp.Home.DatabasePath};Pooling=False"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = string.Join('\n', EntradaDatabase.Migrations.Take(7)) + "\nPRAGMA user_version = 7;";
            await cmd.ExecuteNonQueryAsync();
        }

        await _connections.AddAsync(App("Contoso"), default);
        (await _database.GetSchemaVersionAsync(default)).ShouldBe(EntradaDatabase.CurrentSchemaVersion);
        await _tokens.SaveAsync("Contoso", "fp-1", Token(), default);
        (await _tokens.FindAsync("Contoso", "fp-1", default)).ShouldNotBeNull();
        (await _connections.GetAsync("Contoso", default)).Name.ShouldBe("Contoso");
    }
}
