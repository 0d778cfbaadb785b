using System.ComponentModel;
using Microsoft.Graph.Models;

namespace Entrada.Graph.AuthMethods;

/// <summary>One authentication method of a user, with what identifies it to a person.</summary>
internal sealed record AuthMethodItem(
    [property: Description("The method's ID (with type, what users.auth-methods.delete takes).")] string? Id,
    [property: Description("phone, microsoftAuthenticator, fido2, softwareOath, email, windowsHelloForBusiness, temporaryAccessPass or password.")] string Type,
    [property: Description("The device or key's name, where the method has one.")] string? DisplayName,
    [property: Description("A phone method's number, e.g. +1 4255550100.")] string? PhoneNumber,
    [property: Description("A phone method's type: mobile, alternateMobile or office.")] string? PhoneType,
    [property: Description("An e-mail method's address.")] string? EmailAddress,
    [property: Description("When it was registered, where Graph says.")] DateTimeOffset? CreatedDateTime,
    [property: Description("More about it: the Authenticator's app version, the key's model, the pass's usability.")] string? Detail)
{
    public static AuthMethodItem From(AuthenticationMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var type = AuthMethodTypes.Of(method)?.Wire() ?? method.OdataType?.Replace("#microsoft.graph.", string.Empty, StringComparison.Ordinal) ?? "unknown";
        return method switch
        {
            PhoneAuthenticationMethod p => new(p.Id, type, null, p.PhoneNumber, RiskyUsers.RiskyUserItem.Wire(p.PhoneType), null, null, p.SmsSignInState is not null ? $"SMS sign-in: {RiskyUsers.RiskyUserItem.Wire(p.SmsSignInState)}" : null),
            EmailAuthenticationMethod e => new(e.Id, type, null, null, null, e.EmailAddress, null, null),
            MicrosoftAuthenticatorAuthenticationMethod a => new(a.Id, type, a.DisplayName, null, null, null, a.CreatedDateTime, a.PhoneAppVersion is null ? a.DeviceTag : $"app {a.PhoneAppVersion}"),
            Fido2AuthenticationMethod f => new(f.Id, type, f.DisplayName, null, null, null, f.CreatedDateTime, f.Model),
            WindowsHelloForBusinessAuthenticationMethod w => new(w.Id, type, w.DisplayName, null, null, null, w.CreatedDateTime, w.KeyStrength is not null ? $"key strength {RiskyUsers.RiskyUserItem.Wire(w.KeyStrength)}" : null),
            TemporaryAccessPassAuthenticationMethod t => new(t.Id, type, null, null, null, null, t.CreatedDateTime, TapItem.Usability(t)),
            PasswordAuthenticationMethod pw => new(pw.Id, type, null, null, null, null, pw.CreatedDateTime, null),
            _ => new(method.Id, type, null, null, null, null, null, null),
        };
    }
}
