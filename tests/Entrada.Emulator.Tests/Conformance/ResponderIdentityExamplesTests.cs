using System.Globalization;
using System.Text.Json.Nodes;

namespace Entrada.Emulator.Tests.Conformance;

/// <summary>
/// Microsoft's documented examples of the identity area — authentication methods (a user's and
/// <c>/me</c>'s), Temporary Access Passes, the sign-in and directory audit logs, risk detections and
/// invitations — replayed against the emulator: documented status, property names and JSON types.
/// </summary>
public sealed class ResponderIdentityExamplesTests(ConformanceFixture fixture) : IClassFixture<ConformanceFixture>
{
    private const string V = "https://graph.microsoft.com/v1.0";

    private const string WrapsOneInValue = "the documented answer wraps the one entity in a 'value' member, which Graph does not do for a single entity (an abridged example)";

    private static readonly string Since = DateTimeOffset.UtcNow.AddDays(-31).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static readonly string Until = DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // Seeded users by their place in the tenant (see EmulatorState.Identity): 0 has every kind of
    // method (and is /me), 1 and 11 an e-mail method only, 2 none but a phone, 3 an Authenticator
    // and Windows Hello and no phone, 4 a phone and a software OATH token, 5 and 18 an (expired) pass,
    // 6 a phone (the default) and an Authenticator, 7 Windows Hello.
    private string User(int index) => fixture.Server.State.GetUserIds()[index];

    private ResponderArea Area => new()
    {
        Name = "identity",
        Prefixes = ResponderExamples.Areas.Single(a => a.Name == "identity").Prefixes,
        Excluded = new()
        {
            [$"GET {V}/users/annie@contoso.com/authentication/windowsHelloForBusinessMethods/_jpuR-TGZtk6aQCLF3BQjA2"] = WrapsOneInValue,
            [$"GET {V}/users/anirban@contoso.com/authentication/microsoftAuthenticatorMethods/_jpuR-TGZtk6aQCLF3BQjA2"] = WrapsOneInValue,
            [$"GET {V}/me/authentication/softwareOathMethods/b172893e-893e-b172-3e89-72b13e8972b1"] = WrapsOneInValue,
            [$"GET {V}/me/authentication/emailMethods/3ddfcfc8-9383-446f-83cc-3ab9be4be18f"] = WrapsOneInValue,
            [$"GET {V}/identityProtection/riskDetections/c2b6c2b9-dddc-acd0-2b39-d519d803dbc3"] = "the documented answer to a GET of one detection is a collection ('value' array), which Graph does not answer for a single entity",
            [$"GET {V}/auditLogs/directoryAudits/{{id}}"] = "the documented answer to a GET of one audit event is a collection ('value' array), which Graph does not answer for a single entity",
            [$"GET {V}/auditLogs/signIns/66ea54eb-6301-4ee5-be62-ff5a759b0100"] = "the documented answer to a GET of one sign-in is a collection ('value' array), which Graph does not answer for a single entity",
            [$"GET {V}/me/authentication/passwordMethods/28c10230-6103-485e-b985-444c60001490"] = "the documented answer names 'creationDateTime', the beta property; v1.0 metadata (and the list example) name it 'createdDateTime', as the emulator answers",
            [$"GET {V}/me/authentication/methods"] = "the documented fido2 item names 'creationDateTime', the beta property; v1.0 metadata names it 'createdDateTime' (the emulator's answer is checked by AuthenticationMethodsTests with the SDK)",
            [$"GET {V}/auditLogs/directoryAudits"] = "the documented targetResources items name 'Type' where v1.0 metadata names 'type' (the filtered list example, replayed, has the v1.0 names)",
        },
        Bodies = new()
        {
            [$"POST {V}/users/071cc716-8147-4397-a5ba-b2105951cc0b/authentication/temporaryAccessPassMethods"] = () => Task.FromResult<JsonNode>(new JsonObject { ["startDateTime"] = DateTimeOffset.UtcNow.AddDays(2).ToString("o", CultureInfo.InvariantCulture), ["lifetimeInMinutes"] = 60, ["isUsableOnce"] = false }),
            [$"PATCH {V}/users/kim@contoso.com/authentication/emailMethods/3ddfcfc8-9383-446f-83cc-3ab9be4be18f"] = () => Task.FromResult<JsonNode>(new JsonObject { ["emailAddress"] = "kim@fabrikam.example" }),
            [$"PATCH {V}/users/kim@contoso.com/authentication/phoneMethods/3179e48a-750b-4051-897c-87b9720928f7"] = () => Task.FromResult<JsonNode>(new JsonObject { ["phoneNumber"] = "+1 2065555554", ["phoneType"] = "mobile" }),
            [$"POST {V}/users/kim@contoso.com/authentication/emailMethods"] = () => Task.FromResult<JsonNode>(new JsonObject { ["emailAddress"] = "kim@contoso.example" }),
            [$"POST {V}/users/kim@contoso.com/authentication/phoneMethods"] = () => Task.FromResult<JsonNode>(new JsonObject { ["phoneNumber"] = "+1 2065555555", ["phoneType"] = "mobile" }),
            [$"POST {V}/invitations"] = () => Task.FromResult<JsonNode>(new JsonObject
            {
                ["invitedUserEmailAddress"] = "admin@fabrikam.example",
                ["inviteRedirectUrl"] = "https://myapp.contoso.com",
                ["invitedUserMessageInfo"] = new JsonObject { ["ccRecipients"] = new JsonArray(new JsonObject { ["emailAddress"] = new JsonObject { ["name"] = "Ops", ["address"] = "ops@fabrikam.example" } }) },
            }),
        },
        QueryReplacements = new()
        {
            [$"GET {V}/auditLogs/signIns?$filter=createdDateTime ge 2024-07-01T00:00:00Z and createdDateTime le 2024-07-14T23:59:59Z"] = [("2024-07-01T00:00:00Z", Since), ("2024-07-14T23:59:59Z", Until)],
            [$"GET {V}/auditLogs/directoryAudits?$filter=initiatedBy/user/id eq '00000000-0000-0000-0000-000000000000'"] = [("00000000-0000-0000-0000-000000000000", User(0))],
        },
        ResolveId = ResolveAsync,
        ServedTypes =
        [
            "#microsoft.graph.riskDetection", "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod", "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
            "#microsoft.graph.softwareOathAuthenticationMethod", "#microsoft.graph.fido2AuthenticationMethod", "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
        ],
    };

    public static IEnumerable<object[]> Examples() => ResponderExamples.ExamplesOf("identity");

    [Fact]
    public void Area_ExclusionsAndBodiesNameItsExamples() => ResponderExamples.CheckArea(Area);

    [Theory]
    [MemberData(nameof(Examples))]
    public Task Example_IsAnsweredWithTheDocumentedStatusAndShape(string key) => ResponderExamples.ReplayAsync(fixture, Area, key);

    /// <summary>This tenant's user for each documented user, and that user's method for each documented method id.</summary>
    private async Task<string?> ResolveAsync(string method, string[] segments, int i)
    {
        var isMe = segments[0] == "me";
        if (!isMe && segments[0] != "users")
        {
            return null;
        }

        var type = segments.Length > 3 ? segments[3] : null;
        if (!isMe && i == 1)
        {
            return User((method, type) switch
            {
                ("DELETE", "windowsHelloForBusinessMethods") => 3,
                (_, "windowsHelloForBusinessMethods") => 7,
                ("DELETE", "microsoftAuthenticatorMethods") => 6,
                (_, "microsoftAuthenticatorMethods") => 3,
                ("DELETE", "temporaryAccessPassMethods") => 18,
                (_, "temporaryAccessPassMethods") => 5,
                ("DELETE", "softwareOathMethods") => 4,
                ("DELETE", "emailMethods") => 1,
                ("PATCH", "emailMethods") => 11,
                ("POST", "emailMethods") => 2,
                ("PATCH", "phoneMethods") => 4,
                ("POST", "phoneMethods") => 3,
                _ => 0,
            });
        }

        var methodIndex = isMe ? 3 : 4;
        if (i != methodIndex || segments.Length <= methodIndex)
        {
            return null;
        }

        // A method id: the one of that type the user has (for /me's phones, the attacker's alternate
        // number is the one deleted, the mobile the one read).
        var user = isMe ? fixture.MeId : segments[1];
        var collection = segments[methodIndex - 1];
        var list = await fixture.GraphAsync(HttpMethod.Get, $"/users/{user}/authentication/{collection}", token: fixture.AppToken);
        var items = list.Json!["value"]!.AsArray().Select(m => m!.AsObject()).ToList();
        if (collection == "phoneMethods")
        {
            var wanted = isMe && method == "DELETE" ? "alternateMobile" : "mobile";
            return items.First(m => m["phoneType"]!.GetValue<string>() == wanted)["id"]!.GetValue<string>();
        }

        if (collection == "methods")
        {
            return items.First(m => m["@odata.type"]!.GetValue<string>() == "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod")["id"]!.GetValue<string>();
        }

        return items.Count > 0 ? items[0]["id"]!.GetValue<string>() : null;
    }
}
