using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>Checks on an invitation's fields.</summary>
internal static class Invitations
{
    /// <summary>A plausible e-mail address: one '@', a local part, a dotted domain, no spaces.</summary>
    public static bool IsEmailAddress(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == value.LastIndexOf('@') && value.IndexOf('.', at) > at + 1 && !value.EndsWith('.') && !value.Any(char.IsWhiteSpace);
    }
}

/// <summary>
/// <c>POST /invitations</c>: invites an external user as a guest, making the guest user (or inviting an
/// existing guest again), with the redeem URL — a credential, in this answer only — and, when asked,
/// the invitation e-mail (counted, not sent). Refused: no or malformed address or redirect URL, and an
/// address in one of the tenant's own verified domains.
/// </summary>
internal sealed partial class GraphApi
{
    private GraphRoute InvitationRoutes(GraphRequest request, string[] s)
    {
        if (s.Length != 1)
        {
            throw GraphException.NoRoute(s[^1]);
        }

        return request.Method == "POST"
            ? new GraphRoute(GraphOperation.InvitationsCreate, () => Invite(request), IsWrite: true)
            : throw MethodNotAllowed();
    }

    private GraphResponse Invite(GraphRequest request)
    {
        var body = RequireBody(request);
        var email = body.TryGetProperty("invitedUserEmailAddress", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()!.Trim() : null;
        if (string.IsNullOrEmpty(email))
        {
            throw GraphException.BadRequest("The property 'invitedUserEmailAddress' is required.");
        }

        if (!Invitations.IsEmailAddress(email))
        {
            throw GraphException.BadRequest($"The invited user's email address '{email}' is invalid.");
        }

        var redirect = body.TryGetProperty("inviteRedirectUrl", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (string.IsNullOrEmpty(redirect) || !Uri.TryCreate(redirect, UriKind.Absolute, out var redirectUri) || redirectUri.Scheme is not ("https" or "http"))
        {
            throw GraphException.BadRequest("The property 'inviteRedirectUrl' is required and must be an absolute http(s) URL.");
        }

        var domain = email[(email.IndexOf('@', StringComparison.Ordinal) + 1)..];
        if (State.VerifiedDomains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            throw GraphException.BadRequest($"The invited user's domain '{domain}' is a verified domain of this tenant; invite external users only.");
        }

        var displayName = body.TryGetProperty("invitedUserDisplayName", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var send = body.TryGetProperty("sendInvitationMessage", out var m) && m.ValueKind == JsonValueKind.True;
        var now = Now;
        var guest = State.Users.FirstOrDefault(u => u.UserType == "Guest" && string.Equals(u.GetString("mail"), email, StringComparison.OrdinalIgnoreCase));
        if (guest is null)
        {
            var upn = email.Replace('@', '_') + "#EXT#@" + State.TenantDomain;
            guest = new UserObject(EmulatorState.NewId(), State.NextSeq());
            guest.Set("displayName", displayName ?? email[..email.IndexOf('@', StringComparison.Ordinal)]);
            guest.Set("userPrincipalName", upn);
            guest.Set("mail", email);
            guest.Set("mailNickname", email.Replace('@', '_'));
            guest.Set("accountEnabled", PropertyValues.Box(true));
            guest.Set("userType", "Guest");
            guest.Set("creationType", "Invitation");
            guest.Set("externalUserState", "PendingAcceptance");
            guest.Set("externalUserStateChangeDateTime", now);
            guest.Set("createdDateTime", now);
            guest.Set("businessPhones", Array.Empty<string>());
            guest.Set("otherMails", new[] { email });
            guest.Set("proxyAddresses", new[] { "SMTP:" + email });
            guest.Set("imAddresses", Array.Empty<string>());
            guest.Set("identities", new JsonArray(new JsonObject { ["signInType"] = "userPrincipalName", ["issuer"] = State.TenantDomain, ["issuerAssignedId"] = upn }));
            guest.Set("assignedLicenses", new JsonArray());
            State.AddUserLocked(guest);
        }

        var ticket = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var redeem = "https://login.microsoftonline.com/redeem?rd=" + Uri.EscapeDataString($"https://invitations.microsoft.com/redeem/?tenant={State.TenantId}&user={guest.Id}&ticket={ticket}&ver=2.0");
        if (send)
        {
            State.InvitationMessagesSent++;
        }

        State.AddAuditLocked(now, "UserManagement", "Invite external user", "Invited Users", "Add", Initiator(request), guest, "success", null);
        var info = body.TryGetProperty("invitedUserMessageInfo", out var i) && i.ValueKind == JsonValueKind.Object ? JsonNode.Parse(i.GetRawText())!.AsObject() : new JsonObject();
        info["messageLanguage"] ??= null;
        info["customizedMessageBody"] ??= null;
        info["ccRecipients"] ??= new JsonArray();
        var invitation = new JsonObject
        {
            ["@odata.context"] = Base + "/$metadata#invitations/$entity",
            ["id"] = EmulatorState.NewId(),
            ["inviteRedeemUrl"] = redeem,
            ["invitedUserDisplayName"] = displayName,
            ["invitedUserType"] = body.TryGetProperty("invitedUserType", out var t) && t.GetString() is "Member" ? "Member" : "Guest",
            ["invitedUserEmailAddress"] = email,
            ["sendInvitationMessage"] = send,
            ["resetRedemption"] = body.TryGetProperty("resetRedemption", out var rr) && rr.ValueKind == JsonValueKind.True,
            ["inviteRedirectUrl"] = redirect,
            ["status"] = "PendingAcceptance",
            ["invitedUserMessageInfo"] = info,
            ["invitedUser"] = new JsonObject { ["id"] = guest.Id },
        };
        return GraphResponse.Json(201, w => invitation.WriteTo(w));
    }
}
