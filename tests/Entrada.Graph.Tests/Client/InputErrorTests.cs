using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Graph.Client;
using Entrada.Graph.Tests.Support;

namespace Entrada.Graph.Tests.Client;

/// <summary>Input errors are refused before anything is sent, naming the field; a failure to build a request here is invalid input.</summary>
public sealed class InputErrorTests(GraphFixture fixture) : IClassFixture<GraphFixture>, IAsyncLifetime
{
    private const string Conn = "input-errors";

    public async Task InitializeAsync() => await fixture.SavedAsync(fixture.SecretConnection(Conn));

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string> WrongInputs => new()
    {
        { "users.list", """{"select":[null]}""", "select[0]" },
        { "users.disable", """{"userIds":["a@b", null]}""", "userIds[1]" },
        { "users.get", $$"""{"id":"{{new string('a', 9000)}}@example.com"}""", "id" },
        { "users.get", """{"id":"a@b\r\nX-Injected: 1"}""", "id" },
        { "graph.request", """{"method":"GET","path":"/users","headers":{"ConsistencyLevel":"eventual\r\nX-Injected: 1"}}""", "headers.ConsistencyLevel" },
        { "graph.request", """{"method":"GET","path":"/users","headers":{"ConsistencyLevel":null}}""", "headers.ConsistencyLevel" },
        { "groups.members.add", """{"groupId":"00000000-0000-0000-0000-000000000001","memberIds":[null]}""", "memberIds[0]" },
    };

    [Theory]
    [MemberData(nameof(WrongInputs))]
    public async Task AWrongInput_IsInvalidInputNamingTheField_AndNothingIsSentToGraph(string action, string input, string field)
    {
        var before = fixture.Requests.Count("/v1.0/");

        var failure = await Should.ThrowAsync<EntradaValidationException>(() => fixture.RunAsync(action, Conn, JsonNode.Parse(input)));

        failure.Kind.ShouldBe(ErrorKind.InvalidInput);
        failure.Errors.ShouldContain(e => e.Field == field, failure.Message);
        failure.Message.ShouldContain($"'{field}'");
        failure.Message.Length.ShouldBeLessThan(1000, "a huge value is not echoed back");
        fixture.Requests.Count("/v1.0/").ShouldBe(before);
    }

    [Theory]
    [InlineData(typeof(UriFormatException))]
    [InlineData(typeof(ArgumentException))]
    [InlineData(typeof(FormatException))]
    public void AFailureToBuildTheRequestHere_IsInvalidInput_NotAnUnreachableGraph(Type thrown)
    {
        var ex = (Exception)Activator.CreateInstance(thrown, "Invalid URI: The hostname could not be parsed.")!;

        var translated = GraphErrors.Translate(ex, new Entrada.Graph.Users.GetUserAction().Descriptor, fixture.SecretConnection(Conn), "user 'x'");

        translated.Kind.ShouldBe(ErrorKind.InvalidInput);
        translated.Message.ShouldNotContain("Could not reach");
        translated.Message.ShouldContain("Nothing was sent to Graph");
    }

    [Fact]
    public void ANetworkFailure_IsStillReportedAsUnreachable()
    {
        var ex = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new System.Net.Sockets.SocketException(111));

        GraphErrors.Translate(ex, null, fixture.SecretConnection(Conn), null).Message.ShouldContain("Could not reach Microsoft Graph");
    }
}
