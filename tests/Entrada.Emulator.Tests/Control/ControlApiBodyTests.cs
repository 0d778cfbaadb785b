using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Entrada.Emulator.Tests.Support;

namespace Entrada.Emulator.Tests.Control;

/// <summary>
/// Every control route that reads a body answers a body it cannot use — malformed JSON, JSON that
/// is not an object, a member of the wrong type — with a 400 that says so, never a 500.
/// </summary>
public sealed class ControlApiBodyTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    public static TheoryData<string, string> BodyRoutes() => new()
    {
        { "PATCH", "users/{user}" },
        { "POST", "faults" },
        { "POST", "devicecodes/{userCode}/approve" },
        { "POST", "apps/{clientId}/certificates" },
        { "POST", "apps/{clientId}/redirectUris" },
        { "POST", "apps/{clientId}/secrets" },
    };

    public static TheoryData<string> UnusableBodies() => ["{not json", "", "[1,2]", "\"text\"", "{\"user\":", "{\"count\":\"three\",\"fault\":429,\"accountEnabled\":\"yes\",\"expires\":\"soon\",\"value\":\"v\",\"userType\":7,\"pem\":1,\"uri\":2,\"user\":5}"];

    private async Task<string> PathOfAsync(string route)
    {
        var path = route.Replace("{user}", fixture.Server.State.GetUserIds()[0], StringComparison.Ordinal)
            .Replace("{clientId}", fixture.Demo.ClientId, StringComparison.Ordinal);
        if (path.Contains("{userCode}", StringComparison.Ordinal))
        {
            using var start = await fixture.Http.PostAsync($"{fixture.Server.TenantId}/oauth2/v2.0/devicecode", new FormUrlEncodedContent(new Dictionary<string, string> { ["client_id"] = fixture.Demo.ClientId, ["scope"] = "User.Read openid offline_access" }));
            var code = JsonNode.Parse(await start.Content.ReadAsStringAsync())!["user_code"]!.GetValue<string>();
            path = path.Replace("{userCode}", code, StringComparison.Ordinal);
        }

        return path;
    }

    [Fact]
    public void TheRoutesListed_AreEveryRouteOfTheControlApiThatReadsABody()
    {
        // Keeps the list honest: a new route that reads a body must be added above.
        var source = File.ReadAllText(Path.Combine(RepositoryRoot(), "src", "Entrada.Emulator", "Control", "ControlApi.cs"));
        var bodyReads = source.Split("group.Map", StringSplitOptions.None).Skip(1).Count(handler => handler.Contains("ReadObjectAsync(request)", StringComparison.Ordinal));
        bodyReads.ShouldBe(BodyRoutes().Count());
    }

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task AControlRoute_GivenAnUnusableBody_Answers400(string method, string route)
    {
        foreach (var body in UnusableBodies())
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), "_emulator/" + await PathOfAsync(route))
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Server.ControlKey);

            using var response = await fixture.Http.SendAsync(request);

            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, $"{method} {route} with {body}: {text}");
            JsonNode.Parse(text)!["error"]!.GetValue<string>().ShouldBe("invalid_request");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Entrada.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Entrada.slnx) was not found.");
    }
}
