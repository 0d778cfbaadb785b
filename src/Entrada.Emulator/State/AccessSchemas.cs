using Entrada.Emulator.OData;
using F = Entrada.Emulator.OData.FilterSupport;
using K = Entrada.Emulator.OData.PropertyKind;

namespace Entrada.Emulator.State;

/// <summary>
/// The Graph v1.0 types of role management (unified RBAC) and conditional access, with the query
/// capabilities Graph documents for them.
/// </summary>
internal static class AccessSchemas
{
    public static readonly EntitySchema RoleDefinition = new SchemaBuilder("microsoft.graph.unifiedRoleDefinition", "UnifiedRoleDefinition")
        .Add("description")
        .Add("displayName", filter: F.Value | F.StartsWith, sortable: true)
        .Add("isBuiltIn", K.Boolean, filter: F.Eq, readOnly: true)
        .Add("isEnabled", K.Boolean, filter: F.Eq)
        .Add("resourceScopes", K.StringCollection)
        .Add("templateId", filter: F.Value)
        .Add("version")
        .Add("rolePermissions", K.Json)
        .Add("inheritsPermissionsFrom", K.Json, readOnly: true)
        .Build();

    public static readonly EntitySchema RoleAssignment = new SchemaBuilder("microsoft.graph.unifiedRoleAssignment", "UnifiedRoleAssignment")
        .Add("principalId", filter: F.Value)
        .Add("roleDefinitionId", filter: F.Value)
        .Add("directoryScopeId", filter: F.Value)
        .Add("appScopeId", filter: F.Value)
        .Add("resourceScope", readOnly: true)
        .Add("condition")
        .Build();

    public static readonly EntitySchema ConditionalAccessPolicy = new SchemaBuilder("microsoft.graph.conditionalAccessPolicy", "ConditionalAccessPolicy")
        .Add("templateId", readOnly: true)
        .Add("displayName", filter: F.Value | F.StartsWith, sortable: true)
        .Add("description")
        .Add("createdDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("modifiedDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("state", filter: F.Value)
        .Add("sessionControls", K.Json)
        .Add("conditions", K.Json)
        .Add("grantControls", K.Json)
        .Build();

    public static readonly EntitySchema IpNamedLocation = new SchemaBuilder("microsoft.graph.ipNamedLocation", "IpNamedLocation")
        .Add("displayName", filter: F.Value | F.StartsWith, sortable: true)
        .Add("modifiedDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("createdDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("isTrusted", K.Boolean, filter: F.Eq)
        .Add("ipRanges", K.Json)
        .Build();

    public static readonly EntitySchema CountryNamedLocation = new SchemaBuilder("microsoft.graph.countryNamedLocation", "CountryNamedLocation")
        .Add("displayName", filter: F.Value | F.StartsWith, sortable: true)
        .Add("modifiedDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("createdDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("countriesAndRegions", K.StringCollection, filter: F.Any)
        .Add("includeUnknownCountriesAndRegions", K.Boolean, filter: F.Eq)
        .Add("countryLookupMethod")
        .Build();

    public static readonly EntitySchema[] NamedLocations = [IpNamedLocation, CountryNamedLocation];
}
