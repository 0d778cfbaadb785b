using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Runs;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Tests.Actions;
using Entrada.Core.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Tests.Runs;

/// <summary>An action that fails as the remote service would, to see how a failed run is recorded.</summary>
internal sealed class RefusedAction : EntradaAction<GreetInput, Greeting>
{
    public override ActionDescriptor Descriptor { get; } = Describe("test.refused", "Is refused.", ActionTarget.Graph);

    public override Task<Greeting> ExecuteAsync(GreetInput input, ActionContext context, CancellationToken cancellationToken) =>
        throw new PermissionMissingException($"'{input.Name}' may not be greeted.", "User.Read.All") { Next = new NextStep(NextStepKind.TestConnection, context.Connection.Name) };
}

/// <summary>Input of a bulk test action whose input carries a secret.</summary>
public sealed record SealInput(IReadOnlyList<string> Names, [property: Entrada.Core.Secrets.Secret] string Token) : IBulkInput
{
    public IReadOnlyList<string> BulkItems => Names;
}

/// <summary>A bulk action that notes the secret it was given, to see what a resume sends.</summary>
internal sealed class SealAction : EntradaAction<SealInput, int>
{
    public static readonly System.Collections.Concurrent.ConcurrentQueue<string> Seen = new();

    public override ActionDescriptor Descriptor { get; } = Describe("test.seal", "Seals each name.", ActionTarget.Graph) with { Destructive = true, Bulk = true };

    public override async Task<int> ExecuteAsync(SealInput input, ActionContext context, CancellationToken cancellationToken)
    {
        Seen.Enqueue(input.Token);
        await context.Job!.RecordAsync([.. input.Names.Select((n, i) => new Entrada.Core.Jobs.JobItem(i, n, Entrada.Core.Jobs.JobItemState.Done))], cancellationToken);
        return input.Names.Count;
    }
}

/// <summary>A destructive action that, when it is invoked, asks what the run store holds: a change must never be sent before its run is on record.</summary>
internal sealed class RecordedFirstAction : EntradaAction<GreetInput, Greeting>
{
    /// <summary>Set by the test: the runs on record at the moment the action runs.</summary>
    public static Func<Task<IReadOnlyList<RunRecord>>>? OnRecord { get; set; }

    public static IReadOnlyList<RunRecord>? SeenOnRecord { get; private set; }

    public override ActionDescriptor Descriptor { get; } = Describe("test.recorded-first", "Changes something.", ActionTarget.Graph) with { Destructive = true };

    public override async Task<Greeting> ExecuteAsync(GreetInput input, ActionContext context, CancellationToken cancellationToken)
    {
        SeenOnRecord = await OnRecord!();
        return new Greeting("changed " + input.Name);
    }
}

public sealed class RunServiceTests : IDisposable
{
    private readonly TempHome _temp = new();
    private readonly ServiceProvider _services;

    public RunServiceTests()
    {
        var services = new ServiceCollection();
        services.AddEntradaCore(_temp.Home);
        services.AddActions(c => c.Add<GreetAction>().Add<CountAction>().Add<RefusedAction>().Add<TouchAction>().Add<SealAction>().Add<RecordedFirstAction>());
        _services = services.BuildServiceProvider();
        var connection = ConnectionFactory.Create(
            new ConnectionRequest { Name = "Contoso", Method = "app-registration", TenantId = "contoso.onmicrosoft.com", ClientId = "11111111-2222-3333-4444-555555555555", ClientSecret = new Secret("s") },
            DateTimeOffset.UnixEpoch);
        _services.GetRequiredService<ConnectionStore>().AddAsync(connection, default).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _services.Dispose();
        _temp.Dispose();
    }

    private RunService Runs => _services.GetRequiredService<RunService>();

    [Fact]
    public async Task ARunInTheCallersFlow_IsRecorded_AndListedForEveryEdge()
    {
        var seen = new List<object?>();
        var outcome = await Runs.RunAsync(
            new RunRequest("test.count", "contoso", JsonNode.Parse("""{"name":"x","times":3}""")),
            Caller.Cli(),
            new RunObserver { OnItem = (item, _) => { seen.Add(item); return ValueTask.CompletedTask; } },
            default);

        seen.ShouldBe([1, 2, 3]);
        var listed = (await Runs.ListAsync(null, null, 10, default)).ShouldHaveSingleItem();
        listed.Id.ShouldBe(outcome.Record.Id);
        listed.Status.ShouldBe(RunStatus.Succeeded);
        listed.Interface.ShouldBe(CallerInterface.Cli);
        listed.Actor.ShouldBe(Environment.UserName);
        listed.Connection.ShouldBe("Contoso");
        var stored = await Runs.GetAsync(outcome.Record.Id, default);
        stored.Output!.AsArray().Select(n => n!.GetValue<int>()).ShouldBe([1, 2, 3]);
        stored.ItemCount.ShouldBe(3);
        stored.AuditId.ShouldBe(outcome.Result.AuditId);
    }

    [Fact]
    public async Task ARunInTheCallersFlow_IsOnRecordBeforeTheActionRuns_ThoughItsRecordIsWrittenAlongsideItsStart()
    {
        RecordedFirstAction.OnRecord = () => Runs.ListAsync(null, "test.recorded-first", 10, default);
        var outcome = await Runs.RunAsync(new RunRequest("test.recorded-first", "Contoso", JsonNode.Parse("""{"name":"Ada"}""")), Caller.Cli(), null, default);

        var seen = RecordedFirstAction.SeenOnRecord.ShouldNotBeNull().ShouldHaveSingleItem();
        seen.Id.ShouldBe(outcome.Record.Id);
        seen.Status.ShouldBe(RunStatus.Running);
        (await Runs.GetAsync(outcome.Record.Id, default)).Status.ShouldBe(RunStatus.Succeeded);
    }

    [Fact]
    public async Task AFailedRun_IsRecordedWithTheKindAndNextStep_AndTheCallerSeesTheSameError()
    {
        var failure = await Should.ThrowAsync<PermissionMissingException>(() =>
            Runs.RunAsync(new RunRequest("test.refused", "Contoso", JsonNode.Parse("""{"name":"Ada"}""")), Caller.Cli(), null, default));

        var run = (await Runs.ListAsync("Contoso", "test.refused", 10, default)).ShouldHaveSingleItem();
        run.Status.ShouldBe(RunStatus.Failed);
        var problem = (await Runs.GetAsync(run.Id, default)).Problem.ShouldNotBeNull();
        problem.Kind.ShouldBe(ErrorKind.PermissionMissing);
        problem.Detail.ShouldBe(failure.Message);
        problem.Next.ShouldBe(new NextStep(NextStepKind.TestConnection, "Contoso"));
        var audit = await _services.GetRequiredService<AuditLog>().ListAsync(10, "Contoso", default);
        audit.ShouldHaveSingleItem().Outcome.ShouldBe(AuditOutcome.Failed);
    }

    [Fact]
    public async Task AnUnknownConnection_IsRefusedAtOnce_AndRecordsNoRun()
    {
        var ex = await Should.ThrowAsync<ConnectionNotFoundException>(() => Runs.StartAsync(new RunRequest("test.greet", "Nope", null), Caller.Cli(), default));
        ex.Kind.ShouldBe(ErrorKind.NotFound);
        (await Runs.ListAsync(null, null, 10, default)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ABackgroundRun_CanBeWaitedFor_AndCancelled()
    {
        var active = await Runs.StartAsync(new RunRequest("test.greet", "Contoso", JsonNode.Parse("""{"name":"Ada","times":2}""")), new Caller(CallerInterface.Api, "key1"), default);
        var finished = (await RunService.WaitAsync(active, TimeSpan.FromSeconds(10), default)).ShouldNotBeNull();
        finished.Status.ShouldBe(RunStatus.Succeeded);
        finished.Output!["text"]!.GetValue<string>().ShouldBe("hello Ada hello Ada");
        (await Runs.CancelAsync(finished.Id, default)).Status.ShouldBe(RunStatus.Succeeded, "a finished run is shown as it ended");
        (await Runs.GetAsync(finished.Id, default)).Interface.ShouldBe(CallerInterface.Api);
    }

    [Fact]
    public async Task ARunningRunWhoseProcessIsGone_ReadsAsInterrupted()
    {
        var active = await Runs.StartAsync(new RunRequest("test.greet", "Contoso", JsonNode.Parse("""{"name":"Ada"}""")), Caller.Cli(), default);
        await RunService.WaitAsync(active, TimeSpan.FromSeconds(10), default);

        // As if another process had started it and been killed: running, owned by a pid that is not alive.
        await using (var db = await _services.GetRequiredService<EntradaDatabase>().OpenAsync(default))
        await using (var update = db.CreateCommand())
        {
            update.CommandText = "UPDATE runs SET status = 'running', owner_pid = 2147483000 WHERE id = $id;";
            update.Parameters.AddWithValue("$id", active.Record.Id);
            await update.ExecuteNonQueryAsync();
        }

        (await Runs.GetAsync(active.Record.Id, default)).Status.ShouldBe(RunStatus.Interrupted);
        await Should.ThrowAsync<RunNotFoundException>(() => Runs.GetAsync("run_nope", default));
    }

    [Fact]
    public async Task AProblemStoredBeforeProblemsHadAKind_ReadsWithTheKindOfItsStatus()
    {
        var outcome = await Runs.RunAsync(new RunRequest("test.greet", "Contoso", JsonNode.Parse("""{"name":"Ada"}""")), Caller.Cli(), null, default);
        await using (var db = await _services.GetRequiredService<EntradaDatabase>().OpenAsync(default))
        await using (var update = db.CreateCommand())
        {
            update.CommandText = """UPDATE runs SET status = 'failed', problem = '{"status":403,"title":"A permission is missing.","detail":"Missing User.Read.All."}' WHERE id = $id;""";
            update.Parameters.AddWithValue("$id", outcome.Record.Id);
            await update.ExecuteNonQueryAsync();
        }

        var problem = (await Runs.GetAsync(outcome.Record.Id, default)).Problem.ShouldNotBeNull();
        problem.Kind.ShouldBe(ErrorKind.PermissionMissing);
        problem.Detail.ShouldBe("Missing User.Read.All.");
    }

    [Fact]
    public async Task ResumingAJob_IsARunOfItsOwn_ThatNamesTheJob_AndAFinishedJobIsRefusedWithoutARun()
    {
        var jobs = _services.GetRequiredService<Entrada.Core.Jobs.JobStore>();
        var job = await jobs.CreateAsync("test.touch", "Contoso", """{"names":["a","b"]}""", ["a", "b"], Caller.Cli(), default);
        await jobs.SetStatusAsync(job.Id, Entrada.Core.Jobs.JobStatus.Failed, "As if it had failed half-way.", default);

        var resumed = await Runs.ResumeJobAsync(job.Id, Caller.Cli(), null, default);

        resumed.Record.JobId.ShouldBe(job.Id);
        (await jobs.GetAsync(job.Id, default)).Status.ShouldBe(Entrada.Core.Jobs.JobStatus.Completed);
        (await Runs.FindRunOfJobAsync(job.Id, default)).ShouldBe(resumed.Record.Id);
        await Should.ThrowAsync<Entrada.Core.Jobs.JobFinishedException>(() => Runs.ResumeJobAsync(job.Id, Caller.Cli(), null, default));
        (await Runs.ListAsync(null, "test.touch", 10, default)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task AJobKeepsItsInputEncrypted_AndAResumeSendsTheRealSecret_NotAMask()
    {
        const string token = "the-job-secret-4711";
        var first = await Runs.RunAsync(new RunRequest("test.seal", "Contoso", JsonNode.Parse($$"""{"names":["a","b"],"token":"{{token}}"}""")), Caller.Cli(), null, default);
        var jobs = _services.GetRequiredService<Entrada.Core.Jobs.JobStore>();
        var jobId = first.Result.JobId.ShouldNotBeNull();
        await jobs.SetStatusAsync(jobId, Entrada.Core.Jobs.JobStatus.Failed, "As if it had stopped.", default);

        await Runs.ResumeJobAsync(jobId, Caller.Cli(), null, default);

        SealAction.Seen.ToArray().ShouldBe(new[] { token, token }, "the resume is given the input as it was, not a mask");
        foreach (var file in Directory.GetFiles(_temp.Home.Path, "entrada.db*"))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            (await reader.ReadToEndAsync()).Contains(token, StringComparison.Ordinal).ShouldBeFalse($"{Path.GetFileName(file)} holds the secret in clear");
        }
    }
}
