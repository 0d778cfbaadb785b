using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Ldap.Actions;
using Entrada.Ldap.Entries;
using Entrada.Ldap.Errors;
using Entrada.Ldap.Escaping;
using Entrada.Ldap.Tests.Support;

namespace Entrada.Ldap.Tests.Actions;

/// <summary>The generic LDAP actions against the real slapd (not Active Directory).</summary>
public sealed class EntryActionTests : IAsyncLifetime
{
    private readonly EntradaHost _entrada = EntradaHost.Create();

    public async Task InitializeAsync()
    {
        await _entrada.AddConnectionAsync(SlapdConnection.Admin("slapd"));
        await _entrada.AddConnectionAsync(SlapdConnection.Anonymous("slapd anonymous"));
    }

    public async Task DisposeAsync() => await _entrada.DisposeAsync();

    private static string People => $"ou=people,{TestServers.SlapdBaseDn}";

    private async Task<string> AddPersonAsync(string cn, JsonObject? extra = null)
    {
        var dn = $"{DistinguishedName.Rdn("cn", cn)},{People}";
        var attributes = new JsonObject { ["objectClass"] = new JsonArray("inetOrgPerson"), ["cn"] = new JsonArray(cn), ["sn"] = new JsonArray("Test") };
        foreach (var (k, v) in extra ?? [])
        {
            attributes[k] = v?.DeepClone();
        }

        await _entrada.RunAsync("ldap.add", "slapd", new JsonObject { ["dn"] = dn, ["attributes"] = attributes });
        return dn;
    }

    [Fact]
    public async Task Search_OverSlapd_StreamsEveryPageOfAllPeople()
    {
        var entries = await _entrada.RunListAsync<LdapEntry>("ldap.search", "slapd anonymous", new JsonObject
        {
            ["filter"] = "(uid=person*)",
            ["base"] = People,
            ["scope"] = "one",
            ["attributes"] = new JsonArray("uid", "mail"),
            ["pageSize"] = 100,
        });

        entries.Count.ShouldBe(TestServers.SlapdPeople);
        entries.Select(e => e.First("uid")).Distinct().Count().ShouldBe(TestServers.SlapdPeople);
        entries[0].Attributes.Keys.ShouldBe(["mail", "uid"], ignoreOrder: true);
    }

    [Fact]
    public async Task Search_WithTheDefaultPageSize_AboveWhatTheServerAllows_AsksForSmallerPagesAndReturnsEverything()
    {
        // The test slapd allows pages of at most 200; the default asks for 500.
        var entries = await _entrada.RunListAsync<LdapEntry>("ldap.search", "slapd anonymous", new JsonObject { ["filter"] = "(uid=person*)", ["attributes"] = new JsonArray("uid") });

        entries.Count.ShouldBe(TestServers.SlapdPeople);
    }

    [Fact]
    public async Task Search_WithASizeLimit_ReturnsExactlyThatMany()
    {
        var entries = await _entrada.RunListAsync<LdapEntry>("ldap.search", "slapd anonymous", new JsonObject { ["filter"] = "(uid=person*)", ["sizeLimit"] = 7, ["pageSize"] = 3 });

        entries.Count.ShouldBe(7);
    }

    [Fact]
    public async Task Search_WithAnUnbalancedFilter_IsRefusedBeforeAnythingIsSent()
    {
        var ex = await Should.ThrowAsync<EntradaValidationException>(() => _entrada.RunAsync("ldap.search", "slapd", new JsonObject { ["filter"] = "(cn=a" }));

        ex.Kind.ShouldBe(ErrorKind.InvalidInput);
        ex.Message.ShouldContain("balanced parentheses");
    }

    [Theory]
    [InlineData("*)(objectClass=*")]
    [InlineData(@"back\slash")]
    [InlineData("Zoë Ünïcödé 日本")]
    [InlineData("(parens) and * star")]
    public async Task FindDn_MatchesInjectionStringsLiterally(string name)
    {
        var cn = name + " " + TestServers.Unique("");
        var dn = await AddPersonAsync(cn);

        var found = await _entrada.RunListAsync<LdapFoundDn>("ldap.find-dn", "slapd", new JsonObject { ["query"] = cn });

        DistinguishedName.AreEqual(found.ShouldHaveSingleItem().Dn, dn).ShouldBeTrue($"found '{found[0].Dn}', expected '{dn}'");
        found[0].Name.ShouldBe(cn);
        (await _entrada.RunValueAsync<LdapEntry>("ldap.get", "slapd", new JsonObject { ["dn"] = dn })).First("cn").ShouldBe(cn);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("*)(objectClass=*")]
    [InlineData("\\2a")]
    public async Task FindDn_WithAWildcard_FindsNothingRatherThanEverything(string query)
    {
        var found = await _entrada.RunListAsync<LdapFoundDn>("ldap.find-dn", "slapd", new JsonObject { ["query"] = query });

        found.ShouldBeEmpty();
    }

    [Fact]
    public async Task FindDn_WithANul_IsRefusedAsInvalidInput_BeforeAnythingIsSent()
    {
        var ex = await Should.ThrowAsync<EntradaValidationException>(() => _entrada.RunListAsync<LdapFoundDn>("ldap.find-dn", "slapd", new JsonObject { ["query"] = "person001\0" }));

        ex.Errors.ShouldHaveSingleItem().Field.ShouldBe("query");
        ex.Kind.ShouldBe(ErrorKind.InvalidInput);
    }

    [Fact]
    public async Task FindDn_FindsByMail()
    {
        var found = await _entrada.RunListAsync<LdapFoundDn>("ldap.find-dn", "slapd", new JsonObject { ["query"] = "person042@entrada.example" });

        found.ShouldHaveSingleItem().Dn.ShouldBe($"uid=person042,{People}");
        found[0].ObjectClass.ShouldBe("inetOrgPerson");
    }

    [Fact]
    public async Task Modify_WithABase64BinaryValue_StoresTheBytes_AndGetReturnsThemAsBase64()
    {
        var dn = await AddPersonAsync(TestServers.Unique("photo "));
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0xFF, 0xD9];

        await _entrada.RunAsync("ldap.modify", "slapd", new JsonObject
        {
            ["dn"] = dn,
            ["changes"] = new JsonArray(
                new JsonObject { ["operation"] = "replace", ["attribute"] = "jpegPhoto", ["values"] = new JsonArray(Convert.ToBase64String(jpeg)), ["binary"] = true },
                new JsonObject { ["operation"] = "add", ["attribute"] = "mail", ["values"] = new JsonArray("a@example.org", "b@example.org") }),
        });
        var entry = await _entrada.RunValueAsync<LdapEntry>("ldap.get", "slapd", new JsonObject { ["dn"] = dn });

        entry.BinaryAttributes.ShouldNotBeNull().ShouldContain("jpegPhoto");
        Convert.FromBase64String(entry.First("jpegPhoto")!).ShouldBe(jpeg);
        entry.All("mail").ShouldBe(["a@example.org", "b@example.org"], ignoreOrder: true);
        var json = JsonSerializer.SerializeToNode(entry, ActionInput.Options)!;
        json["attributes"]!["mail"]!.AsArray().Count.ShouldBe(2);
        json["binaryAttributes"]!.AsArray().Select(n => n!.GetValue<string>()).ShouldBe(["jpegPhoto"]);
    }

    [Fact]
    public async Task Compare_SaysWhetherTheValueIsHeld()
    {
        var dn = $"uid=person007,{People}";

        (await _entrada.RunValueAsync<LdapCompareResult>("ldap.compare", "slapd", new JsonObject { ["dn"] = dn, ["attribute"] = "mail", ["value"] = "person007@entrada.example" })).Matches.ShouldBeTrue();
        (await _entrada.RunValueAsync<LdapCompareResult>("ldap.compare", "slapd", new JsonObject { ["dn"] = dn, ["attribute"] = "mail", ["value"] = "someone@else" })).Matches.ShouldBeFalse();
    }

    [Fact]
    public async Task Rename_ThenDelete_TheEntryMovesAndGoes()
    {
        var dn = await AddPersonAsync(TestServers.Unique("Doe, Jane "));
        var newName = TestServers.Unique("Smith, Jane ");

        var renamed = await _entrada.RunValueAsync<LdapWriteResult>("ldap.rename", "slapd", new JsonObject { ["dn"] = dn, ["newRdn"] = DistinguishedName.Rdn("cn", newName) });

        renamed.PreviousDn.ShouldBe(dn);
        (await _entrada.RunValueAsync<LdapEntry>("ldap.get", "slapd", new JsonObject { ["dn"] = renamed.Dn })).First("cn").ShouldBe(newName);
        var gone = await Should.ThrowAsync<LdapOperationException>(() => _entrada.RunAsync("ldap.get", "slapd", new JsonObject { ["dn"] = dn }));
        gone.ResultCode.ShouldBe(32);

        await _entrada.RunAsync("ldap.delete", "slapd", new JsonObject { ["dn"] = renamed.Dn });
        (await Should.ThrowAsync<LdapOperationException>(() => _entrada.RunAsync("ldap.get", "slapd", new JsonObject { ["dn"] = renamed.Dn }))).ResultCode.ShouldBe(32);
    }

    [Fact]
    public async Task Delete_AsADryRun_SendsNothingAndReportsTheRequest()
    {
        var dn = await AddPersonAsync(TestServers.Unique("keep "));

        var (result, _) = await _entrada.RunAsync("ldap.delete", "slapd", new JsonObject { ["dn"] = dn }, dryRun: true);

        result.PlannedRequests.ShouldHaveSingleItem().Method.ShouldBe("delete");
        (await _entrada.RunValueAsync<LdapEntry>("ldap.get", "slapd", new JsonObject { ["dn"] = dn })).Dn.ShouldBe(dn);
    }

    [Fact]
    public async Task Add_AsAnonymous_IsRefusedWithThePermissionExitCode()
    {
        var ex = await Should.ThrowAsync<LdapOperationException>(() => _entrada.RunAsync("ldap.add", "slapd anonymous", new JsonObject
        {
            ["dn"] = $"cn=intruder,{People}",
            ["attributes"] = new JsonObject { ["objectClass"] = new JsonArray("inetOrgPerson"), ["cn"] = new JsonArray("intruder"), ["sn"] = new JsonArray("x") },
        }));

        ex.Kind.ShouldBe(ErrorKind.PermissionMissing);
        ex.ResultCode.ShouldBe(8); // slapd: "modifications require authentication"
        ex.Message.ShouldContain("requires an authenticated bind");
    }

    [Fact]
    public async Task AnActiveDirectoryAction_OnSlapd_FailsClearly()
    {
        var ex = await Should.ThrowAsync<LdapOperationException>(() => _entrada.RunAsync("ldap.ad.disable-account", "slapd", new JsonObject { ["dn"] = $"uid=person001,{People}" }));

        ex.Kind.ShouldBe(ErrorKind.InvalidInput);
        ex.Message.ShouldContain("works only with Active Directory");
    }

    [Fact]
    public async Task ConnectionTest_OfSlapd_SaysNotActiveDirectory_AndMarksTheAdActionsUnusable()
    {
        var report = await _entrada.TestAsync("slapd anonymous");

        report.Authenticated.ShouldBeTrue(report.Error);
        report.ServerFacts["activeDirectory"].ShouldBe("no");
        report.ServerFacts["baseDn"].ShouldBe(TestServers.SlapdBaseDn);
        report.Actions.Where(a => a.ActionId.StartsWith("ldap.ad.", StringComparison.Ordinal)).ShouldAllBe(a => !a.Ready);
        report.Actions.Single(a => a.ActionId == "ldap.search").Ready.ShouldBeTrue();
        report.Outcome.ShouldBe("partly-ready");
    }
}
