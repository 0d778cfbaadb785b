using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Graph.Client;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.Raw;

/// <summary>Input of graph.request.</summary>
internal sealed record GraphRequestInput(
    [property: Description("GET, POST, PATCH, PUT or DELETE.")] string Method,
    [property: Description("The path under the connection's Graph v1.0 endpoint, with its query, e.g. /users?$top=5.")][property: MaxTextLength(8192)] string Path,
    [property: Description("The JSON body, for POST, PATCH and PUT.")] JsonNode? Body = null,
    [property: Description("Extra request headers, e.g. {\"ConsistencyLevel\":\"eventual\"}.")] IReadOnlyDictionary<string, string>? Headers = null) : IValidatableInput
{
    public static readonly string[] Methods = ["GET", "POST", "PATCH", "PUT", "DELETE"];

    public IEnumerable<ValidationError> Validate()
    {
        if (!Methods.Contains(Method?.ToUpperInvariant()))
        {
            yield return new ValidationError("method", $"'method' must be one of {string.Join(", ", Methods)}, not '{Method}'.");
        }

        if (GraphRequestPath.Problem(Path) is { } problem)
        {
            yield return new ValidationError("path", problem);
        }

        if (Headers?.Keys.Any(k => k.Equals("Authorization", StringComparison.OrdinalIgnoreCase)) == true)
        {
            yield return new ValidationError("headers", "'headers' cannot set Authorization: the connection's token is used.");
        }
    }
}

/// <summary>What Graph answered.</summary>
internal sealed record GraphResponseOutput(string Method, string Url, JsonNode? Body, bool DryRun = false);

/// <summary>graph.request: any Graph v1.0 call the catalogue lacks, on the connection's endpoint and token.</summary>
internal sealed class GraphRequestAction : GraphAction<GraphRequestInput, GraphResponseOutput>
{
    public override ActionDescriptor Descriptor { get; } = Graph(
        "graph.request",
        "Sends any Microsoft Graph v1.0 request the catalogue lacks, with the connection's token (permissions are not checked ahead).",
        "any",
        permission: null,
        destructive: true,
        example: new JsonObject { ["method"] = "GET", ["path"] = "/domains" });

    protected override async Task<GraphResponseOutput> RunAsync(GraphRequestInput input, GraphRun run, CancellationToken cancellationToken)
    {
        var endpoint = run.Context.Connection.Cloud.GraphEndpoint;
        var uri = GraphRequestPath.Resolve(endpoint, input.Path);
        var path = uri.PathAndQuery[endpoint.AbsolutePath.TrimEnd('/').Length..];
        var method = Enum.Parse<Method>(input.Method, ignoreCase: true);
        var request = new RequestInformation { HttpMethod = method, URI = uri };
        request.Headers.Add("Accept", "application/json");
        foreach (var (name, value) in input.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        if (input.Body is not null && method is Method.POST or Method.PATCH or Method.PUT)
        {
            request.SetStreamContent(new MemoryStream(Encoding.UTF8.GetBytes(input.Body.ToJsonString())), "application/json");
        }

        run.Subject = $"resource at '{path}'";
        var display = request.URI.ToString();
        if (method != Method.GET && !run.ShouldSend(request))
        {
            return new GraphResponseOutput(input.Method.ToUpperInvariant(), display, null, DryRun: true);
        }

        if (method == Method.GET && run.DryRun)
        {
            run.ShouldSend(request);
            return new GraphResponseOutput("GET", display, null, DryRun: true);
        }

        await using var stream = await run.SendPrimitiveAsync<Stream>(request, cancellationToken).ConfigureAwait(false);
        JsonNode? body = null;
        if (stream is not null)
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(text))
            {
                try
                {
                    body = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    body = JsonValue.Create(text);
                }
            }
        }

        return new GraphResponseOutput(input.Method.ToUpperInvariant(), display, body);
    }
}
