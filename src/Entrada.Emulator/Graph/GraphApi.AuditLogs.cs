using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>
/// The sign-in and directory audit logs (<c>/auditLogs/signIns</c>, <c>/auditLogs/directoryAudits</c>)
/// and Identity Protection's risk detections: newest first, <c>$filter</c> on the documented
/// properties (nested ones such as <c>status/errorCode</c> and <c>initiatedBy/user/id</c> included),
/// <c>$top</c>, <c>$orderby</c> on the time, <c>$select</c>, paging. Their throttling class is the
/// path's (see <see cref="Throttling.ThrottleGate.ClassOf"/>), not a flag of these routes.
/// </summary>
internal sealed partial class GraphApi
{
    private static readonly CollectionRules LogRules = new() { DirectoryObjects = false, AllowSearch = false, MaxPageSize = 1000, DefaultPageSize = 1000 };

    private static readonly CollectionRules RiskDetectionRules = new() { DirectoryObjects = false, AllowSearch = false, MaxPageSize = 500, DefaultPageSize = 500 };

    private GraphRoute AuditLogRoutes(GraphRequest request, string[] s)
    {
        if (s.Length < 2 || s.Length > 3)
        {
            throw GraphException.NoRoute(s[^1]);
        }

        if (request.Method != "GET")
        {
            throw MethodNotAllowed();
        }

        var (operation, items, schema) = s[1] switch
        {
            "signIns" => (GraphOperation.SignInsRead, (Func<List<Entity>>)(() => State.SignIns), IdentitySchemas.SignIn),
            "directoryAudits" => (GraphOperation.DirectoryAuditsRead, () => State.DirectoryAudits, IdentitySchemas.DirectoryAudit),
            _ => throw GraphException.NoRoute(s[1]),
        };
        var contextSet = "auditLogs/" + s[1];
        if (s.Length == 2)
        {
            return new GraphRoute(operation, () =>
            {
                State.EnsureIdentityLocked();
                var page = QueryEngine.Collection(request, Base, items(), contextSet, LogRules, [schema]);
                return request.Query.ContainsKey("$select") ? page : WithTip(page, s[1]);
            });
        }

        return new GraphRoute(operation, () =>
        {
            State.EnsureIdentityLocked();
            var one = items().FirstOrDefault(e => e.Id.Equals(s[2], StringComparison.OrdinalIgnoreCase)) ?? throw GraphException.NotFound(s[2]);
            return QueryEngine.Entity(request, Base, one, contextSet);
        });
    }

    private GraphRoute RiskDetectionRoutes(GraphRequest request, string[] s)
    {
        if (s.Length > 3)
        {
            throw GraphException.NoRoute(s[^1]);
        }

        if (request.Method != "GET")
        {
            throw MethodNotAllowed();
        }

        if (s.Length == 2)
        {
            return new GraphRoute(GraphOperation.RiskDetectionsRead, () =>
            {
                State.EnsureIdentityLocked();
                return QueryEngine.Collection(request, Base, State.RiskDetections, "identityProtection/riskDetections", RiskDetectionRules with { Polymorphic = true }, [IdentitySchemas.RiskDetection]);
            });
        }

        return new GraphRoute(GraphOperation.RiskDetectionsRead, () =>
        {
            State.EnsureIdentityLocked();
            var one = State.RiskDetections.FirstOrDefault(e => e.Id.Equals(s[2], StringComparison.OrdinalIgnoreCase)) ?? throw GraphException.NotFound(s[2]);
            return QueryEngine.Entity(request, Base, one, "identityProtection/riskDetections", includeType: true);
        });
    }

    /// <summary>Graph's hint on an audit log read without <c>$select</c>, as it answers it.</summary>
    private static GraphResponse WithTip(GraphResponse page, string log)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(page.Body)!.AsObject();
        var tip = log == "signIns"
            ? "Use $select to choose only the properties your app needs, as this can lead to performance improvements. For example: GET auditLogs/signIns?$select=createdDateTime,userPrincipalName"
            : "Use $select to choose only the properties your app needs, as this can lead to performance improvements. For example: GET auditLogs/directoryAudits?$select=activityDateTime,activityDisplayName";
        var ordered = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in node.ToList())
        {
            node.Remove(name);
            ordered[name] = value;
            if (name == "@odata.context")
            {
                ordered["@microsoft.graph.tips"] = tip;
            }
        }

        var tipped = GraphResponse.Json(page.Status, w => ordered.WriteTo(w));
        foreach (var (name, value) in page.Headers)
        {
            tipped.Headers[name] = value;
        }

        return tipped;
    }
}
