using System.Text.Json;
using Entrada.Cli.Tests.Support;

namespace Entrada.Cli.Tests.Playbooks;

/// <summary>
/// A <c>foreach</c> over a list action reads several elements at a time: the step's output is still
/// one entry per element in the input's order, each exactly what Graph lists for that element, and a
/// failing element is recorded as that element's failure — the run going on with
/// <c>continueOnError</c>, ending failed without it.
/// </summary>
public sealed class PlaybookListForeachTests(EmulatedTenant tenant) : IClassFixture<EmulatedTenant>, IDisposable
{
    private const string Playbook = """
        id: list-passes
        description: Lists each user's Temporary Access Passes.
        inputs:
          userIds:
            type: array
            items: string
            required: true
        steps:
          - id: passes
            action: users.tap.list
            foreach: ${{ inputs.userIds }}
            CONTINUE
            input:
              userId: ${{ item }}
          - id: after
            action: users.list
            input:
              max: 1
        """;

    private readonly InProcessEntrada _entrada = new();
    private readonly TenantGraph _graph = new(tenant.Server);
    private static int _taken;

    public void Dispose()
    {
        _graph.Dispose();
        _entrada.Dispose();
    }

    private async Task<List<string>> SetUpAsync(bool continueOnError, int count)
    {
        var add = await _entrada.RunAsync(tenant.AddArgs("Tenant"), tenant.Demo.ClientSecret);
        add.ExitCode.ShouldBe(0, add.ToString());
        Directory.CreateDirectory(Path.Combine(_entrada.Home.Path, "playbooks"));
        await File.WriteAllTextAsync(Path.Combine(_entrada.Home.Path, "playbooks", "list-passes.yaml"), Playbook.Replace("CONTINUE", continueOnError ? "continueOnError: true" : string.Empty, StringComparison.Ordinal));
        var state = tenant.Server.State;
        var start = Interlocked.Add(ref _taken, count) - count;
        var users = state.GetUserIds().Where(id => state.FindUser(id) is { UserType: "Member" }).Skip(start).Take(count).ToList();
        users.Count.ShouldBe(count);
        // Every other user holds a pass, so that the outputs differ from one element to the next.
        await TenantGraph.ForEachAsync(users.Where((_, i) => i % 2 == 0), _graph.AddTapAsync);
        return users;
    }

    private async Task<JsonElement> RunAsync(IEnumerable<string> userIds, int exitCode)
    {
        var input = Path.Combine(_entrada.Home.Path, "input.json");
        await File.WriteAllTextAsync(input, JsonSerializer.Serialize(new { userIds }));
        var run = await _entrada.RunAsync("playbooks", "run", "list-passes", "-c", "Tenant", "--input", "@" + input, "-o", "json");
        run.ExitCode.ShouldBe(exitCode, run.ToString());
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    [Fact]
    public async Task ForEachUser_TheOutputIsInTheInputsOrder_AndEachIsWhatGraphLists_AndAMissingUserIsItsOwnFailure()
    {
        var users = await SetUpAsync(continueOnError: true, count: 40);
        var missing = Guid.NewGuid().ToString();
        var ids = users.Take(20).Append(missing).Concat(users.Skip(20)).ToList();

        var record = await RunAsync(ids, 0);

        record.GetProperty("status").GetString().ShouldBe("succeeded");
        var step = record.GetProperty("steps").EnumerateArray().First();
        step.GetProperty("failed").GetInt32().ShouldBe(1);
        var output = step.GetProperty("output").EnumerateArray().ToList();
        output.Select(o => o.GetProperty("item").GetString()).ShouldBe(ids, "one entry per element, in the input's order");
        output[20].GetProperty("error").GetString().ShouldNotBeNullOrWhiteSpace();
        var expected = await TenantGraph.ForEachAsync(users, _graph.TapIdsAsync);
        for (var i = 0; i < users.Count; i++)
        {
            var entry = output[i < 20 ? i : i + 1];
            entry.GetProperty("output").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).Order().ShouldBe(expected[i].Order(), users[i]);
        }

        expected.Count(e => e.Count > 0).ShouldBeGreaterThanOrEqualTo(20, "every other user holds a pass (some of the seeded ones had one already)");
    }

    [Fact]
    public async Task WithoutContinueOnError_AMissingUser_EndsTheRunFailed_AndNoLaterStepRuns()
    {
        var users = await SetUpAsync(continueOnError: false, count: 12);
        var ids = users.Take(6).Append(Guid.NewGuid().ToString()).Concat(users.Skip(6)).ToList();

        var record = await RunAsync(ids, 1);

        record.GetProperty("status").GetString().ShouldBe("failed");
        var steps = record.GetProperty("steps").EnumerateArray().ToList();
        steps[0].GetProperty("status").GetString().ShouldBe("failed");
        steps[0].GetProperty("failed").GetInt32().ShouldBe(1, "only the missing user failed");
        steps[1].GetProperty("status").GetString().ShouldBe("pending");
    }
}
