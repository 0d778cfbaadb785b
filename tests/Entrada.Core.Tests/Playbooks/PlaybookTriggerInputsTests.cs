using System.Text.Json.Nodes;
using Entrada.Core.Playbooks;
using Entrada.Core.Playbooks.Triggers;

namespace Entrada.Core.Tests.Playbooks;

/// <summary>
/// The one check every trigger (hook, schedule, watch) makes of its input templates when it is
/// made: the templates are stored and listed as given, so a secret input is never a literal.
/// </summary>
public sealed class PlaybookTriggerInputsTests
{
    private static readonly PlaybookDefinition Playbook = PlaybookParser.Parse("""
        id: set-password
        description: Sets a password.
        inputs:
          userId: { type: string, required: true }
          newPassword: { type: string }
          resetPassword: { type: boolean, default: false }
        steps:
          - id: reset
            action: users.reset-password
            input:
              id: ${{ inputs.userId }}
        """).Definition!;

    [Fact]
    public void ASecretInputAsALiteral_IsRefused_NamingTheField_AndSayingWhatToDo()
    {
        var refused = Should.Throw<EntradaValidationException>(() => PlaybookTriggerInputs.Check(Playbook, new JsonObject { ["userId"] = "ann@contoso.com", ["newPassword"] = "Hunter2!Hunter2!" }, "input"));

        refused.Errors.ShouldHaveSingleItem().Field.ShouldBe("input.newPassword");
        refused.Message.ShouldContain("secret");
        refused.Message.ShouldNotContain("Hunter2");
    }

    [Fact]
    public void ASecretInputMappedByAnExpression_AndAFlagNamedLikeASecret_AreTaken()
    {
        var templates = PlaybookTriggerInputs.Check(Playbook, new JsonObject { ["userId"] = "${{ body.user }}", ["newPassword"] = "${{ body.password }}", ["resetPassword"] = true }, "input");

        templates.Count.ShouldBe(3);
    }

    [Fact]
    public void AMissingRequiredInput_AndAnUnknownOne_AreRefusedTogether()
    {
        var refused = Should.Throw<EntradaValidationException>(() => PlaybookTriggerInputs.Check(Playbook, new JsonObject { ["user"] = "x" }, "map"));

        refused.Errors.Select(e => e.Field).Order().ShouldBe(["map.user", "map.userId"]);
    }
}
