using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>Security alerts (v2): list, get, update and comment.</summary>
internal sealed partial class GraphApi
{
    private static readonly CollectionRules AlertRules = new() { DirectoryObjects = false, AllowSkip = true, AllowSearch = false, Polymorphic = true, MaxPageSize = 2000, DefaultPageSize = 2000 };

    private static readonly Dictionary<string, string[]> AlertEnums = new()
    {
        ["status"] = ["new", "inProgress", "resolved", "unknownFutureValue"],
        ["classification"] = ["unknown", "falsePositive", "truePositive", "informationalExpectedActivity", "unknownFutureValue"],
        ["determination"] = ["unknown", "apt", "malware", "securityPersonnel", "securityTesting", "unwantedSoftware", "other", "multiStagedAttack", "compromisedAccount", "phishing", "maliciousUserActivity", "notMalicious", "notEnoughDataToValidate", "confirmedUserActivity", "lineOfBusinessApplication", "unknownFutureValue"],
    };

    private GraphRoute AlertRoutes(GraphRequest request, string[] s)
    {
        var method = request.Method;
        if (s.Length == 2)
        {
            return method == "GET"
                ? new GraphRoute(GraphOperation.AlertsRead, () => QueryEngine.Collection(request, Base, State.Alerts, "security/alerts_v2", AlertRules, [Schemas.Alert]))
                : throw MethodNotAllowed();
        }

        var id = s[2];
        Entity Find() => State.Alerts.FirstOrDefault(a => a.Id.Equals(id, StringComparison.OrdinalIgnoreCase)) ?? throw GraphException.NotFound(id);
        if (s.Length == 3)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.AlertsRead, () => QueryEngine.Entity(request, Base, Find(), "security/alerts_v2", includeType: true)),
                "PATCH" => new GraphRoute(GraphOperation.AlertsWrite, () => UpdateAlert(request, Find()), IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 4 && s[3] == "comments")
        {
            return method == "POST" ? new GraphRoute(GraphOperation.AlertsWrite, () => AddComment(request, Find()), IsWrite: true) : throw MethodNotAllowed();
        }

        throw GraphException.NoRoute(s[3]);
    }

    private GraphResponse UpdateAlert(GraphRequest request, Entity alert)
    {
        var body = RequireBody(request);
        foreach (var (property, allowed) in AlertEnums)
        {
            if (body.TryGetPropertyIgnoringCase(property, out var value) && value.ValueKind == JsonValueKind.String && !allowed.Contains(value.GetString()))
            {
                throw new GraphException(400, "BadRequest", $"The value '{value.GetString()}' is not valid for property '{property}'.");
            }
        }

        ApplyProperties(alert, body);
        var now = Now;
        alert.Set("lastUpdateDateTime", now);
        if (alert.GetString("status") == "resolved" && alert.Get("resolvedDateTime") is null)
        {
            alert.Set("resolvedDateTime", now);
        }

        return QueryEngine.Entity(new GraphRequest { Method = "GET", Segments = request.Segments, Query = [], Headers = request.Headers }, Base, alert, "security/alerts_v2", includeType: true);
    }

    private GraphResponse AddComment(GraphRequest request, Entity alert)
    {
        // The documentation posts one alertComment; Microsoft.Graph's SDK posts an array of them.
        var body = request.Body is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() == 1 ? array[0] : RequireBody(request);
        if (!body.TryGetPropertyIgnoringCase("comment", out var comment) || comment.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(comment.GetString()))
        {
            throw new GraphException(400, "BadRequest", "The property 'comment' is required.");
        }

        var author = request.Token!.IsApp
            ? State.Apps.GetValueOrDefault(request.Token.AppId)?.Name ?? request.Token.AppId
            : State.FindUserLocked(request.Token.ObjectId)?.UserPrincipalName ?? request.Token.ObjectId;
        var comments = alert.Get("comments") as JsonArray ?? [];
        comments.Add(new JsonObject
        {
            ["comment"] = comment.GetString(),
            ["createdByDisplayName"] = author,
            ["createdDateTime"] = PropertyValues.FormatDate(Now),
        });
        alert.Set("comments", comments);
        alert.Set("lastUpdateDateTime", Now);
        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", $"{Base}/$metadata#security/alerts_v2('{alert.Id}')/comments");
            w.WritePropertyName("value");
            comments.WriteTo(w);
            w.WriteEndObject();
        });
    }
}
