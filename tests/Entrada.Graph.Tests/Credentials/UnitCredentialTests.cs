using Azure.Core;
using Entrada.Core;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;
using Entrada.Graph.Client;
using Entrada.Graph.Credentials;
using Microsoft.Extensions.Time.Testing;

namespace Entrada.Graph.Tests.Credentials;

public sealed class CloudEndpointTests
{
    public static TheoryData<string, string, string, string> Clouds => new()
    {
        { "global", "https://login.microsoftonline.com/", "https://graph.microsoft.com/v1.0/users", "https://graph.microsoft.com/.default" },
        { "usgov", "https://login.microsoftonline.us/", "https://graph.microsoft.us/v1.0/users", "https://graph.microsoft.us/.default" },
        { "usgov-dod", "https://login.microsoftonline.us/", "https://dod-graph.microsoft.us/v1.0/users", "https://dod-graph.microsoft.us/.default" },
        { "china", "https://login.chinacloudapi.cn/", "https://microsoftgraph.chinacloudapi.cn/v1.0/users", "https://microsoftgraph.chinacloudapi.cn/.default" },
    };

    [Theory]
    [MemberData(nameof(Clouds))]
    public void EachMicrosoftCloud_UsesItsGraphHostScopeAndConsentHost(string cloud, string authority, string usersUrl, string scope)
    {
        CloudSettings.TryParseWireName(cloud, out var kind).ShouldBeTrue();
        var connection = new Connection
        {
            Name = cloud,
            Method = ConnectionMethod.AppRegistration,
            Cloud = CloudSettings.For(kind),
            AppRegistration = new AppRegistrationSettings("contoso.onmicrosoft.com", "11111111-1111-1111-1111-111111111111", new Secret("s"), null),
        };
        using var graph = new GraphConnection(connection, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        graph.Scopes.ShouldBe([scope]);
        graph.Client.Users.ToGetRequestInformation().URI.ToString().ShouldBe(usersUrl);
        connection.Cloud.AuthorityHost.ToString().ShouldBe(authority);
        connection.Cloud.AdminConsentUrl("contoso.onmicrosoft.com", "11111111-1111-1111-1111-111111111111").ToString()
            .ShouldBe($"{authority}contoso.onmicrosoft.com/adminconsent?client_id=11111111-1111-1111-1111-111111111111");
    }

    [Fact]
    public void ACustomCloud_AsksForGlobalGraphsScope_AtItsOwnHost()
    {
        var cloud = new CloudSettings(CloudKind.Custom, new Uri("https://127.0.0.1:5001"), new Uri("https://127.0.0.1:5001/v1.0"));
        cloud.DefaultScope.ShouldBe("https://graph.microsoft.com/.default");
        cloud.GraphHost.ShouldBe("127.0.0.1");
    }

    [Fact]
    public void AnHttpAuthority_IsRefused()
    {
        var connection = new Connection
        {
            Name = "plain",
            Method = ConnectionMethod.AppRegistration,
            Cloud = new CloudSettings(CloudKind.Custom, new Uri("http://127.0.0.1:5001"), new Uri("https://127.0.0.1:5001/v1.0")),
            AppRegistration = new AppRegistrationSettings("t", "c", new Secret("s"), null),
        };
        Should.Throw<EntradaValidationException>(() => new GraphConnection(connection, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))
            .Errors.ShouldContain(e => e.Field == "authorityHost");
    }
}

public sealed class AadstsTranslatorTests
{
    private static readonly Connection Connection = new()
    {
        Name = "Contoso",
        Method = ConnectionMethod.AppRegistration,
        AppRegistration = new AppRegistrationSettings("contoso.onmicrosoft.com", "22222222-2222-2222-2222-222222222222", new Secret("TopSecretValue~1"), null),
    };

    [Theory]
    [InlineData("AADSTS7000215", "copy the secret's Value, not its Secret ID")]
    [InlineData("AADSTS7000222", "has expired")]
    [InlineData("AADSTS700016", "There is no application '22222222-2222-2222-2222-222222222222' in tenant 'contoso.onmicrosoft.com'")]
    [InlineData("AADSTS90002", "There is no tenant 'contoso.onmicrosoft.com'")]
    [InlineData("AADSTS65001", "https://login.microsoftonline.com/contoso.onmicrosoft.com/adminconsent?client_id=22222222-2222-2222-2222-222222222222")]
    [InlineData("AADSTS700027", "certificate was not accepted")]
    [InlineData("AADSTS7000112", "is disabled")]
    [InlineData("AADSTS900023", "is not valid")]
    [InlineData("AADSTS53003", "Conditional Access")]
    [InlineData("AADSTS123456", "login.microsoftonline.com/error?code=123456")]
    public void EachAadstsCode_BecomesItsActionableMessage_WithTheCode(string code, string expected)
    {
        var failure = AadstsTranslator.Translate(new InvalidOperationException($"ClientSecretCredential authentication failed: {code}: The service said something. Trace ID: x"), Connection);
        failure.Code.ShouldBe(code);
        failure.Message.ShouldContain(expected);
        failure.Message.ShouldContain(code);
        failure.Message.ShouldNotContain("TopSecretValue");
        failure.Kind.ShouldBe(ErrorKind.Authentication);
    }

    [Fact]
    public void AnUnreachableAuthority_SaysSo()
    {
        var failure = AadstsTranslator.Translate(new HttpRequestException("Connection refused (127.0.0.1:1)"), Connection);
        failure.Code.ShouldBe("unreachable");
        failure.Message.ShouldContain("Could not reach the identity platform");
    }
}

public sealed class CachedTokenCredentialTests
{
    [Fact]
    public async Task AToken_IsReused_UntilFiveMinutesBeforeItExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var inner = new CountingCredential(time);
        var cached = new CachedTokenCredential(inner, time);
        var context = new TokenRequestContext(["https://graph.microsoft.com/.default"]);

        for (var i = 0; i < 5; i++)
        {
            await cached.GetTokenAsync(context, default);
        }

        inner.Calls.ShouldBe(1);
        time.Advance(TimeSpan.FromMinutes(54));
        await cached.GetTokenAsync(context, default);
        inner.Calls.ShouldBe(1);
        time.Advance(TimeSpan.FromMinutes(2));
        await cached.GetTokenAsync(context, default);
        inner.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task ConcurrentCallers_WaitForTheOneRequestInFlight()
    {
        var time = new FakeTimeProvider();
        var inner = new CountingCredential(time, delay: TimeSpan.FromMilliseconds(50));
        var cached = new CachedTokenCredential(inner, time);
        var context = new TokenRequestContext(["s"]);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => cached.GetTokenAsync(context, default).AsTask()));
        inner.Calls.ShouldBe(1);
    }

    private sealed class CountingCredential(TimeProvider time, TimeSpan? delay = null) : TokenCredential
    {
        private int _calls;

        public int Calls => _calls;

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => throw new NotSupportedException();

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (delay is { } d)
            {
                await Task.Delay(d, cancellationToken);
            }

            return new AccessToken("token-" + _calls, time.GetUtcNow().AddHours(1));
        }
    }
}

public sealed class AccessTokenClaimsTests
{
    [Fact]
    public void Roles_AndTenant_AreReadFromTheTokenPayload()
    {
        var payload = System.Buffers.Text.Base64Url.EncodeToString("{\"tid\":\"t1\",\"appid\":\"a1\",\"roles\":[\"User.Read.All\",\"Group.Create\"]}"u8);
        var claims = AccessTokenClaims.Parse($"eyJhbGciOiJub25lIn0.{payload}.sig");
        claims.TenantId.ShouldBe("t1");
        claims.AppId.ShouldBe("a1");
        claims.Granted.ShouldBe(["User.Read.All", "Group.Create"], ignoreOrder: true);
        claims.Granted.Contains("user.read.all").ShouldBeTrue();
    }

    [Fact]
    public void ATokenWithoutRoles_GrantsNothing_AndGarbageIsNotAnError()
    {
        AccessTokenClaims.Parse("a.e30.b").Granted.ShouldBeEmpty();
        AccessTokenClaims.Parse("not a jwt").Granted.ShouldBeEmpty();
    }
}

public sealed class ODataQueryTests
{
    [Theory]
    [InlineData("O'Brien", "'O''Brien'")]
    [InlineData("x' or 1 eq 1 or 'a", "'x'' or 1 eq 1 or ''a'")]
    [InlineData("plain", "'plain'")]
    public void Literals_DoubleApostrophes_SoInputCannotEndTheString(string value, string literal) =>
        ODataQuery.Literal(value).ShouldBe(literal);

    [Theory]
    [InlineData("endsWith(mail,'@contoso.com')", null, true)]
    [InlineData("accountEnabled ne true", null, true)]
    [InlineData("not startsWith(displayName,'A')", null, true)]
    [InlineData("startsWith(displayName,'A')", null, false)]
    [InlineData(null, "displayName:ann", true)]
    [InlineData(null, null, false)]
    public void AdvancedQueries_AreRecognised(string? filter, string? search, bool advanced) =>
        ODataQuery.NeedsAdvancedQuery(filter, search).ShouldBe(advanced);

    [Fact]
    public void Search_GetsTheQuotesGraphWants() => ODataQuery.Search("displayName:ann").ShouldBe("\"displayName:ann\"");

    [Fact]
    public void PageSize_Is999_UnlessMaxIsSmaller()
    {
        ODataQuery.PageSize(null).ShouldBe(999);
        ODataQuery.PageSize(5000).ShouldBe(999);
        ODataQuery.PageSize(12).ShouldBe(12);
    }
}
