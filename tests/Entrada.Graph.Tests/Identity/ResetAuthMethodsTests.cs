using Entrada.Emulator;
using Entrada.Graph.Tests.Support;
using Microsoft.Graph;

namespace Entrada.Graph.Tests.Identity;

/// <summary>A tenant of 330 users, for resetting MFA in bulk.</summary>
public sealed class ResetTenantFixture : GraphFixture
{
    protected override EmulatorOptions Options => new() { Users = 330, Groups = 1, Throttle = ThrottleMode.Off };
}

/// <summary>users.auth-methods.reset through the <c>$batch</c> engine, checked user by user with Microsoft's Graph client.</summary>
public sealed class ResetAuthMethodsTests(ResetTenantFixture fixture) : IClassFixture<ResetTenantFixture>, IAsyncLifetime
{
    private const string Conn = "reset";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    private GraphServiceClient Sdk => IdentitySdk.Client(fixture.Server, fixture.Demo);

    [Fact]
    public async Task Reset_300Users_LeavesEachOnlyThePassword_InBatches()
    {
        var users = fixture.Server.State.GetUserIds().Take(300).ToList();
        var sdk = Sdk;
        var before = new Dictionary<string, int>();
        foreach (var user in users)
        {
            before[user] = (await sdk.Users[user].Authentication.Methods.GetAsync())!.Value!.Count(m => m is not Microsoft.Graph.Models.PasswordAuthenticationMethod);
        }

        var batches = fixture.Requests.Count("$batch");
        var run = await fixture.RunAsync("users.auth-methods.reset", Conn, new { userIds = users });

        run.Value!["failed"]!.GetValue<int>().ShouldBe(0);
        run.Value["done"]!.GetValue<int>().ShouldBe(before.Count(b => b.Value > 0));
        run.Value["unchanged"]!.GetValue<int>().ShouldBe(before.Count(b => b.Value == 0));
        run.Result.JobId.ShouldNotBeNull();

        // 300 reads are 15 batches of 20; the deletes need more, the default methods a second round.
        (fixture.Requests.Count("$batch") - batches).ShouldBeLessThan(before.Values.Sum() / 20 * 3);

        foreach (var user in users)
        {
            var left = (await sdk.Users[user].Authentication.Methods.GetAsync())!.Value!;
            left.ShouldHaveSingleItem($"user {user}").ShouldBeOfType<Microsoft.Graph.Models.PasswordAuthenticationMethod>();
        }
    }

    [Fact]
    public async Task Reset_DryRun_PlansTheDeletesOfEachMethod_AndDeletesNothing()
    {
        var users = fixture.Server.State.GetUserIds().Skip(300).Take(20).ToList();
        var sdk = Sdk;
        var methods = 0;
        foreach (var user in users)
        {
            methods += (await sdk.Users[user].Authentication.Methods.GetAsync())!.Value!.Count(m => m is not Microsoft.Graph.Models.PasswordAuthenticationMethod);
        }

        methods.ShouldBeGreaterThan(0);
        var run = await fixture.RunAsync("users.auth-methods.reset", Conn, new { userIds = users }, dryRun: true);
        var steps = run.Result.PlannedRequests.Where(p => p.Target.EndsWith("/$batch", StringComparison.Ordinal)).SelectMany(p => p.Body!["requests"]!.AsArray()).ToList();
        steps.Count.ShouldBe(methods);
        steps.ShouldAllBe(s => s!["method"]!.GetValue<string>() == "DELETE" && s["url"]!.GetValue<string>().Contains("/authentication/", StringComparison.Ordinal));

        var after = 0;
        foreach (var user in users)
        {
            after += (await sdk.Users[user].Authentication.Methods.GetAsync())!.Value!.Count(m => m is not Microsoft.Graph.Models.PasswordAuthenticationMethod);
        }

        after.ShouldBe(methods);
    }

    [Fact]
    public async Task Reset_AnUnknownUser_FailsThatUserOnly()
    {
        var known = fixture.Server.State.GetUserIds()[325];
        var unknown = Guid.NewGuid().ToString();
        var run = await fixture.RunAsync("users.auth-methods.reset", Conn, new { userIds = new[] { known, unknown } });
        var items = run.Value!["items"]!.AsArray();
        items.Single(i => i!["id"]!.GetValue<string>() == unknown)!["outcome"]!.GetValue<string>().ShouldBe("failed");
        items.Single(i => i!["id"]!.GetValue<string>() == unknown)!["message"]!.GetValue<string>().ShouldContain($"user '{unknown}'");
        items.Single(i => i!["id"]!.GetValue<string>() == known)!["outcome"]!.GetValue<string>().ShouldNotBe("failed");
    }
}
