using Entrada.Core;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Audit;
using Entrada.Core.Connections;
using Entrada.Core.Jobs;
using Entrada.Core.Secrets;
using Entrada.Core.Storage;
using Entrada.Core.Diagnostics;
using Entrada.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Core.Tests.Actions;

/// <summary>Input of the test actions below.</summary>
public sealed record GreetInput([property: Description("Whom to greet.")] string Name, int Times = 1, IReadOnlyList<string>? Tags = null) : IValidatableInput
{
    public IEnumerable<ValidationError> Validate()
    {
        if (Times is < 1 or > 10)
        {
            yield return new ValidationError("times", "times must be 1–10.");
        }
    }
}

public sealed record Greeting(string Text);

internal sealed class GreetAction : EntradaAction<GreetInput, Greeting>
{
    public override ActionDescriptor Descriptor { get; } = Describe("test.greet", "Greets.", ActionTarget.Graph) with
    {
        Permission = PermissionRequirement.Of("User.Read.All", "Directory.Read.All"),
        Destructive = true,
    };

    public override Task<Greeting> ExecuteAsync(GreetInput input, ActionContext context, CancellationToken cancellationToken)
    {
        if (context.DryRun)
        {
            context.Plan("POST", "/greet", new JsonObject { ["name"] = input.Name });
            return Task.FromResult(new Greeting("(dry run)"));
        }

        return Task.FromResult(new Greeting(string.Concat(Enumerable.Repeat($"hello {input.Name} ", input.Times)).Trim()));
    }
}

internal sealed class CountAction : ListAction<GreetInput, int>
{
    public override ActionDescriptor Descriptor { get; } = Describe("test.count", "Counts.", ActionTarget.Graph);

    public override async IAsyncEnumerable<int> ListAsync(GreetInput input, ActionContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 1; i <= input.Times; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return i;
        }
    }
}

/// <summary>Input of the bulk test action: one item per name.</summary>
public sealed record TouchInput(IReadOnlyList<string> Names) : IBulkInput
{
    public IReadOnlyList<string> BulkItems => Names;
}

internal sealed class TouchAction : EntradaAction<TouchInput, int>
{
    public override ActionDescriptor Descriptor { get; } = Describe("test.touch", "Touches each name.", ActionTarget.Graph) with { Destructive = true, Bulk = true };

    public override async Task<int> ExecuteAsync(TouchInput input, ActionContext context, CancellationToken cancellationToken)
    {
        if (context.Job is { } job)
        {
            await job.RecordAsync([.. input.Names.Select((_, i) => new JobItem(i, input.Names[i], JobItemState.Done))], cancellationToken);
        }

        return input.Names.Count;
    }
}

public sealed class ActionContractTests : IDisposable
{
    private readonly TempHome _temp = new();
    private readonly ServiceProvider _services;

    public ActionContractTests()
    {
        var services = new ServiceCollection();
        services.AddEntradaCore(_temp.Home);
        services.AddActions(c => c.Add<GreetAction>().Add<CountAction>().Add<TouchAction>());
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _temp.Dispose();
    }

    private ActionCatalog Catalog => _services.GetRequiredService<ActionCatalog>();

    [Fact]
    public void Get_OfAnUnknownId_SuggestsTheCloseOnes()
    {
        var ex = Should.Throw<UnknownActionException>(() => Catalog.Get("test.gret"));
        ex.CloseMatches.ShouldContain("test.greet");
        ex.Message.ShouldStartWith("There is no action 'test.gret'. Did you mean 'test.greet'");
        ex.Kind.ShouldBe(ErrorKind.NotFound);
        ex.Next.ShouldBe(new NextStep(NextStepKind.ListActions));
    }

    [Fact]
    public void Bind_ValidJson_GivesTheTypedInput()
    {
        var input = ActionInput.Bind(Catalog.Get("test.greet").Descriptor, JsonNode.Parse("""{"name":"Ada","times":2,"tags":["a"]}"""));
        input.ShouldBe(new GreetInput("Ada", 2, ["a"]) { Tags = ((GreetInput)input).Tags });
    }

    [Theory]
    [InlineData("""{"times":1}""", "missing")]
    [InlineData("""{"name":"Ada","colour":"red"}""", "The input field 'colour' is not known to 'test.greet'; its fields are: name, times, tags.")]
    [InlineData("""{"name":"Ada","times":"many"}""", "The input field 'times' of 'test.greet' has the wrong type or format")]
    [InlineData("""{"name":null}""", "'name' of 'test.greet' cannot be null")]
    [InlineData("""{"name":"Ada","times":11}""", "times must be 1–10.")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    public void Bind_BadInput_NamesTheField(string json, string expected)
    {
        var ex = Should.Throw<EntradaValidationException>(() => ActionInput.Bind(Catalog.Get("test.greet").Descriptor, JsonNode.Parse(json)));
        ex.Message.ShouldContain(expected);
    }

    [Fact]
    public void SchemaOf_TheInput_ListsFieldsTypesAndDescriptions()
    {
        var schema = ActionInput.SchemaOf(typeof(GreetInput));
        schema["properties"]!["name"]!["description"]!.GetValue<string>().ShouldBe("Whom to greet.");
        schema["properties"]!["times"]!["type"]!.ToJsonString().ShouldContain("integer");
        schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldContain("name");
    }

    [Fact]
    public void Readiness_WithoutThePermission_NamesTheLeastAndTheHigherOnes()
    {
        var readiness = ActionReadiness.Evaluate(Catalog.Get("test.greet").Descriptor, new ConnectionCapabilities(ConnectionMethod.AppRegistration, new HashSet<string> { "Group.Read.All" }));
        readiness.Ready.ShouldBeFalse();
        readiness.MissingPermission.ShouldBe("User.Read.All");
        readiness.AlternativePermissions.ShouldBe(["Directory.Read.All"]);
        readiness.Reason.ShouldBe("Missing the application permission User.Read.All; Directory.Read.All would also do.");
    }

    [Fact]
    public void Readiness_WithAHigherPermission_IsReady() =>
        ActionReadiness.Evaluate(Catalog.Get("test.greet").Descriptor, new ConnectionCapabilities(ConnectionMethod.OAuth, new HashSet<string> { "Directory.Read.All" })).Ready.ShouldBeTrue();

    [Fact]
    public void Readiness_WithTwoRequirements_ListsBothWhenBothAreMissing()
    {
        var descriptor = Catalog.Get("test.greet").Descriptor with
        {
            Permission = PermissionRequirement.Of("User.EnableDisableAccount.All", "User.ReadWrite.All") with { AlsoRequired = [PermissionRequirement.Of("User.Read.All")] },
        };
        var readiness = ActionReadiness.Evaluate(descriptor, new ConnectionCapabilities(ConnectionMethod.AppRegistration, new HashSet<string>()));
        readiness.MissingPermission.ShouldBe("User.EnableDisableAccount.All");
        readiness.AlsoMissing.ShouldBe(["User.Read.All"]);
        ActionReadiness.Evaluate(descriptor, new ConnectionCapabilities(ConnectionMethod.AppRegistration, new HashSet<string> { "User.ReadWrite.All", "User.Read.All" })).Ready.ShouldBeTrue();
    }

    [Fact]
    public void Readiness_OfAnLdapAction_OnANonAdServer_SaysItNeedsActiveDirectory()
    {
        var descriptor = Catalog.Get("test.greet").Descriptor with { Target = ActionTarget.Ldap, RequiresActiveDirectory = true, Permission = null };
        ActionReadiness.Evaluate(descriptor, new ConnectionCapabilities(ConnectionMethod.Ldap, new HashSet<string>(), IsActiveDirectory: false))
            .Reason.ShouldNotBeNull().ShouldContain("needs an Active Directory server");
    }

    private async Task<string> AddConnectionAsync(ConnectionMethod method = ConnectionMethod.AppRegistration)
    {
        var store = _services.GetRequiredService<ConnectionStore>();
        var request = method == ConnectionMethod.Ldap
            ? new ConnectionRequest { Name = "AD", Method = "ldap", Uri = "ldaps://dc1", Anonymous = true }
            : new ConnectionRequest { Name = "Contoso", Method = "app-registration", TenantId = "contoso.onmicrosoft.com", ClientId = "11111111-2222-3333-4444-555555555555", ClientSecret = new Secret("s") };
        var connection = ConnectionFactory.Create(request, DateTimeOffset.UtcNow);
        await store.AddAsync(connection, default);
        return connection.Name;
    }

    [Fact]
    public async Task Run_ASingleResultAction_ReturnsItAndAuditsIt()
    {
        var name = await AddConnectionAsync();
        var runner = _services.GetRequiredService<ActionRunner>();
        var result = await runner.RunAsync(new ActionRunRequest("test.greet", "contoso", JsonNode.Parse("""{"name":"Ada","times":2}""")) { Caller = Entrada.Core.Caller.Cli() }, null, default);
        result.Value.ShouldBe(new Greeting("hello Ada hello Ada"));
        result.Connection.ShouldBe(name);
        var record = (await _services.GetRequiredService<AuditLog>().ListAsync(1, null, default)).ShouldHaveSingleItem();
        record.Operation.ShouldBe("run test.greet");
        record.Outcome.ShouldBe(AuditOutcome.Succeeded);
        record.Id.ShouldBe(result.AuditId);
    }

    [Fact]
    public async Task Run_AListAction_StreamsEveryItemToTheSink()
    {
        await AddConnectionAsync();
        var seen = new List<object?>();
        var result = await _services.GetRequiredService<ActionRunner>().RunAsync(
            new ActionRunRequest("test.count", "Contoso", JsonNode.Parse("""{"name":"x","times":5}""")) { Caller = Entrada.Core.Caller.Cli() },
            (item, _) => { seen.Add(item); return ValueTask.CompletedTask; },
            default);
        seen.ShouldBe([1, 2, 3, 4, 5]);
        result.ItemCount.ShouldBe(5);
    }

    [Fact]
    public async Task Run_DryRun_RecordsTheRequestsAndAuditsADryRun()
    {
        await AddConnectionAsync();
        var result = await _services.GetRequiredService<ActionRunner>().RunAsync(new ActionRunRequest("test.greet", "Contoso", JsonNode.Parse("""{"name":"Ada"}""")) { Caller = Entrada.Core.Caller.Cli(), DryRun = true }, null, default);
        result.PlannedRequests.ShouldHaveSingleItem().Target.ShouldBe("/greet");
        (await _services.GetRequiredService<AuditLog>().ListAsync(1, null, default))[0].Outcome.ShouldBe(AuditOutcome.DryRun);
    }

    [Fact]
    public async Task Run_DryRunOfAReadOnlyAction_IsRefused()
    {
        await AddConnectionAsync();
        var ex = await Should.ThrowAsync<EntradaValidationException>(() => _services.GetRequiredService<ActionRunner>().RunAsync(new ActionRunRequest("test.count", "Contoso", JsonNode.Parse("""{"name":"x"}""")) { Caller = Entrada.Core.Caller.Cli(), DryRun = true }, null, default));
        ex.Message.ShouldContain("only reads");
    }

    [Fact]
    public async Task Run_AGraphActionOnAnLdapConnection_SaysWhichConnectionItNeeds_AndIsAudited()
    {
        await AddConnectionAsync(ConnectionMethod.Ldap);
        var ex = await Should.ThrowAsync<EntradaValidationException>(() => _services.GetRequiredService<ActionRunner>().RunAsync(new ActionRunRequest("test.greet", "AD", JsonNode.Parse("""{"name":"x"}""")) { Caller = Entrada.Core.Caller.Cli() }, null, default));
        ex.Message.ShouldBe("'test.greet' needs an App Registration or OAuth connection; 'AD' is an ldap connection.");
        var record = (await _services.GetRequiredService<AuditLog>().ListAsync(1, null, default)).ShouldHaveSingleItem();
        record.Outcome.ShouldBe(AuditOutcome.Failed);
        record.Error.ShouldBe(ex.Message);
    }

    [Fact]
    public async Task Run_OfABulkAction_TellsTheCallerItsJobBeforeAnyItemIsWorkedOn()
    {
        await AddConnectionAsync();
        var jobs = _services.GetRequiredService<JobStore>();
        string? told = null;
        IReadOnlyList<JobItem> itemsWhenTold = [];
        var result = await _services.GetRequiredService<ActionRunner>().RunAsync(
            new ActionRunRequest("test.touch", "Contoso", JsonNode.Parse("""{"names":["a","b","c"]}"""))
            { Caller = Entrada.Core.Caller.Cli(),
                OnJobStarted = async (id, ct) =>
                {
                    told = id;
                    itemsWhenTold = await jobs.ItemsAsync(id, null, ct);
                },
            },
            null,
            default);

        told.ShouldNotBeNull().ShouldBe(result.JobId);
        itemsWhenTold.Select(i => (i.Item, i.State)).ShouldBe([("a", JobItemState.Pending), ("b", JobItemState.Pending), ("c", JobItemState.Pending)]);
        (await jobs.GetAsync(told, default)).Status.ShouldBe(JobStatus.Completed);
    }

    [Fact]
    public async Task Run_WithoutAJob_NeverCallsTheJobHook()
    {
        await AddConnectionAsync();
        var runner = _services.GetRequiredService<ActionRunner>();
        var calls = 0;
        ValueTask Hook(string id, CancellationToken ct)
        {
            calls++;
            return ValueTask.CompletedTask;
        }

        await runner.RunAsync(new ActionRunRequest("test.greet", "Contoso", JsonNode.Parse("""{"name":"Ada"}""")) { Caller = Entrada.Core.Caller.Cli(), OnJobStarted = Hook }, null, default);
        var dry = await runner.RunAsync(new ActionRunRequest("test.touch", "Contoso", JsonNode.Parse("""{"names":["a"]}""")) { Caller = Entrada.Core.Caller.Cli(), DryRun = true, OnJobStarted = Hook }, null, default);
        calls.ShouldBe(0);
        dry.JobId.ShouldBeNull();
    }

    [Fact]
    public async Task Run_Cancelled_IsAuditedAsCancelled()
    {
        await AddConnectionAsync();
        using var cts = new CancellationTokenSource();
        await Should.ThrowAsync<OperationCanceledException>(() => _services.GetRequiredService<ActionRunner>().RunAsync(
            new ActionRunRequest("test.count", "Contoso", JsonNode.Parse("""{"name":"x","times":10}""")) { Caller = Entrada.Core.Caller.Cli() },
            async (item, _) => { if ((int)item! == 3) { await cts.CancelAsync(); } },
            cts.Token));
        (await _services.GetRequiredService<AuditLog>().ListAsync(1, null, default))[0].Outcome.ShouldBe(AuditOutcome.Cancelled);
    }
}
