using System.Text;
using System.Text.Json;
using Entrada.Graph.Bulk;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.Tests.Bulk;

public sealed class BatchCodecTests
{
    private static readonly Uri Endpoint = new("https://graph.microsoft.com/v1.0");

    private static RequestInformation Request(Method method, string url, string? body = null, string contentType = "application/json")
    {
        var request = new RequestInformation { HttpMethod = method, URI = new Uri(url) };
        if (body is not null)
        {
            request.SetStreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)), contentType);
        }

        return request;
    }

    [Fact]
    public void Write_GivesEachStepItsIdMethodRelativeUrlHeadersAndBody_AsJsonBatchingDefinesThem()
    {
        var steps = new[]
        {
            new BatchStep("0", Request(Method.PATCH, "https://graph.microsoft.com/v1.0/users/u1", """{"accountEnabled":false}""")),
            new BatchStep("1", Request(Method.GET, "https://graph.microsoft.com/v1.0/users?$select=id&$top=5")),
            new BatchStep("2", Request(Method.PUT, "https://graph.microsoft.com/v1.0/users/u1/photo/$value", "not json", "image/jpeg")),
        };

        using var written = JsonDocument.Parse(BatchCodec.Write(steps, Endpoint));
        var requests = written.RootElement.GetProperty("requests").EnumerateArray().ToList();
        requests.Select(r => r.GetProperty("id").GetString()).ShouldBe(["0", "1", "2"]);
        requests.Select(r => r.GetProperty("method").GetString()).ShouldBe(["PATCH", "GET", "PUT"]);
        requests.Select(r => r.GetProperty("url").GetString()).ShouldBe(["/users/u1", "/users?$select=id&$top=5", "/users/u1/photo/$value"]);
        requests[0].GetProperty("headers").GetProperty("Content-Type").GetString().ShouldBe("application/json");
        requests[0].GetProperty("body").GetProperty("accountEnabled").GetBoolean().ShouldBeFalse("a JSON body is carried as JSON");
        requests[1].TryGetProperty("body", out _).ShouldBeFalse("a GET has no body");
        Encoding.UTF8.GetString(requests[2].GetProperty("body").GetBytesFromBase64()).ShouldBe("not json", "any other body is carried base64-encoded");
    }

    [Fact]
    public void Write_ASecondTime_SendsTheSameBody_BecauseAStepSentAgainIsRewound()
    {
        var steps = new[] { new BatchStep("0", Request(Method.PATCH, "https://graph.microsoft.com/v1.0/users/u1", """{"accountEnabled":true}""")) };
        var first = BatchCodec.Write(steps, Endpoint);
        BatchCodec.Write(steps, Endpoint).ShouldBe(first);
    }

    [Fact]
    public void Read_TakesGraphsDocumentedBatchAnswer_StatusHeadersAndABodyThatIsJsonBase64OrAbsent()
    {
        // The shape of Graph's documentation (JSON batching): answers in any order, a body only where there is one.
        const string answer = """
            {
              "responses": [
                { "id": "1", "status": 302, "headers": { "location": "https://b0mpua-by3301.files.1drv.com/y23vmagahszhxzlcvhasdhasghasodfi" } },
                { "id": "3", "status": 401, "body": { "error": { "code": "Forbidden", "message": "There was an issue with your request." } } },
                { "id": "2", "status": 200, "headers": { "Content-Type": "application/json" }, "body": { "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.plannerTask)", "value": [] } },
                { "id": "4", "status": 204, "body": null },
                { "id": "5", "status": 200, "headers": { "Content-Type": "image/jpeg" }, "body": "/9j/4AAQ" },
                { "id": "6", "status": 429, "headers": { "retry-after": "7", "request-id": "rid-6" }, "body": { "error": { "code": "TooManyRequests", "message": "Too many requests." } } }
              ]
            }
            """;
        using var document = JsonDocument.Parse(answer);

        var steps = BatchCodec.Read(document.RootElement);

        steps.Keys.Order(StringComparer.Ordinal).ShouldBe(["1", "2", "3", "4", "5", "6"]);
        steps["1"].Status.ShouldBe(302);
        steps["1"].Headers["Location"].ShouldStartWith("https://b0mpua");
        steps["1"].Body.ShouldBeNull();
        steps["2"].Succeeded.ShouldBeTrue();
        steps["2"].Body!["value"]!.AsArray().ShouldBeEmpty();
        steps["2"].Content.ShouldBeNull("a JSON body is the JSON itself");
        steps["3"].Succeeded.ShouldBeFalse();
        (steps["3"].ErrorCode, steps["3"].ErrorMessage).ShouldBe(("Forbidden", "There was an issue with your request."));
        steps["4"].Body.ShouldBeNull();
        steps["4"].Content.ShouldBeNull();
        steps["5"].Content!.Value.ToArray().ShouldBe(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10 });
        steps["6"].Headers["Retry-After"].ShouldBe("7", "header names are matched case-insensitively");
        steps["6"].Headers["request-id"].ShouldBe("rid-6");
    }

    [Fact]
    public void Read_AnAnswerWithoutResponses_HasNoSteps()
    {
        using var document = JsonDocument.Parse("""{ "error": { "code": "BadRequest" } }""");
        BatchCodec.Read(document.RootElement).ShouldBeEmpty();
    }

    [Fact]
    public async Task WhatWriteSends_ReadsBack_WhenEchoedAsAnswers()
    {
        // Round trip through the wire format: each written step echoed back as an answer with its
        // id and body, as a server would, reads back to the same id and body.
        var steps = Enumerable.Range(0, 20).Select(i => new BatchStep(BatchCodec.StepId(i), Request(Method.POST, $"https://graph.microsoft.com/v1.0/users/u{i}/assignLicense", $$"""{"n":{{i}}}"""))).ToList();
        using var written = JsonDocument.Parse(BatchCodec.Write(steps, Endpoint));
        using var echo = new MemoryStream();
        using (var writer = new Utf8JsonWriter(echo))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("responses");
            foreach (var request in written.RootElement.GetProperty("requests").EnumerateArray().Reverse())
            {
                writer.WriteStartObject();
                writer.WriteString("id", request.GetProperty("id").GetString());
                writer.WriteNumber("status", 200);
                writer.WritePropertyName("body");
                request.GetProperty("body").WriteTo(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        echo.Position = 0;
        var answers = await BatchCodec.ReadAsync(echo, CancellationToken.None);
        answers.Count.ShouldBe(20);
        for (var i = 0; i < 20; i++)
        {
            answers[BatchCodec.StepId(i)].Body!["n"]!.GetValue<int>().ShouldBe(i);
        }
    }
}
