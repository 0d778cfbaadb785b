using System.Text.Json.Nodes;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;
using Entrada.Emulator.Tests.Support;

namespace Entrada.Emulator.Tests.Graph;

/// <summary>Request bodies as Graph reads them: property names match whatever their case, for every writable property.</summary>
public sealed class BodyCaseTests(EmulatorFixture fixture) : IClassFixture<EmulatorFixture>
{
    /// <summary>"mailNickname" as "mAiLnIcKnAmE": a spelling no client means, so only a case-insensitive reader finds it.</summary>
    private static string OddCase(string name) => new([.. name.Select((c, i) => i % 2 == 0 ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c))]);

    private static IEnumerable<PropertyDef> Writable(EntitySchema schema) => schema.Properties.Where(p => p.Slot != 0 && !p.IsReadOnly);

    private string Unique => Guid.NewGuid().ToString("N")[..8];

    /// <summary>A value of the property's type that the emulator accepts; <paramref name="round"/> makes a second, different one.</summary>
    private JsonNode Value(PropertyDef p, string unique, int round) => (p.Name, p.Kind) switch
    {
        ("userPrincipalName", _) => $"case{round}.{unique}@{fixture.Server.TenantDomain}",
        ("mailNickname", _) => $"case{round}{unique}",
        ("uniqueName", _) => $"unique{round}{unique}",
        ("passwordProfile", _) => new JsonObject { ["pAsSwOrD"] = $"Case-Pa55-{round}!", ["forceChangePasswordNextSignIn"] = false },
        ("identities", _) => new JsonArray(new JsonObject { ["signInType"] = "userName", ["issuer"] = fixture.Server.TenantDomain, ["issuerAssignedId"] = $"case{round}{unique}" }),
        ("groupTypes", _) => new JsonArray("Unified"),
        ("mailEnabled", _) => true,
        ("securityEnabled", _) => false,
        ("accountEnabled", _) => round == 1,
        (_, PropertyKind.String) => $"{p.Name}-{round}",
        (_, PropertyKind.Boolean) => round == 1,
        (_, PropertyKind.Int32) => 40 + round,
        (_, PropertyKind.DateTime) => $"2024-0{round}-15T08:30:00Z",
        (_, PropertyKind.StringCollection) => new JsonArray($"{p.Name}-{round}"),
        _ => throw new InvalidOperationException($"No test value for {p.Name}."),
    };

    private JsonObject OddCaseBody(EntitySchema schema, string unique, int round, bool create)
    {
        var body = new JsonObject();
        foreach (var p in Writable(schema))
        {
            // A group's type is fixed once created (a Microsoft 365 group stays one); the rest changes on the update.
            if (!create && p.Name is "groupTypes" or "mailEnabled" or "securityEnabled" or "uniqueName")
            {
                continue;
            }

            body[OddCase(p.Name)] = Value(p, unique, round);
        }

        return body;
    }

    private async Task ShouldHoldEveryValueAsync(string path, EntitySchema schema, string unique, int round)
    {
        var names = Writable(schema).Where(p => !p.IsWriteOnly).Select(p => p.Name).ToList();
        var read = await fixture.GraphAsync(HttpMethod.Get, $"{path}?$select={string.Join(',', names)}");
        read.Status.ShouldBe(200, read.Text);
        foreach (var p in Writable(schema).Where(p => !p.IsWriteOnly))
        {
            var expected = round == 2 && p.Name is "groupTypes" or "mailEnabled" or "securityEnabled" or "uniqueName" ? Value(p, unique, 1) : Value(p, unique, round);
            JsonNode.DeepEquals(read.Json![p.Name], expected).ShouldBeTrue($"{p.Name}: sent {expected.ToJsonString()} as '{OddCase(p.Name)}', read {read.Json![p.Name]?.ToJsonString() ?? "null"}");
        }
    }

    [Fact]
    public async Task CreateAndUpdateUser_TakeEveryWritablePropertyInAnyCase()
    {
        var unique = Unique;

        var created = await fixture.GraphAsync(HttpMethod.Post, "/users", OddCaseBody(Schemas.User, unique, 1, create: true).ToJsonString());
        created.Status.ShouldBe(201, created.Text);
        var path = "/users/" + created.Json!["id"]!.GetValue<string>();
        await ShouldHoldEveryValueAsync(path, Schemas.User, unique, 1);

        var updated = await fixture.GraphAsync(HttpMethod.Patch, path, OddCaseBody(Schemas.User, unique, 2, create: false).ToJsonString());
        updated.Status.ShouldBe(204, updated.Text);
        await ShouldHoldEveryValueAsync(path, Schemas.User, unique, 2);
    }

    [Fact]
    public async Task CreateAndUpdateGroup_TakeEveryWritablePropertyInAnyCase()
    {
        var unique = Unique;

        var created = await fixture.GraphAsync(HttpMethod.Post, "/groups", OddCaseBody(Schemas.Group, unique, 1, create: true).ToJsonString());
        created.Status.ShouldBe(201, created.Text);
        var path = "/groups/" + created.Json!["id"]!.GetValue<string>();
        await ShouldHoldEveryValueAsync(path, Schemas.Group, unique, 1);

        var updated = await fixture.GraphAsync(HttpMethod.Patch, path, OddCaseBody(Schemas.Group, unique, 2, create: false).ToJsonString());
        updated.Status.ShouldBe(204, updated.Text);
        await ShouldHoldEveryValueAsync(path, Schemas.Group, unique, 2);
    }

    [Fact]
    public async Task CreateUser_WithMailNickNameAndSurName_AsClientsSendThem()
    {
        var unique = Unique;

        var created = await fixture.GraphAsync(HttpMethod.Post, "/users", new JsonObject
        {
            ["accountEnabled"] = true,
            ["displayName"] = "Nick Name",
            ["mailNickName"] = "nick" + unique,
            ["surName"] = "Name",
            ["userPrincipalName"] = $"nick.{unique}@{fixture.Server.TenantDomain}",
            ["passwordProfile"] = new JsonObject { ["password"] = "Nick-Pa55-word!" },
        }.ToJsonString());

        created.Status.ShouldBe(201, created.Text);
        created.Json!["surname"]!.GetValue<string>().ShouldBe("Name");
        var read = await fixture.GraphAsync(HttpMethod.Get, $"/users/{created.Json["id"]}?$select=mailNickname");
        read.Json!["mailNickname"]!.GetValue<string>().ShouldBe("nick" + unique);
    }

    [Fact]
    public async Task CreateGroup_WithMailNickNameAndMembersBindInAnotherCase()
    {
        var unique = Unique;
        var member = fixture.Server.State.GetUserIds()[3];

        var created = await fixture.GraphAsync(HttpMethod.Post, "/groups", new JsonObject
        {
            ["DisplayName"] = "Nick group",
            ["MailEnabled"] = false,
            ["mailNickName"] = "nickgroup" + unique,
            ["SecurityEnabled"] = true,
            ["Members@odata.bind"] = new JsonArray($"{fixture.Server.GraphEndpoint}/directoryObjects/{member}"),
        }.ToJsonString());

        created.Status.ShouldBe(201, created.Text);
        created.Json!["mailNickname"]!.GetValue<string>().ShouldBe("nickgroup" + unique);
        fixture.Server.State.GetGroupMemberIds(created.Json["id"]!.GetValue<string>())!.ShouldBe([member]);
    }

    [Fact]
    public async Task PatchUser_AccountEnabledInAnotherCase_IsStillAnEnableDisable()
    {
        // The operation (and so the permission it needs) is read from the body's names too.
        fixture.Server.State.SetAppPermission(fixture.NoConsent.ClientId, "User.EnableDisableAccount.All", true).ShouldBeTrue();
        var token = await fixture.AppTokenAsync(fixture.NoConsent);
        var id = fixture.Server.State.GetUserIds()[6];

        var result = await fixture.GraphAsync(HttpMethod.Patch, "/users/" + id, """{"AccountEnabled":false}""", token);

        result.Status.ShouldBe(204, result.Text);
        fixture.Server.State.FindUser(id)!.AccountEnabled.ShouldBeFalse();
    }
}
