using System.Globalization;
using System.Text.Json;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>
/// A user's authentication methods under <c>/users/{id}/authentication</c> and <c>/me/authentication</c>:
/// every method (<c>methods</c>), each type's own collection, Temporary Access Passes, and the
/// documented refusals (the password is never deleted; the default MFA method only when it is the last;
/// a mobile number not while an alternate one remains; a pass's lifetime within the policy's).
/// </summary>
internal sealed partial class GraphApi
{
    /// <summary>The Temporary Access Pass policy's lifetime bounds and default, in minutes (Entra's defaults).</summary>
    internal const int TapMinimumLifetime = 60;

    internal const int TapMaximumLifetime = 480;

    internal const int TapDefaultLifetime = 60;

    private static readonly CollectionRules MethodRules = new() { DirectoryObjects = false, AllowTop = false, AllowFilter = false, AllowOrderBy = false, AllowSearch = false, Polymorphic = true };

    private GraphRoute AuthenticationRoutes(GraphRequest request, string[] rest, string idOrUpn, bool isMe)
    {
        if (rest.Length == 0 || rest.Length > 2)
        {
            throw GraphException.NoRoute(rest.Length == 0 ? "authentication" : rest[^1]);
        }

        var method = request.Method;
        var segment = rest[0];
        var isTap = segment == "temporaryAccessPassMethods";
        var read = isMe ? GraphOperation.MeAuthMethodsRead : isTap ? GraphOperation.TapRead : GraphOperation.AuthMethodsRead;
        var write = isMe ? GraphOperation.MeAuthMethodsWrite : isTap ? GraphOperation.TapWrite : GraphOperation.AuthMethodsWrite;
        var context = $"users('{(isMe ? request.Token!.ObjectId : idOrUpn)}')/authentication/{segment}";
        if (segment == "methods")
        {
            if (method != "GET")
            {
                throw MethodNotAllowed();
            }

            return rest.Length == 1
                ? new GraphRoute(read, () => QueryEngine.Collection(request, Base, MethodsOf(idOrUpn).Methods.Select(Refreshed).ToList(), context, MethodRules, [.. IdentitySchemas.MethodTypes.Select(t => t.Schema)]))
                : new GraphRoute(read, () => QueryEngine.Entity(request, Base, Refreshed(FindMethod(idOrUpn, rest[1], null)), context, includeType: true));
        }

        var schema = IdentitySchemas.MethodTypes.FirstOrDefault(t => t.Segment == segment).Schema ?? throw GraphException.NoRoute(segment);
        if (rest.Length == 1)
        {
            return method switch
            {
                "GET" => new GraphRoute(read, () => QueryEngine.Collection(request, Base, MethodsOf(idOrUpn).Methods.Where(m => m.Schema == schema).Select(Refreshed).ToList(), context, MethodRules, [schema])),
                "POST" when schema == IdentitySchemas.PhoneMethod => new GraphRoute(write, () => AddPhone(request, idOrUpn), IsWrite: true),
                "POST" when schema == IdentitySchemas.EmailMethod => new GraphRoute(write, () => AddEmail(request, idOrUpn), IsWrite: true),
                "POST" when isTap => new GraphRoute(write, () => AddTemporaryAccessPass(request, idOrUpn), IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        var id = rest[1];
        return method switch
        {
            "GET" => new GraphRoute(read, () => QueryEngine.Entity(request, Base, Refreshed(FindMethod(idOrUpn, id, schema)), context, includeType: true)),
            "DELETE" when schema != IdentitySchemas.PasswordMethod => new GraphRoute(write, () => DeleteMethod(request, idOrUpn, id, schema), IsWrite: true),
            "PATCH" when schema == IdentitySchemas.PhoneMethod || schema == IdentitySchemas.EmailMethod => new GraphRoute(write, () => UpdateMethod(request, idOrUpn, id, schema), IsWrite: true),
            _ => throw MethodNotAllowed(),
        };
    }

    private UserMethods MethodsOf(string idOrUpn) => State.MethodsOfLocked(FindUser(idOrUpn));

    private Entity FindMethod(string idOrUpn, string id, EntitySchema? schema) =>
        MethodsOf(idOrUpn).Methods.FirstOrDefault(m => m.Id.Equals(id, StringComparison.OrdinalIgnoreCase) && (schema is null || m.Schema == schema))
            ?? throw new GraphException(404, "itemNotFound", $"The authentication method '{id}' was not found for this user.");

    /// <summary>A pass's usability is judged when it is read: not yet valid, usable, or expired.</summary>
    private Entity Refreshed(Entity method)
    {
        if (method.Schema != IdentitySchemas.TemporaryAccessPassMethod)
        {
            return method;
        }

        var start = (DateTimeOffset)method.Get("startDateTime")!;
        var end = start.AddMinutes((int)method.Get("lifetimeInMinutes")!);
        var now = Now;
        var (usable, reason) = now < start ? (false, "NotYetValid") : now >= end ? (false, "Expired") : (true, "EnabledByPolicy");
        method.Set("isUsable", PropertyValues.Box(usable));
        method.Set("methodUsabilityReason", reason);
        return method;
    }

    private GraphResponse DeleteMethod(GraphRequest request, string idOrUpn, string id, EntitySchema schema)
    {
        var user = FindUser(idOrUpn);
        var methods = State.MethodsOfLocked(user);
        var target = FindMethod(idOrUpn, id, schema);
        var others = methods.Methods.Where(m => m != target && EmulatorState.IsMfaMethod(m.Schema)).ToList();
        if (target.Id == methods.DefaultMethodId && others.Count > 0)
        {
            throw new GraphException(400, "badRequest", "The user's default authentication method cannot be deleted while they have other methods registered. Change the user's default method, or delete the other methods first.");
        }

        if (schema == IdentitySchemas.PhoneMethod && target.GetString("phoneType") == "mobile" && others.Any(m => m.Schema == IdentitySchemas.PhoneMethod && m.GetString("phoneType") == "alternateMobile"))
        {
            throw new GraphException(400, "badRequest", "A user can't have an alternateMobile number without a mobile number. Delete the alternateMobile number first, or update the mobile number instead.");
        }

        methods.Methods.Remove(target);
        if (target.Id == methods.DefaultMethodId)
        {
            methods.DefaultMethodId = others.FirstOrDefault()?.Id;
        }

        State.AddAuditLocked(Now, "UserManagement", "Admin deleted security info", "Authentication Methods", "Delete", Initiator(request), user, "success", $"Admin deleted {schema.ResourceName}");
        return GraphResponse.NoContent();
    }

    private System.Text.Json.Nodes.JsonObject Initiator(GraphRequest request) =>
        request.Token!.IsApp
            ? EmulatorState.InitiatedByApp(request.Token.AppId, State.Apps.Values.FirstOrDefault(a => a.ClientId == request.Token.AppId)?.Name)
            : EmulatorState.InitiatedByUser(FindUser(request.Token.ObjectId), "127.0.0.1");

    private GraphResponse AddPhone(GraphRequest request, string idOrUpn)
    {
        var body = RequireBody(request);
        var number = body.TryGetProperty("phoneNumber", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw GraphException.BadRequest("The property 'phoneNumber' is required.");
        var type = body.TryGetProperty("phoneType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : throw GraphException.BadRequest("The property 'phoneType' is required.");
        CheckPhone(number, type);
        var user = FindUser(idOrUpn);
        var methods = State.MethodsOfLocked(user);
        var phones = methods.Methods.Where(m => m.Schema == IdentitySchemas.PhoneMethod).ToList();
        if (phones.Any(p => p.GetString("phoneType") == type))
        {
            throw new GraphException(400, "badRequest", $"The user already has a phone method of type '{type}'. Update it instead.");
        }

        if (type == "alternateMobile" && !phones.Any(p => p.GetString("phoneType") == "mobile"))
        {
            throw new GraphException(400, "badRequest", "A user can't have an alternateMobile number without a mobile number.");
        }

        var phone = State.NewMethod(IdentitySchemas.PhoneMethod, null, m =>
        {
            m.Set("phoneNumber", number);
            m.Set("phoneType", type);
            m.Set("smsSignInState", "notAllowedByPolicy");
        });
        methods.Methods.Add(phone);
        methods.DefaultMethodId ??= phone.Id;
        State.AddAuditLocked(Now, "UserManagement", "Admin registered security info", "Authentication Methods", "Add", Initiator(request), user, "success", "Admin registered phone method");
        return Created(request, phone, $"users('{user.Id}')/authentication/phoneMethods", $"{Base}/users/{user.Id}/authentication/phoneMethods/{phone.Id}");
    }

    private static void CheckPhone(string number, string type)
    {
        if (type is not ("mobile" or "alternateMobile" or "office"))
        {
            throw GraphException.BadRequest($"Invalid value specified for property 'phoneType': '{type}'. It is one of mobile, alternateMobile or office.");
        }

        if (!number.StartsWith('+') || number.Count(char.IsAsciiDigit) < 7 || number.Any(c => !(char.IsAsciiDigit(c) || c is '+' or ' ' or 'x' or 'X')))
        {
            throw GraphException.BadRequest($"Invalid phone number '{number}'. Phone numbers are in the format +{{country code}} {{number}}x{{extension}}, e.g. +1 5555551234.");
        }
    }

    private GraphResponse AddEmail(GraphRequest request, string idOrUpn)
    {
        var body = RequireBody(request);
        var address = body.TryGetProperty("emailAddress", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : throw GraphException.BadRequest("The property 'emailAddress' is required.");
        if (!Invitations.IsEmailAddress(address))
        {
            throw GraphException.BadRequest($"Invalid email address '{address}'.");
        }

        var user = FindUser(idOrUpn);
        var methods = State.MethodsOfLocked(user);
        if (methods.Methods.Any(m => m.Schema == IdentitySchemas.EmailMethod))
        {
            throw new GraphException(400, "badRequest", "The user already has an email method; a user has at most one. Update it instead.");
        }

        var email = State.NewMethod(IdentitySchemas.EmailMethod, null, m => m.Set("emailAddress", address));
        methods.Methods.Add(email);
        State.AddAuditLocked(Now, "UserManagement", "Admin registered security info", "Authentication Methods", "Add", Initiator(request), user, "success", "Admin registered email method");
        return Created(request, email, $"users('{user.Id}')/authentication/emailMethods", $"{Base}/users/{user.Id}/authentication/emailMethods/{email.Id}");
    }

    private GraphResponse UpdateMethod(GraphRequest request, string idOrUpn, string id, EntitySchema schema)
    {
        var body = RequireBody(request);
        var target = FindMethod(idOrUpn, id, schema);
        if (schema == IdentitySchemas.PhoneMethod)
        {
            var number = body.TryGetProperty("phoneNumber", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : target.GetString("phoneNumber")!;
            var type = body.TryGetProperty("phoneType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : target.GetString("phoneType")!;
            CheckPhone(number, type);
            target.Set("phoneNumber", number);
            target.Set("phoneType", type);
        }
        else
        {
            var address = body.TryGetProperty("emailAddress", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : throw GraphException.BadRequest("The property 'emailAddress' is required.");
            if (!Invitations.IsEmailAddress(address))
            {
                throw GraphException.BadRequest($"Invalid email address '{address}'.");
            }

            target.Set("emailAddress", address);
        }

        return GraphResponse.NoContent();
    }

    private GraphResponse AddTemporaryAccessPass(GraphRequest request, string idOrUpn)
    {
        var body = request.Body is { ValueKind: JsonValueKind.Object } b ? b : default;
        var lifetime = TapDefaultLifetime;
        var once = false;
        var start = Now;
        if (body.ValueKind == JsonValueKind.Object)
        {
            if (body.TryGetProperty("lifetimeInMinutes", out var l) && l.ValueKind != JsonValueKind.Null && !l.TryGetInt32(out lifetime))
            {
                throw GraphException.BadRequest("Invalid value specified for property 'lifetimeInMinutes': a whole number of minutes.");
            }

            if (body.TryGetProperty("isUsableOnce", out var o) && o.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                once = o.GetBoolean();
            }

            if (body.TryGetProperty("startDateTime", out var s) && s.ValueKind == JsonValueKind.String)
            {
                start = s.TryGetDateTimeOffset(out var parsed) ? parsed : throw GraphException.BadRequest("Invalid value specified for property 'startDateTime'.");
            }
        }

        if (lifetime < TapMinimumLifetime || lifetime > TapMaximumLifetime)
        {
            throw new GraphException(400, "badRequest", string.Create(CultureInfo.InvariantCulture, $"The lifetime of a Temporary Access Pass must be between {TapMinimumLifetime} and {TapMaximumLifetime} minutes under the tenant's policy; {lifetime} was asked for."));
        }

        var user = FindUser(idOrUpn);
        var methods = State.MethodsOfLocked(user);

        // A user has at most one pass: a new one replaces the one there is.
        methods.Methods.RemoveAll(m => m.Schema == IdentitySchemas.TemporaryAccessPassMethod);
        var value = EmulatorState.NewTemporaryAccessPass();
        var tap = State.NewMethod(IdentitySchemas.TemporaryAccessPassMethod, null, m =>
        {
            m.Set("temporaryAccessPass", value);
            m.Set("createdDateTime", Now);
            m.Set("startDateTime", start);
            m.Set("lifetimeInMinutes", lifetime);
            m.Set("isUsableOnce", PropertyValues.Box(once));
        });
        methods.Methods.Add(Refreshed(tap));
        State.AddAuditLocked(Now, "UserManagement", "Admin registered security info", "Authentication Methods", "Add", Initiator(request), user, "success", "Admin registered temporary access pass method for user");

        // The pass itself is in this answer only; every read after answers null.
        var response = GraphResponse.Json(201, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", $"{Base}/$metadata#users('{user.Id}')/authentication/temporaryAccessPassMethods/$entity");
            w.WriteString("@odata.type", "#" + IdentitySchemas.TemporaryAccessPassMethod.TypeName);
            w.WriteString("id", tap.Id);
            w.WriteString("temporaryAccessPass", value);
            foreach (var p in IdentitySchemas.TemporaryAccessPassMethod.Defaults.Where(p => p.Name is not ("id" or "temporaryAccessPass")))
            {
                w.WritePropertyName(p.Name);
                PropertyValues.Write(w, tap.Get(p));
            }

            w.WriteEndObject();
        });
        response.Headers["Location"] = $"{Base}/users/{user.Id}/authentication/temporaryAccessPassMethods/{tap.Id}";
        return response;
    }

    private GraphResponse Created(GraphRequest request, Entity entity, string contextSet, string location)
    {
        var body = QueryEngine.Entity(request, Base, entity, contextSet);
        var created = new GraphResponse { Status = 201, ContentType = body.ContentType, Body = body.Body };
        created.Headers["Location"] = location;
        return created;
    }
}
