using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Graph.Models;

namespace Entrada.Graph.Tests.Security;

/// <summary>
/// The bearer token goes only to the connection's Graph origin (scheme, host and port), over
/// HTTPS: next-page links, redirects and raw request paths elsewhere are refused and not sent.
/// </summary>
public sealed class GraphOriginTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "origin";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string> ElsewhereLinks => new()
    {
        "https://127.0.0.1:{listener}/v1.0/users?$skiptoken=x", // another port of the same host
        "http://127.0.0.1:{listener}/v1.0/users?$skiptoken=x", // plain http
        "https://localhost:{listener}/v1.0/users?$skiptoken=x", // another host name
        "http://{graph}/v1.0/users?$skiptoken=marker-http", // the Graph endpoint's host and port, without TLS
    };

    [Theory]
    [MemberData(nameof(ElsewhereLinks))]
    public async Task ANextLinkToAnotherOrigin_IsRefused_AndNothingReachesThatOrigin(string template)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var link = template.Replace("{listener}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{graph}", fixture.Server.GraphEndpoint.Authority, StringComparison.Ordinal);
        var before = fixture.Requests.Count("marker-http");
        using var cache = new GraphClientCache(TimeProvider.System);
        var connection = fixture.SecretConnection(Conn);
        var run = new GraphRun(new GraphActionContext(new ActionContext(connection, Caller.Cli()), cache.Get(connection)), new Entrada.Graph.Users.ListUsersAction().Descriptor);
        var first = run.Client.Users.ToGetRequestInformation(rc => { rc.QueryParameters.Top = 2; rc.QueryParameters.Select = ["id"]; });
        var read = 0;

        var failure = await Should.ThrowAsync<RemoteOperationException>(async () =>
        {
            await foreach (var _ in Paging.ItemsAsync(run, first, UserCollectionResponse.CreateFromDiscriminatorValue, p => p.Value, _ => link, null, CancellationToken.None))
            {
                read++;
            }
        });

        read.ShouldBe(2, "the first page, from the Graph endpoint, is read");
        failure.Kind.ShouldBe(ErrorKind.RemoteFailure);
        failure.Message.ShouldContain("Refused to send a request to");
        failure.Message.ShouldContain(fixture.Server.GraphEndpoint.GetLeftPart(UriPartial.Authority));
        failure.Message.Contains("entrada ", StringComparison.Ordinal).ShouldBeFalse("no command in a message of the Graph layer");
        await Task.Delay(200);
        listener.Pending().ShouldBeFalse("no connection reached the other origin");
        fixture.Requests.Count("marker-http").ShouldBe(before, "nothing went to the Graph endpoint over plain http");
    }

    [Fact]
    public async Task ARedirectToAnotherOrigin_IsNotFollowed_SoTheTokenStaysWithGraph()
    {
        var endpoint = new Uri("https://graph.example.test/v1.0/");
        using var final = new RecordingHandler(request => request.RequestUri!.AbsolutePath.EndsWith("/start", StringComparison.Ordinal)
            ? Redirect("https://graph.example.test:8443/v1.0/elsewhere")
            : new HttpResponseMessage(HttpStatusCode.OK));
        using var client = GraphConnection.CreateHttpClient(endpoint, NullLogger.Instance, final);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "start"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "the-token");

        var failure = await Should.ThrowAsync<RemoteOperationException>(() => client.SendAsync(request));

        failure.Message.ShouldContain("https://graph.example.test:8443");
        final.Seen.ShouldHaveSingleItem().ShouldBe("https://graph.example.test/v1.0/start Bearer the-token");
    }

    [Fact]
    public async Task ARedirectWithinTheGraphOrigin_IsFollowed_SoTheRefusalAboveIsTheOriginCheck()
    {
        var endpoint = new Uri("https://graph.example.test/v1.0/");
        using var final = new RecordingHandler(request => request.RequestUri!.AbsolutePath.EndsWith("/start", StringComparison.Ordinal)
            ? Redirect("https://graph.example.test/v1.0/moved")
            : new HttpResponseMessage(HttpStatusCode.OK));
        using var client = GraphConnection.CreateHttpClient(endpoint, NullLogger.Instance, final);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint, "start"));

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        final.Seen.Count.ShouldBe(2);
        final.Seen[1].ShouldStartWith("https://graph.example.test/v1.0/moved");
    }

    [Theory]
    [InlineData("/../beta/users")]
    [InlineData("/v1.0/../beta/users")]
    [InlineData("/%2e%2e/beta/users")]
    [InlineData("/users/%2E%2E/%2e%2e/beta/me")]
    [InlineData("/%252e%252e/beta/users")]
    [InlineData("/users/..%2f..%2fbeta")]
    [InlineData("/users\\..\\beta")]
    [InlineData("https://elsewhere.example.test/v1.0/users")]
    [InlineData("http://127.0.0.1/v1.0/users")]
    public async Task AGraphRequestPath_ThatLeavesV1_IsRefusedAsInvalidInput_BeforeAnythingIsSent(string path)
    {
        var before = fixture.Requests.Count("/beta");

        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("graph.request", Conn, new { method = "GET", path }));

        failure.Errors.ShouldContain(e => e.Field == "path");
        fixture.Requests.Count("/beta").ShouldBe(before);
    }

    [Fact]
    public async Task AGraphRequest_ToAnAbsoluteUrlOnItsOwnEndpoint_IsSent()
    {
        var url = fixture.Server.GraphEndpoint.ToString().TrimEnd('/') + "/users?$top=1";

        var run = await fixture.RunAsync("graph.request", Conn, new { method = "GET", path = url });

        run.Value!["url"]!.GetValue<string>().ShouldBe(url);
        run.Value!["body"]!["value"]!.AsArray().Count.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task AGraphRequest_ToAnAbsoluteUrlOnAnotherPort_IsRefused()
    {
        var other = new UriBuilder(fixture.Server.GraphEndpoint) { Port = fixture.Server.GraphEndpoint.Port + 1 }.Uri.ToString().TrimEnd('/') + "/users";

        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync("graph.request", Conn, new JsonObject { ["method"] = "GET", ["path"] = other }));

        failure.Errors.ShouldHaveSingleItem().Field.ShouldBe("path");
        failure.Message.ShouldContain("not on the connection's Graph endpoint");
    }

    private static HttpResponseMessage Redirect(string location)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TemporaryRedirect);
        response.Headers.Location = new Uri(location);
        return response;
    }

    private sealed class RecordingHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        public List<string> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add($"{request.RequestUri} {request.Headers.Authorization}".TrimEnd());
            }

            var response = answer(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }
}
