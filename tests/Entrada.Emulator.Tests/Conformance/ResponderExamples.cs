using System.Text.Json;
using System.Text.Json.Nodes;

namespace Entrada.Emulator.Tests.Conformance;

/// <summary>
/// What one area of the responder catalogue supplies to replay its documented examples: the examples it
/// leaves out (with why), request bodies for writes, query values this tenant has, this tenant's id for
/// each id segment of an example's path, and the <c>@odata.type</c>s of typed collections it serves.
/// </summary>
internal sealed class ResponderArea
{
    public required string Name { get; init; }

    /// <summary>Path prefixes of the area; <c>*</c> stands for one segment.</summary>
    public required string[] Prefixes { get; init; }

    public Dictionary<string, string> Excluded { get; init; } = [];

    public Dictionary<string, Func<Task<JsonNode>>> Bodies { get; init; } = [];

    public Dictionary<string, (string From, string To)[]> QueryReplacements { get; init; } = [];

    /// <summary>Given the method, the path's segments and the index of an id segment, this tenant's id for it (null keeps it).</summary>
    public Func<string, string[], int, Task<string?>> ResolveId { get; init; } = (_, _, _) => Task.FromResult<string?>(null);

    public HashSet<string> ServedTypes { get; init; } = [];
}

/// <summary>
/// Replays <c>graph-docs-examples-responder.json</c> (Microsoft's documented examples for the responder
/// resources) by area: each area's test class names its <see cref="ResponderArea"/> and replays its examples
/// through <see cref="ReplayAsync"/>, under the same rule as the directory examples (<see cref="ExampleShapes"/>).
/// </summary>
internal static class ResponderExamples
{
    /// <summary>Every area and its path prefixes: each example belongs to exactly one (checked by a test).</summary>
    public static readonly (string Name, string[] Prefixes)[] Areas =
    [
        ("identity", ["/users/*/authentication", "/me/authentication", "/auditLogs", "/identityProtection/riskDetections", "/invitations"]),
        ("directory", ["/roleManagement", "/identity/conditionalAccess"]),
        ("apps", ["/applications", "/servicePrincipals", "/users/*/manager", "/devices"]),
    ];

    private static readonly Lazy<List<(string Key, JsonObject Mock)>> All = new(() =>
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Conformance", "graph-docs-examples-responder.json")))!;
        return [.. root["mocks"]!.AsArray().Select(m => ($"{m!["request"]!["method"]} {m["request"]!["exampleUrl"]}", m.AsObject())).DistinctBy(e => e.Item1)];
    });

    public static IReadOnlyList<string> Keys => [.. All.Value.Select(e => e.Key)];

    /// <summary>The example's path (after <c>/v1.0</c>, without its query).</summary>
    public static string PathOf(string key)
    {
        var url = key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        var path = url["https://graph.microsoft.com/v1.0".Length..];
        var q = path.IndexOf('?', StringComparison.Ordinal);
        return q >= 0 ? path[..q] : path;
    }

    public static bool Matches(string path, string prefix)
    {
        var p = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var x = prefix.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return p.Length >= x.Length && x.Select((s, i) => s == "*" || string.Equals(s, p[i], StringComparison.Ordinal)).All(b => b);
    }

    /// <summary>The areas an example belongs to (by the longest matching prefix, so users/*/manager is not users/*/authentication).</summary>
    public static IEnumerable<string> AreasOf(string key)
    {
        var path = PathOf(key);
        return Areas.Where(a => a.Prefixes.Any(p => Matches(path, p))).Select(a => a.Name);
    }

    /// <summary>MemberData rows for one area's theory.</summary>
    public static IEnumerable<object[]> ExamplesOf(string area) => Keys.Where(k => AreasOf(k).Contains(area)).Select(k => new object[] { k });

    /// <summary>Checks an area's own lists: exclusions name its examples and say why.</summary>
    public static void CheckArea(ResponderArea area)
    {
        var keys = ExamplesOf(area.Name).Select(r => (string)r[0]).ToHashSet();
        area.Excluded.Keys.Where(k => !keys.Contains(k)).ShouldBeEmpty("every exclusion must name an example of the area");
        area.Excluded.Values.ShouldAllBe(reason => reason.Length > 10);
        area.Bodies.Keys.Where(k => !keys.Contains(k)).ShouldBeEmpty("every body must belong to an example of the area");
    }

    /// <summary>Sends one documented request and compares status, property names and JSON types.</summary>
    public static async Task ReplayAsync(ConformanceFixture fixture, ResponderArea area, string key)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(area);
        if (area.Excluded.ContainsKey(key))
        {
            // Listed with its reason; CheckArea checks the list.
            return;
        }

        await fixture.PrepareAsync();
        var mock = All.Value.Single(e => e.Key == key).Mock;
        var method = mock["request"]!["method"]!.GetValue<string>();
        var url = mock["request"]!["exampleUrl"]!.GetValue<string>();
        var response = mock["response"]!;
        var expectedStatus = response["statusCode"]!.GetValue<int>();

        var relative = await TargetAsync(fixture, area, method, url, key);
        var isMe = relative.StartsWith("/me", StringComparison.Ordinal);
        var body = area.Bodies.TryGetValue(key, out var make) ? await make() : null;
        var result = await fixture.GraphAsync(new HttpMethod(method), relative, body?.ToJsonString(), isMe ? fixture.UserToken : fixture.AppToken, new() { ["ConsistencyLevel"] = "eventual" });

        result.Status.ShouldBe(expectedStatus, $"{method} {relative}: {result.Text}");
        var documented = response["body"];
        if (documented is JsonValue v && v.TryGetValue<string>(out var text))
        {
            documented = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }

        if (documented is null)
        {
            return;
        }

        var problems = new List<string>();
        ExampleShapes.Compare(documented, result.Json, "$", problems, area.ServedTypes);
        problems.ShouldBeEmpty($"{method} {relative} answered {result.Text[..Math.Min(result.Text.Length, 600)]}");
    }

    private static async Task<string> TargetAsync(ConformanceFixture fixture, ResponderArea area, string method, string url, string key)
    {
        var path = url["https://graph.microsoft.com/v1.0".Length..];
        var query = string.Empty;
        var q = path.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = path[q..].Replace("contoso.com", fixture.Server.TenantDomain, StringComparison.Ordinal);
            path = path[..q];
            foreach (var (from, to) in area.QueryReplacements.GetValueOrDefault(key) ?? [])
            {
                query = query.Replace(from, to, StringComparison.Ordinal);
            }
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 1; i < segments.Length; i++)
        {
            if (await area.ResolveId(method, segments, i) is { } id)
            {
                segments[i] = id;
            }
        }

        return "/" + string.Join('/', segments) + query;
    }
}
