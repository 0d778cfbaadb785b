using Entrada.Cli.Infrastructure;
using Entrada.Core;
using Entrada.Core.Connections;

namespace Entrada.Cli.Tests.Infrastructure;

public sealed class CliErrorsTests
{
    [Fact]
    public void EveryNextStep_IsWordedAsACommand()
    {
        foreach (var kind in Enum.GetValues<NextStepKind>())
        {
            var hint = CliErrors.HintOf(new NextStep(kind, "Contoso"));
            hint.ShouldNotBeNull($"{kind} has no wording in CliErrors");
            hint.ShouldContain("'entrada ");
            hint.ShouldEndWith(".");
        }
    }

    [Fact]
    public void AMissingConnection_ReadsAsBeforeTheHintMovedToTheCli()
    {
        CliErrors.MessageOf(new ConnectionNotFoundException("ghost"))
            .ShouldBe("There is no connection named 'ghost'. List them with 'entrada connections list'.");
        CliErrors.ExitCodeOf(ErrorKind.NotFound).ShouldBe(ExitCodes.InvalidInput);
        CliErrors.ExitCodeOf(ErrorKind.PermissionMissing).ShouldBe(ExitCodes.PermissionMissing);
    }
}
