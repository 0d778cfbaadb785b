using System.Text.Json.Serialization;
using Entrada.Graph.Client;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions;

namespace Entrada.Graph.AuthMethods;

/// <summary>The kinds of authentication method, by the names scripts use (Graph's, without "AuthenticationMethod").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AuthMethodType>))]
internal enum AuthMethodType
{
    /// <summary>A phone number for SMS or voice.</summary>
    [JsonStringEnumMemberName("phone")]
    Phone,

    /// <summary>The Microsoft Authenticator app.</summary>
    [JsonStringEnumMemberName("microsoftAuthenticator")]
    MicrosoftAuthenticator,

    /// <summary>A FIDO2 security key or passkey.</summary>
    [JsonStringEnumMemberName("fido2")]
    Fido2,

    /// <summary>A software OATH token.</summary>
    [JsonStringEnumMemberName("softwareOath")]
    SoftwareOath,

    /// <summary>An e-mail address (for self-service password reset).</summary>
    [JsonStringEnumMemberName("email")]
    Email,

    /// <summary>Windows Hello for Business.</summary>
    [JsonStringEnumMemberName("windowsHelloForBusiness")]
    WindowsHelloForBusiness,

    /// <summary>A Temporary Access Pass.</summary>
    [JsonStringEnumMemberName("temporaryAccessPass")]
    TemporaryAccessPass,

    /// <summary>The password (listed; never deleted).</summary>
    [JsonStringEnumMemberName("password")]
    Password,
}

/// <summary>What each kind is called on the wire and where its requests go.</summary>
internal static class AuthMethodTypes
{
    /// <summary>The name of a kind as inputs and outputs write it (<c>microsoftAuthenticator</c>).</summary>
    public static string Wire(this AuthMethodType type) => type switch
    {
        AuthMethodType.Phone => "phone",
        AuthMethodType.MicrosoftAuthenticator => "microsoftAuthenticator",
        AuthMethodType.Fido2 => "fido2",
        AuthMethodType.SoftwareOath => "softwareOath",
        AuthMethodType.Email => "email",
        AuthMethodType.WindowsHelloForBusiness => "windowsHelloForBusiness",
        AuthMethodType.TemporaryAccessPass => "temporaryAccessPass",
        _ => "password",
    };

    /// <summary>The kind of a method Graph returned, by its <c>@odata.type</c>; null for a kind Entrada does not name.</summary>
    public static AuthMethodType? FromODataType(string? odataType) => odataType?.Replace("#microsoft.graph.", string.Empty, StringComparison.Ordinal) switch
    {
        "phoneAuthenticationMethod" => AuthMethodType.Phone,
        "microsoftAuthenticatorAuthenticationMethod" => AuthMethodType.MicrosoftAuthenticator,
        "fido2AuthenticationMethod" => AuthMethodType.Fido2,
        "softwareOathAuthenticationMethod" => AuthMethodType.SoftwareOath,
        "emailAuthenticationMethod" => AuthMethodType.Email,
        "windowsHelloForBusinessAuthenticationMethod" => AuthMethodType.WindowsHelloForBusiness,
        "temporaryAccessPassAuthenticationMethod" => AuthMethodType.TemporaryAccessPass,
        "passwordAuthenticationMethod" => AuthMethodType.Password,
        _ => null,
    };

    /// <summary>The kind of an SDK method object.</summary>
    public static AuthMethodType? Of(AuthenticationMethod method) => method switch
    {
        PhoneAuthenticationMethod => AuthMethodType.Phone,
        MicrosoftAuthenticatorAuthenticationMethod => AuthMethodType.MicrosoftAuthenticator,
        Fido2AuthenticationMethod => AuthMethodType.Fido2,
        SoftwareOathAuthenticationMethod => AuthMethodType.SoftwareOath,
        EmailAuthenticationMethod => AuthMethodType.Email,
        WindowsHelloForBusinessAuthenticationMethod => AuthMethodType.WindowsHelloForBusiness,
        TemporaryAccessPassAuthenticationMethod => AuthMethodType.TemporaryAccessPass,
        PasswordAuthenticationMethod => AuthMethodType.Password,
        _ => FromODataType(method.OdataType),
    };

    /// <summary>
    /// The DELETE of one method of a user: <c>/users/{id}/authentication/{type}Methods/{methodId}</c>.
    /// The password has none (Graph never deletes it).
    /// </summary>
    public static RequestInformation DeleteRequest(GraphRun run, string userId, AuthMethodType type, string methodId)
    {
        ArgumentNullException.ThrowIfNull(run);
        var authentication = run.Client.Users[userId].Authentication;
        return type switch
        {
            AuthMethodType.Phone => authentication.PhoneMethods[methodId].ToDeleteRequestInformation(),
            AuthMethodType.MicrosoftAuthenticator => authentication.MicrosoftAuthenticatorMethods[methodId].ToDeleteRequestInformation(),
            AuthMethodType.Fido2 => authentication.Fido2Methods[methodId].ToDeleteRequestInformation(),
            AuthMethodType.SoftwareOath => authentication.SoftwareOathMethods[methodId].ToDeleteRequestInformation(),
            AuthMethodType.Email => authentication.EmailMethods[methodId].ToDeleteRequestInformation(),
            AuthMethodType.WindowsHelloForBusiness => authentication.WindowsHelloForBusinessMethods[methodId].ToDeleteRequestInformation(),
            AuthMethodType.TemporaryAccessPass => authentication.TemporaryAccessPassMethods[methodId].ToDeleteRequestInformation(),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "The password method cannot be deleted."),
        };
    }
}
