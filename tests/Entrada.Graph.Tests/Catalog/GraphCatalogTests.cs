using Entrada.Core;
using Entrada.Core.Actions;
using Entrada.Core.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Entrada.Graph.Tests.Catalog;

public sealed class GraphCatalogTests
{
    private static readonly ActionCatalog Catalog = CreateCatalog();

    private static ActionCatalog CreateCatalog()
    {
        var catalog = new ActionCatalog();
        GraphActions.Register(catalog);
        return catalog;
    }

    public static TheoryData<string, string> DesignTable => new()
    {
        { "users.list", "User.Read.All" }, { "users.get", "User.Read.All" }, { "users.create", "User.ReadWrite.All" }, { "users.update", "User.ReadWrite.All" },
        { "users.delete", "User.ReadWrite.All" }, { "users.enable", "User.EnableDisableAccount.All" }, { "users.disable", "User.EnableDisableAccount.All" },
        { "users.update-identities", "User.ManageIdentities.All" }, { "users.reset-password", "User.ReadWrite.All" }, { "users.revoke-sessions", "User.RevokeSessions.All" },
        { "users.list-groups", "Directory.Read.All" }, { "users.list-licenses", "User.Read.All" }, { "groups.list", "GroupMember.Read.All" }, { "groups.get", "GroupMember.Read.All" },
        { "groups.create", "Group.Create" }, { "groups.update", "Group.ReadWrite.All" }, { "groups.delete", "Group.ReadWrite.All" }, { "groups.members.list", "GroupMember.Read.All" },
        { "groups.members.add", "GroupMember.ReadWrite.All" }, { "groups.members.remove", "GroupMember.ReadWrite.All" }, { "groups.members.check", "GroupMember.Read.All" },
        { "risky-users.list", "IdentityRiskyUser.Read.All" }, { "risky-users.get", "IdentityRiskyUser.Read.All" }, { "risky-users.history", "IdentityRiskyUser.Read.All" },
        { "risky-users.confirm-compromised", "IdentityRiskyUser.ReadWrite.All" }, { "risky-users.dismiss", "IdentityRiskyUser.ReadWrite.All" },
        { "alerts.list", "SecurityAlert.Read.All" }, { "alerts.get", "SecurityAlert.Read.All" }, { "alerts.update", "SecurityAlert.ReadWrite.All" }, { "alerts.comment", "SecurityAlert.ReadWrite.All" },
        { "licenses.list-skus", "LicenseAssignment.Read.All" }, { "licenses.assign", "LicenseAssignment.ReadWrite.All" }, { "licenses.remove", "LicenseAssignment.ReadWrite.All" },
        // For these, Microsoft's permission pages name a narrower least-privileged permission than the original design table; the design's one is listed as a higher one.
        { "directory.organization", "Organization.Read.All" }, { "directory.roles.list", "RoleManagement.Read.Directory" }, { "directory.roles.members", "RoleManagement.Read.Directory" },
    };

    [Theory]
    [MemberData(nameof(DesignTable))]
    public void EveryActionOfTheDesignTable_IsRegistered_WithItsLeastPrivilegedPermission(string id, string least)
    {
        var action = Catalog.Find(id);
        action.ShouldNotBeNull();
        action.Descriptor.Target.ShouldBe(ActionTarget.Graph);
        action.Descriptor.Permission!.Least.ShouldBe(least);
    }

    [Fact]
    public void EnableAndDisable_AlsoNeedUserReadAll()
    {
        Catalog.Get("users.disable").Descriptor.Permission!.AlsoRequired.Single().Least.ShouldBe("User.Read.All");
        var readiness = ActionReadiness.Evaluate(Catalog.Get("users.disable").Descriptor, new ConnectionCapabilities(ConnectionMethod.AppRegistration, new HashSet<string> { "User.EnableDisableAccount.All" }));
        readiness.Ready.ShouldBeFalse();
        readiness.MissingPermission.ShouldBe("User.Read.All");
        ActionReadiness.Evaluate(Catalog.Get("users.disable").Descriptor, new ConnectionCapabilities(ConnectionMethod.AppRegistration, new HashSet<string> { "User.ReadWrite.All" })).Ready.ShouldBeTrue();
    }

    [Fact]
    public void GraphRequest_IsTheOnlyActionWithoutAPermissionCheck()
    {
        Catalog.All.Where(a => a.Descriptor.Permission is null).Select(a => a.Descriptor.Id).ShouldBe(["graph.request"]);
    }

    [Fact]
    public void EveryChangingAction_IsDestructive_SoItSupportsDryRun_AndEveryReadIsNot()
    {
        var reads = new[] { ".list", ".get", ".history", ".check", ".members", "organization", "list-groups", "list-licenses", "list-skus", ".expiring" };
        foreach (var action in Catalog.All.Where(a => a.Descriptor.Id != "graph.request"))
        {
            var isRead = reads.Any(r => action.Descriptor.Id.EndsWith(r, StringComparison.Ordinal)) && !action.Descriptor.Id.StartsWith("groups.members.add", StringComparison.Ordinal);
            action.Descriptor.Destructive.ShouldBe(!isRead, action.Descriptor.Id);
        }
    }

    [Theory]
    [InlineData("users.get", "id")]
    [InlineData("users.enable", "userIds")]
    [InlineData("users.disable", "userIds")]
    [InlineData("users.revoke-sessions", "userIds")]
    [InlineData("groups.create", "displayName,mailNickname,securityEnabled,mailEnabled,groupTypes,description")]
    [InlineData("groups.members.add", "groupId,memberIds")]
    [InlineData("groups.members.remove", "groupId,memberIds")]
    [InlineData("groups.members.list", "groupId,transitive,max")]
    [InlineData("licenses.assign", "userIds,skuIds,disabledPlans")]
    [InlineData("licenses.remove", "userIds,skuIds")]
    [InlineData("risky-users.confirm-compromised", "userIds")]
    [InlineData("risky-users.dismiss", "userIds")]
    [InlineData("alerts.update", "alertId,status,classification,determination,assignedTo")]
    [InlineData("users.list", "filter,search,select,max")]
    [InlineData("groups.list", "filter,search,select,max")]
    public void InputFieldNames_AreTheFixedOnes(string id, string fields)
    {
        // The fixed fields come first, in the order; an action may add optional ones after them.
        var schema = ActionInput.SchemaOf(Catalog.Get(id).Descriptor.InputType);
        var names = schema["properties"]!.AsObject().Select(p => p.Key).ToList();
        names.Take(fields.Split(',').Length).ShouldBe(fields.Split(','));
        var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
        required.ShouldAllBe(r => fields.Split(',', StringSplitOptions.None).Contains(r));
    }

    [Fact]
    public void EveryExample_BindsToItsInput()
    {
        foreach (var action in Catalog.All)
        {
            Should.NotThrow(() => ActionInput.Bind(action.Descriptor, action.Descriptor.Example), action.Descriptor.Id);
        }
    }

    [Fact]
    public void AddEntradaGraph_RegistersTheTesterThePreflightAndTheActions()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEntradaCore(new Entrada.Core.Storage.EntradaHome(Path.Combine(Path.GetTempPath(), "entrada-di-" + Guid.NewGuid().ToString("N"))));
        services.AddEntradaGraph();
        using var provider = services.BuildServiceProvider();
        provider.GetServices<Entrada.Core.Diagnostics.IConnectionTester>().ShouldContain(t => t.Supports(ConnectionMethod.AppRegistration));
        provider.GetServices<Entrada.Core.Actions.IActionContextFactory>().ShouldContain(f => f.Target == Entrada.Core.Actions.ActionTarget.Graph);
        provider.GetServices<Entrada.Core.Diagnostics.IActionPreflight>().ShouldNotBeEmpty();
        provider.GetRequiredService<ActionCatalog>().Find("users.disable").ShouldNotBeNull();
    }
}
