using System.Text.Json;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>Identity Protection's risky users: list, get, history, confirmCompromised and dismiss.</summary>
internal sealed partial class GraphApi
{
    private static readonly CollectionRules RiskRules = new() { DirectoryObjects = false, AllowSearch = false, MaxPageSize = 500, DefaultPageSize = 20 };

    private GraphRoute RiskyUserRoutes(GraphRequest request, string[] s)
    {
        var method = request.Method;
        if (s.Length == 2)
        {
            return method == "GET"
                ? new GraphRoute(GraphOperation.RiskyUsersRead, () => QueryEngine.Collection(request, Base, State.RiskyUserList.Select(r => r.Entity).ToList(), "identityProtection/riskyUsers", RiskRules, [Schemas.RiskyUser]), IsIdentityProtection: true)
                : throw MethodNotAllowed();
        }

        if (s.Length == 3 && s[2] is "confirmCompromised" or "dismiss")
        {
            return method == "POST"
                ? new GraphRoute(GraphOperation.RiskyUsersWrite, () => ChangeRisk(request, s[2] == "dismiss"), IsWrite: true, IsIdentityProtection: true)
                : throw MethodNotAllowed();
        }

        var id = s[2];
        RiskyUserRecord Find() => State.RiskyUsers.TryGetValue(id, out var r) ? r : throw GraphException.NotFound(id);
        if (s.Length == 3)
        {
            return method == "GET"
                ? new GraphRoute(GraphOperation.RiskyUsersRead, () => QueryEngine.Entity(request, Base, Find().Entity, "identityProtection/riskyUsers"), IsIdentityProtection: true)
                : throw MethodNotAllowed();
        }

        if (s[3] == "history" && method == "GET")
        {
            if (s.Length == 5)
            {
                return new GraphRoute(GraphOperation.RiskyUsersRead, () =>
                {
                    var item = Find().History.FirstOrDefault(h => h.Id.Equals(s[4], StringComparison.OrdinalIgnoreCase)) ?? throw GraphException.NotFound(s[4]);
                    return QueryEngine.Entity(request, Base, item, $"identityProtection/riskyUsers('{id}')/history");
                }, IsIdentityProtection: true);
            }

            return new GraphRoute(GraphOperation.RiskyUsersRead, () => QueryEngine.Collection(request, Base, Find().History, $"identityProtection/riskyUsers('{id}')/history", RiskRules with { Polymorphic = true }, [Schemas.RiskyUserHistoryItem]), IsIdentityProtection: true);
        }

        throw GraphException.NoRoute(s[3]);
    }

    private GraphResponse ChangeRisk(GraphRequest request, bool dismiss)
    {
        var body = RequireBody(request);
        if (!body.TryGetPropertyIgnoringCase("userIds", out var ids) || ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() == 0)
        {
            throw GraphException.BadRequest("The parameter 'userIds' is required.");
        }

        if (ids.GetArrayLength() > 60)
        {
            throw GraphException.BadRequest("At most 60 userIds can be passed in one request.");
        }

        var users = ids.EnumerateArray().Select(i => FindUser(i.GetString() ?? string.Empty)).ToList();
        var initiatedBy = request.Token!.AppId;
        foreach (var user in users)
        {
            if (dismiss)
            {
                State.SetRiskLocked(user, "none", "dismissed", "adminDismissedAllRiskForUser", initiatedBy);
            }
            else
            {
                State.SetRiskLocked(user, "high", "confirmedCompromised", "adminConfirmedUserCompromised", initiatedBy);
            }
        }

        return GraphResponse.NoContent();
    }
}
