using System.Text.Json.Nodes;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Entrada.Core.Secrets;

namespace Entrada.Core.Tests.Secrets;

public sealed class SecretMaskingTests
{
    /// <summary>An input whose secret field has a name that says nothing (only the mark tells).</summary>
    internal sealed record EnrolInput(string Device, [property: Secret] string? Code = null, IReadOnlyList<Change>? Changes = null, [property: Secret(ByLdapAttributeKey = true)] IReadOnlyDictionary<string, IReadOnlyList<string>>? Attributes = null);

    internal sealed record Change(string Attribute, [property: Secret(WhenLdapAttributeIn = "attribute")] IReadOnlyList<string>? Values = null);

    private static readonly ActionDescriptor Enrol = new()
    {
        Id = "tests.enrol",
        Description = "Enrols.",
        Target = ActionTarget.Ldap,
        InputType = typeof(EnrolInput),
        OutputType = typeof(object),
    };

    [Fact]
    public void MaskInput_MasksAMarkedField_WhateverItIsCalled()
    {
        var input = new JsonObject { ["device"] = "d1", ["code"] = "0417-LEAK" };

        var masked = SecretMasking.MaskInput(Enrol, input)!;

        masked["code"]!.GetValue<string>().ShouldBe(SecretMasking.Mask);
        masked["device"]!.GetValue<string>().ShouldBe("d1");
        input["code"]!.GetValue<string>().ShouldBe("0417-LEAK", "the input itself is left as it was");
        SecretMasking.MaskUntyped(input)!.ToJsonString().ShouldContain("0417-LEAK", customMessage: "the name alone would not have caught it");
    }

    [Fact]
    public void MaskInput_MasksLdapValues_OnlyOfSecretAttributes()
    {
        var input = new JsonObject
        {
            ["device"] = "d1",
            ["changes"] = new JsonArray(
                new JsonObject { ["attribute"] = "USERPASSWORD;binary", ["values"] = new JsonArray("pw-LEAK", "pw2-LEAK") },
                new JsonObject { ["attribute"] = "description", ["values"] = new JsonArray("kept") }),
            ["attributes"] = new JsonObject { ["cn"] = new JsonArray("Jane"), ["msLAPS-Password"] = new JsonArray("laps-LEAK") },
        };

        var masked = SecretMasking.MaskInput(Enrol, input)!.ToJsonString();

        masked.ShouldNotContain("LEAK");
        masked.ShouldContain("\"values\":[\"***\",\"***\"]");
        masked.ShouldContain("kept");
        masked.ShouldContain("Jane");
    }

    [Fact]
    public void MaskUntyped_MasksByName_AndLdapChangesToSecretAttributes()
    {
        var plan = new JsonArray(
            new JsonObject { ["operation"] = "replace", ["attribute"] = "unicodePwd", ["values"] = new JsonArray("ad-LEAK") },
            new JsonObject { ["passwordProfile"] = new JsonObject { ["password"] = "graph-LEAK" }, ["sambaNTPassword"] = "nt-LEAK", ["ntPwdHistory"] = "h-LEAK" },
            new JsonObject { ["attribute"] = "pwdLastSet", ["values"] = new JsonArray("0") });

        var masked = SecretMasking.MaskUntyped(plan)!.ToJsonString();

        masked.ShouldNotContain("LEAK");
        masked.ShouldContain("pwdLastSet\",\"values\":[\"0\"]");
    }

    [Fact]
    public void Plan_MasksTheValuesOfAnLdapChangeToUserPassword()
    {
        var context = new ActionContext(new Connection { Name = "x", Method = ConnectionMethod.Ldap }, new Caller(CallerInterface.Cli, null)) { DryRun = true };

        context.Plan("modify", "CN=x", new JsonArray(new JsonObject { ["operation"] = "replace", ["attribute"] = "userPassword", ["values"] = new JsonArray("plan-LEAK") }));

        context.PlannedRequests.Single().Body!.ToJsonString().ShouldNotContain("plan-LEAK");
    }

    [Fact]
    public void SchemaOf_PublishesAnAlwaysSecretField_AsWriteOnlyPassword_AndAConditionalOneAsItIs()
    {
        var properties = ActionInput.SchemaOf(typeof(EnrolInput))["properties"]!;

        properties["code"]!["writeOnly"]!.GetValue<bool>().ShouldBeTrue();
        properties["code"]!["format"]!.GetValue<string>().ShouldBe("password");
        properties["device"]!["writeOnly"].ShouldBeNull();
        properties["attributes"]!["writeOnly"].ShouldBeNull();
    }

    [Fact]
    public void SecretFieldsOf_NamesEveryMarkedField()
    {
        SecretMasking.SecretFieldsOf(typeof(EnrolInput)).ShouldBe(["code", "changes[].values", "attributes{}"], ignoreOrder: true);
    }
}
