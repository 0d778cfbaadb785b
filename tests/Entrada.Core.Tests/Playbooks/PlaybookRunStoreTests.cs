using System.Text.Json.Nodes;
using Entrada.Core.Playbooks;
using Entrada.Core.Storage;
using Entrada.Core.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Core.Tests.Playbooks;

/// <summary>Playbook runs in the database: a database of the version before them moves forward and keeps them; a run held by a live process cannot be claimed twice.</summary>
public sealed class PlaybookRunStoreTests : IDisposable
{
    private readonly TempHome _temp = new();

    public void Dispose() => _temp.Dispose();

    private static PlaybookRunRecord Run(string id, PlaybookRunStatus status) => new()
    {
        Id = id,
        Playbook = "lock-out",
        Connection = "Contoso",
        Caller = new Caller(CallerInterface.Cli, "ann"),
        Status = status,
        Input = new JsonObject { ["userIds"] = new JsonArray("u1"), ["password"] = "hunter2-secret" },
        Steps = [new PlaybookStepState { Id = "disable", Action = "users.disable", Status = PlaybookStepStatus.Pending, Output = new JsonObject { ["temporaryPassword"] = "Xy9!generated" } }],
        Definition = "id: lock-out",
        SealedInput = "sealed",
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task ADatabaseAtVersion8_MovesToTheCurrentVersion_AndKeepsPlaybookRunsWithTheirSecretsMasked()
    {
        _temp.Home.EnsureCreated();
        await using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_temp.Home.DatabasePath};Pooling=False"))
        {
            await db.OpenAsync();
            await using var cmd = db.CreateCommand();
            cmd.CommandText = string.Join('\n', EntradaDatabase.Migrations.Take(8)) + "\nPRAGMA user_version = 8;";
            await cmd.ExecuteNonQueryAsync();
        }

        var database = new EntradaDatabase(_temp.Home);
        var store = new PlaybookRunStore(database, TimeProvider.System);
        await store.InsertAsync(Run("pbr_1", PlaybookRunStatus.Running), default);

        (await database.GetSchemaVersionAsync(default)).ShouldBe(EntradaDatabase.CurrentSchemaVersion);
        var read = await store.GetAsync("pbr_1", default);
        read.Status.ShouldBe(PlaybookRunStatus.Running, "this process holds it");
        read.Caller.Actor.ShouldBe("ann");
        read.Input!["password"]!.GetValue<string>().ShouldBe("***");
        read.Steps.Single().Output!["temporaryPassword"]!.GetValue<string>().ShouldBe("***");
        await Should.ThrowAsync<PlaybookRunHeldException>(() => store.ClaimAsync("pbr_1", fromApproval: false, default));
    }

    [Fact]
    public async Task ARunWhoseLeaseLapsed_ReadsAsInterrupted_AndIsClaimedOnce()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new PlaybookRunStore(new EntradaDatabase(_temp.Home), clock);
        await store.InsertAsync(Run("pbr_2", PlaybookRunStatus.Running), default);
        clock.Advance(PlaybookRunStore.Lease + TimeSpan.FromSeconds(1));

        (await store.GetAsync("pbr_2", default)).Status.ShouldBe(PlaybookRunStatus.Interrupted);
        (await store.ClaimAsync("pbr_2", fromApproval: false, default)).Status.ShouldBe(PlaybookRunStatus.Running);
        await Should.ThrowAsync<PlaybookRunHeldException>(() => store.ClaimAsync("pbr_2", fromApproval: false, default));
    }
}
