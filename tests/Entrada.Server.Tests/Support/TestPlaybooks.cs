namespace Entrada.Server.Tests.Support;

/// <summary>Playbooks the tests write into a server's home.</summary>
internal static class TestPlaybooks
{
    /// <summary>A playbook of one step that disables the users it is given, with the id <paramref name="id"/>.</summary>
    public static string Disable(string id) => $$$"""
        id: {{{id}}}
        description: Disables the users it is given.
        inputs:
          userIds:
            type: array
            items: string
            required: true
        steps:
          - id: disable
            action: users.disable
            input:
              userIds: ${{ inputs.userIds }}
        """;
}
