using Entrada.Core;

namespace Entrada.Graph.Tests.OAuth;

/// <summary>
/// Access tokens that live three minutes: every new process refreshes with the kept refresh
/// token. What happens when that works, when it was revoked, and that no token is ever written
/// in clear anywhere Entrada writes.
/// </summary>
public sealed class OAuthRefreshTests(ShortLivedTokenFixture fixture) : IClassFixture<ShortLivedTokenFixture>
{
    [Fact]
    public async Task AfterTheAccessTokenExpires_ANewProcessRefreshesSilently_AndKeepsTheNewTokensEncrypted()
    {
        var result = await fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("refresh"), fixture.UserId(3));
        await fixture.Store.AddAsync(result.Connection, default);
        var before = TokenScan.TokensIn(result.Connection.OAuth!.TokenCache!);

        fixture.Restart();
        var tokens = fixture.TokenRequests;
        var (_, users) = await fixture.RunAsync("users.list", "refresh", new { max = 3 });
        var after = TokenScan.TokensIn((await fixture.Store.GetAsync("refresh", default)).OAuth!.TokenCache!);

        users.Count.ShouldBe(3);
        fixture.TokenRequests.ShouldBeGreaterThan(tokens, "the expired access token is renewed with the refresh token");
        after.Single(t => t.Kind == "RefreshToken").Value.ShouldNotBe(before.Single(t => t.Kind == "RefreshToken").Value);
        after.Single(t => t.Kind == "AccessToken").Value.ShouldNotBe(before.Single(t => t.Kind == "AccessToken").Value);
    }

    [Fact]
    public async Task RevokedRefreshToken_SaysToSignInAgain_WithExitCode3()
    {
        var userId = fixture.UserId(4);
        var result = await fixture.DeviceCodeSignInAsync(fixture.OAuthConnection("revoked"), userId);
        await fixture.Store.AddAsync(result.Connection, default);
        await Task.Delay(1100); // the emulator compares issue and revocation times to the second, as Entra does
        (await fixture.ControlAsync(HttpMethod.Post, $"users/{userId}/revokeSignInSessions")).IsSuccessStatusCode.ShouldBeTrue();

        fixture.Restart();
        var failure = await Should.ThrowAsync<AuthenticationFailedException>(() => fixture.RunAsync("users.list", "revoked"));

        failure.Kind.ShouldBe(ErrorKind.Authentication);
        failure.Message.ShouldBe("Connection 'revoked' must sign in again: its refresh token was revoked (AADSTS50173).");
        failure.Next.ShouldBe(new NextStep(NextStepKind.SignIn, "revoked"));
    }

    [Fact]
    public async Task NoAccessRefreshOrIdToken_AppearsInTheDatabaseOrTheLogs()
    {
        var result = await fixture.BrowserSignInAsync(fixture.OAuthConnection("scanned"), fixture.UserId(5));
        await fixture.Store.AddAsync(result.Connection, default);
        fixture.Restart();
        await fixture.RunAsync("users.list", "scanned", new { max = 2 });
        var tokens = TokenScan.TokensIn(result.Connection.OAuth!.TokenCache!)
            .Concat(TokenScan.TokensIn((await fixture.Store.GetAsync("scanned", default)).OAuth!.TokenCache!))
            .ToList();

        var places = new List<(string Where, byte[] Bytes)>();
        foreach (var file in Directory.EnumerateFiles(fixture.Home.Path, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/keys/", StringComparison.Ordinal)))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            places.Add((file, memory.ToArray()));
        }

        places.Add(("logs", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', fixture.Logs))));

        tokens.Select(t => t.Kind).Distinct().ShouldBe(["AccessToken", "RefreshToken", "IdToken"], ignoreOrder: true);
        places.ShouldContain(p => p.Where.EndsWith("entrada.db", StringComparison.Ordinal));
        fixture.Logs.ShouldNotBeEmpty();
        foreach (var (kind, token) in tokens)
        {
            foreach (var (where, bytes) in places)
            {
                TokenScan.Find(bytes, token).ShouldBeNull($"a {kind} appears in {where}");
            }
        }
    }
}
