using Entrada.Emulator.OData;
using F = Entrada.Emulator.OData.FilterSupport;
using K = Entrada.Emulator.OData.PropertyKind;

namespace Entrada.Emulator.State;

/// <summary>
/// The v1.0 types of authentication methods, sign-in and directory audit logs, risk detections and
/// invitations, with the query capabilities Graph documents for each (the audit logs and risk
/// detections take <c>$filter</c> on their listed properties; a user's methods take none).
/// </summary>
internal static class IdentitySchemas
{
    public static readonly EntitySchema PasswordMethod = new SchemaBuilder("microsoft.graph.passwordAuthenticationMethod", "PasswordAuthenticationMethod")
        .Add("password", writeOnly: true, readOnly: true)
        .Add("createdDateTime", K.DateTime, readOnly: true)
        .Build();

    public static readonly EntitySchema PhoneMethod = new SchemaBuilder("microsoft.graph.phoneAuthenticationMethod", "PhoneAuthenticationMethod")
        .Add("phoneNumber")
        .Add("phoneType")
        .Add("smsSignInState", readOnly: true)
        .Build();

    public static readonly EntitySchema EmailMethod = new SchemaBuilder("microsoft.graph.emailAuthenticationMethod", "EmailAuthenticationMethod")
        .Add("emailAddress")
        .Build();

    public static readonly EntitySchema Fido2Method = new SchemaBuilder("microsoft.graph.fido2AuthenticationMethod", "Fido2AuthenticationMethod")
        .Add("displayName", readOnly: true)
        .Add("createdDateTime", K.DateTime, readOnly: true)
        .Add("aaGuid", readOnly: true)
        .Add("model", readOnly: true)
        .Add("attestationCertificates", K.StringCollection, readOnly: true)
        .Add("attestationLevel", readOnly: true)
        .Build();

    public static readonly EntitySchema AuthenticatorMethod = new SchemaBuilder("microsoft.graph.microsoftAuthenticatorAuthenticationMethod", "MicrosoftAuthenticatorAuthenticationMethod")
        .Add("displayName", readOnly: true)
        .Add("deviceTag", readOnly: true)
        .Add("phoneAppVersion", readOnly: true)
        .Add("createdDateTime", K.DateTime, readOnly: true)
        .Build();

    public static readonly EntitySchema SoftwareOathMethod = new SchemaBuilder("microsoft.graph.softwareOathAuthenticationMethod", "SoftwareOathAuthenticationMethod")
        .Add("secretKey", writeOnly: true, readOnly: true)
        .Build();

    public static readonly EntitySchema WindowsHelloMethod = new SchemaBuilder("microsoft.graph.windowsHelloForBusinessAuthenticationMethod", "WindowsHelloForBusinessAuthenticationMethod")
        .Add("displayName", readOnly: true)
        .Add("createdDateTime", K.DateTime, readOnly: true)
        .Add("keyStrength", readOnly: true)
        .Build();

    /// <summary>The pass itself is written only in the answer to its creation; every read answers null.</summary>
    public static readonly EntitySchema TemporaryAccessPassMethod = new SchemaBuilder("microsoft.graph.temporaryAccessPassAuthenticationMethod", "TemporaryAccessPassAuthenticationMethod")
        .Add("temporaryAccessPass", writeOnly: true, readOnly: true)
        .Add("createdDateTime", K.DateTime, readOnly: true)
        .Add("startDateTime", K.DateTime)
        .Add("lifetimeInMinutes", K.Int32)
        .Add("isUsableOnce", K.Boolean)
        .Add("isUsable", K.Boolean, readOnly: true)
        .Add("methodUsabilityReason", readOnly: true)
        .Build();

    /// <summary>Every method type with its segment under <c>/authentication</c>.</summary>
    public static readonly (string Segment, EntitySchema Schema)[] MethodTypes =
    [
        ("passwordMethods", PasswordMethod),
        ("phoneMethods", PhoneMethod),
        ("emailMethods", EmailMethod),
        ("fido2Methods", Fido2Method),
        ("microsoftAuthenticatorMethods", AuthenticatorMethod),
        ("softwareOathMethods", SoftwareOathMethod),
        ("windowsHelloForBusinessMethods", WindowsHelloMethod),
        ("temporaryAccessPassMethods", TemporaryAccessPassMethod),
    ];

    public static readonly EntitySchema SignIn = new SchemaBuilder("microsoft.graph.signIn", "SignIn")
        .Add("createdDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("userDisplayName", filter: F.Text, readOnly: true)
        .Add("userPrincipalName", filter: F.Text, readOnly: true)
        .Add("userId", filter: F.Value, readOnly: true)
        .Add("appId", filter: F.Value, readOnly: true)
        .Add("appDisplayName", filter: F.Text, readOnly: true)
        .Add("ipAddress", filter: F.Value | F.StartsWith, readOnly: true)
        .Add("clientAppUsed", filter: F.Value, readOnly: true)
        .Add("correlationId", filter: F.Value, readOnly: true)
        .Add("conditionalAccessStatus", filter: F.Value, readOnly: true)
        .Add("isInteractive", K.Boolean, filter: F.Eq | F.Ne, readOnly: true)
        .Add("riskDetail", filter: F.Value, readOnly: true)
        .Add("riskLevelAggregated", filter: F.Value, readOnly: true)
        .Add("riskLevelDuringSignIn", filter: F.Value, readOnly: true)
        .Add("riskState", filter: F.Value, readOnly: true)
        .Add("riskEventTypes", K.StringCollection, filter: F.Any, readOnly: true)
        .Add("riskEventTypes_v2", K.StringCollection, filter: F.Any, readOnly: true)
        .Add("resourceDisplayName", filter: F.Text, readOnly: true)
        .Add("resourceId", filter: F.Value, readOnly: true)
        .Add("status", K.Json, filter: F.Value | F.Range, readOnly: true)
        .Add("deviceDetail", K.Json, filter: F.Value | F.StartsWith, readOnly: true)
        .Add("location", K.Json, filter: F.Value | F.StartsWith, readOnly: true)
        .Add("appliedConditionalAccessPolicies", K.Json, readOnly: true)
        .Build();

    public static readonly EntitySchema DirectoryAudit = new SchemaBuilder("microsoft.graph.directoryAudit", "DirectoryAudit")
        .Add("category", filter: F.Value, readOnly: true)
        .Add("correlationId", filter: F.Value, readOnly: true)
        .Add("result", filter: F.Value, readOnly: true)
        .Add("resultReason", filter: F.Value | F.StartsWith, readOnly: true)
        .Add("activityDisplayName", filter: F.Text, readOnly: true)
        .Add("activityDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("loggedByService", filter: F.Value, readOnly: true)
        .Add("operationType", filter: F.Value, readOnly: true)
        .Add("initiatedBy", K.Json, filter: F.Value | F.StartsWith, readOnly: true)
        .Add("targetResources", K.Json, filter: F.Any, readOnly: true)
        .Add("additionalDetails", K.Json, readOnly: true)
        .Build();

    public static readonly EntitySchema RiskDetection = new SchemaBuilder("microsoft.graph.riskDetection", "RiskDetection")
        .Add("requestId", filter: F.Value, readOnly: true)
        .Add("correlationId", filter: F.Value, readOnly: true)
        .Add("riskEventType", filter: F.Value, readOnly: true)
        .Add("riskState", filter: F.Value, readOnly: true)
        .Add("riskLevel", filter: F.Value, readOnly: true)
        .Add("riskDetail", filter: F.Value, readOnly: true)
        .Add("source", filter: F.Value, readOnly: true)
        .Add("detectionTimingType", filter: F.Value, readOnly: true)
        .Add("activity", filter: F.Value, readOnly: true)
        .Add("tokenIssuerType", filter: F.Value, readOnly: true)
        .Add("ipAddress", filter: F.Value, readOnly: true)
        .Add("location", K.Json, filter: F.Value, readOnly: true)
        .Add("activityDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("detectedDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("lastUpdatedDateTime", K.DateTime, filter: F.Value | F.Range, sortable: true, readOnly: true)
        .Add("userId", filter: F.Value, readOnly: true)
        .Add("userDisplayName", filter: F.Text, readOnly: true)
        .Add("userPrincipalName", filter: F.Text, readOnly: true)
        .Add("additionalInfo", readOnly: true)
        .Build();
}
