using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Entrada.Emulator.OData;
using Entrada.Emulator.State;

namespace Entrada.Emulator.Graph;

/// <summary>
/// App registrations (<c>/applications</c>): list, get, create, update, delete, and their credentials —
/// <c>addPassword</c> (the secret text answered once), <c>removePassword</c>, and <c>addKey</c>/<c>removeKey</c>,
/// which need a proof of possession signed by one of the app's current certificates. An app that can sign in
/// keeps its secrets and certificates in step with the token endpoint.
/// </summary>
internal sealed partial class GraphApi
{
    /// <summary>The audience of a proof of possession (Azure AD Graph's application ID, as Microsoft's page says).</summary>
    private const string ProofAudience = "00000002-0000-0000-c000-000000000000";

    private GraphRoute ApplicationRoutes(GraphRequest request, string[] s)
    {
        var method = request.Method;
        if (s.Length == 1)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.ApplicationsRead, () => QueryEngine.Collection(request, Base, State.Applications, "applications", CollectionRules.TopLevel, [AppSchemas.Application])),
                "POST" => new GraphRoute(GraphOperation.ApplicationsCreate, () => CreateApplication(request), IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 2 && s[1] == "$count")
        {
            return new GraphRoute(GraphOperation.ApplicationsRead, () => QueryEngine.Count(request, State.Applications, CollectionRules.TopLevel, [AppSchemas.Application]));
        }

        var id = s[1];
        ApplicationObject Find() => State.FindApplicationLocked(id) ?? throw GraphException.NotFound(id);
        if (s.Length == 2)
        {
            return method switch
            {
                "GET" => new GraphRoute(GraphOperation.ApplicationsRead, () => QueryEngine.Entity(request, Base, Find(), "applications")),
                "PATCH" => new GraphRoute(GraphOperation.ApplicationsWrite, () => UpdateApplication(request, Find()), IsWrite: true),
                "DELETE" => new GraphRoute(GraphOperation.ApplicationsWrite, () => DeleteApplication(Find()), IsWrite: true),
                _ => throw MethodNotAllowed(),
            };
        }

        if (s.Length == 3 && method == "POST")
        {
            return s[2] switch
            {
                "addPassword" => new GraphRoute(GraphOperation.ApplicationsWrite, () => AddPassword(request, Find(), Find().Registration), IsWrite: true),
                "removePassword" => new GraphRoute(GraphOperation.ApplicationsWrite, () => RemovePassword(request, Find(), Find().Registration), IsWrite: true),
                "addKey" => new GraphRoute(GraphOperation.ApplicationsWrite, () => AddKey(request, Find()), IsWrite: true),
                "removeKey" => new GraphRoute(GraphOperation.ApplicationsWrite, () => RemoveKey(request, Find()), IsWrite: true),
                _ => throw GraphException.NoRoute(s[2]),
            };
        }

        if (s.Length >= 3 && s[2] == "owners" && method == "GET")
        {
            return new GraphRoute(GraphOperation.ApplicationsRead, () => LinkCollection(request, Find().Owners, s[3..]));
        }

        throw GraphException.NoRoute(s[^1]);
    }

    private GraphResponse CreateApplication(GraphRequest request)
    {
        var body = RequireBody(request);
        if (!body.TryGetProperty("displayName", out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
        {
            throw GraphException.BadRequest("Invalid value specified for property 'displayName' of resource 'Application'.");
        }

        var registration = new AppRegistration { Name = name.GetString()!, ClientId = EmulatorState.NewId(), ObjectId = EmulatorState.NewId() };
        var app = AppDirectory.NewApplication(State, registration, Now);
        try
        {
            ApplyApplicationBody(app, body);
        }
        catch (GraphException)
        {
            State.Applications.Remove(app);
            throw;
        }

        // A new registration can sign in once it has a credential, as in Entra.
        State.Apps[registration.ClientId] = registration;
        return Created(request, app, "applications");
    }

    private GraphResponse Created(GraphRequest request, Entity entity, string set)
    {
        var response = QueryEngine.Entity(request, Base, entity, set);
        return new GraphResponse { Status = 201, ContentType = response.ContentType, Body = response.Body, Headers = { ["Location"] = $"{Base}/{set}/{entity.Id}" } };
    }

    private GraphResponse UpdateApplication(GraphRequest request, ApplicationObject app)
    {
        ApplyApplicationBody(app, RequireBody(request));
        return GraphResponse.NoContent();
    }

    /// <summary>Sets an application's properties; <c>keyCredentials</c> is replaced whole (certificates checked), <c>passwordCredentials</c> only through addPassword.</summary>
    private void ApplyApplicationBody(ApplicationObject app, JsonElement body)
    {
        JsonArray? keys = null;
        ApplyProperties(app, body, (name, value) =>
        {
            if (name.Equals("passwordCredentials", StringComparison.OrdinalIgnoreCase))
            {
                throw GraphException.BadRequest("Property 'passwordCredentials' cannot be updated; use the addPassword and removePassword actions.");
            }

            if (name.Equals("keyCredentials", StringComparison.OrdinalIgnoreCase))
            {
                keys = ReadKeyCredentials(value);
                return true;
            }

            return false;
        });
        if (keys is not null)
        {
            app.Set("keyCredentials", keys);
            SyncCertificates(app);
        }
    }

    private static JsonArray ReadKeyCredentials(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw GraphException.BadRequest("Cannot convert the literal to the expected type 'Collection(microsoft.graph.keyCredential)' of property 'keyCredentials'.");
        }

        var result = new JsonArray();
        foreach (var item in value.EnumerateArray())
        {
            var certificate = ReadCertificate(item);
            var keyId = item.TryGetProperty("keyId", out var k) && k.ValueKind == JsonValueKind.String && Guid.TryParse(k.GetString(), out var g) ? g.ToString() : Guid.NewGuid().ToString();
            var display = item.TryGetProperty("displayName", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : certificate.Subject;
            result.Add(AppDirectory.KeyCredential(certificate, keyId, display));
        }

        return result;
    }

    private static X509Certificate2 ReadCertificate(JsonElement keyCredential)
    {
        var type = keyCredential.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type is not (null or "AsymmetricX509Cert"))
        {
            throw GraphException.BadRequest($"Key credential type '{type}' is not supported; use 'AsymmetricX509Cert'.");
        }

        if (!keyCredential.TryGetProperty("key", out var key) || key.ValueKind != JsonValueKind.String)
        {
            throw GraphException.BadRequest("Invalid value specified for property 'key' of resource 'KeyCredential'.");
        }

        try
        {
            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(key.GetString()!));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw GraphException.BadRequest("Key credential 'key' must be a base64-encoded X.509 certificate.");
        }
    }

    /// <summary>The certificates the token endpoint accepts are the app's keyCredentials.</summary>
    private static void SyncCertificates(ApplicationObject app)
    {
        var certificates = app.Registration.Certificates;
        certificates.Clear();
        foreach (var key in (app.Get("keyCredentials") as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)key["key"] is { } raw)
            {
                certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(raw)));
            }
        }
    }

    private GraphResponse DeleteApplication(ApplicationObject app)
    {
        State.Applications.Remove(app);
        State.ServicePrincipals.RemoveAll(sp => sp.AppId.Equals(app.AppId, StringComparison.OrdinalIgnoreCase));
        State.Apps.Remove(app.AppId);
        return GraphResponse.NoContent();
    }

    /// <summary>addPassword on an application or service principal: the secret text is in this answer only.</summary>
    private GraphResponse AddPassword(GraphRequest request, Entity owner, AppRegistration? registration)
    {
        var now = Now;
        string? displayName = null;
        var start = now;
        var end = now.AddYears(2);
        if (request.Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("passwordCredential", out var credential) && credential.ValueKind == JsonValueKind.Object)
        {
            displayName = credential.TryGetProperty("displayName", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            start = DateOf(credential, "startDateTime") ?? start;
            end = DateOf(credential, "endDateTime") ?? start.AddYears(2);
            if (end <= start)
            {
                throw GraphException.BadRequest("Key credential end date must be later than its start date.");
            }
        }

        var secret = TenantGenerator.NewSecret();
        var keyId = Guid.NewGuid().ToString();
        var stored = AppDirectory.StoredPassword(keyId, displayName, start, end, secret[..3]);
        ((JsonArray)owner.Get("passwordCredentials")!).Add(stored);
        registration?.Secrets.Add(new ClientSecret(secret, end) { KeyId = keyId });
        var answered = stored.DeepClone().AsObject();
        answered["secretText"] = secret;
        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", Base + "/$metadata#microsoft.graph.passwordCredential");
            foreach (var (name, value) in answered)
            {
                w.WritePropertyName(name);
                PropertyValues.Write(w, value);
            }

            w.WriteEndObject();
        });
    }

    private static DateTimeOffset? DateOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d.ToUniversalTime() : throw GraphException.BadRequest($"Invalid value specified for property '{name}' of resource 'PasswordCredential'.")
            : null;

    private static string RequireKeyId(JsonElement body)
    {
        if (!body.TryGetProperty("keyId", out var keyId) || keyId.ValueKind != JsonValueKind.String || !Guid.TryParse(keyId.GetString(), out var parsed))
        {
            throw GraphException.BadRequest("Invalid value specified for property 'keyId': a GUID is required.");
        }

        return parsed.ToString();
    }

    private static JsonObject? Credential(JsonArray credentials, string keyId) =>
        credentials.OfType<JsonObject>().FirstOrDefault(c => string.Equals((string?)c["keyId"], keyId, StringComparison.OrdinalIgnoreCase));

    private GraphResponse RemovePassword(GraphRequest request, Entity owner, AppRegistration? registration)
    {
        var keyId = RequireKeyId(RequireBody(request));
        var credentials = (JsonArray)owner.Get("passwordCredentials")!;
        var credential = Credential(credentials, keyId) ?? throw NoCredential(keyId);
        credentials.Remove(credential);
        registration?.Secrets.RemoveAll(s => s.KeyId.Equals(keyId, StringComparison.OrdinalIgnoreCase));
        return GraphResponse.NoContent();
    }

    private static GraphException NoCredential(string keyId) =>
        new(404, "Request_ResourceNotFound", $"No credential with keyId '{keyId}' exists on the object.");

    private GraphResponse AddKey(GraphRequest request, ApplicationObject app)
    {
        var body = RequireBody(request);
        CheckProof(body, app);
        if (!body.TryGetProperty("keyCredential", out var keyCredential) || keyCredential.ValueKind != JsonValueKind.Object)
        {
            throw GraphException.BadRequest("The parameter 'keyCredential' is required.");
        }

        var certificate = ReadCertificate(keyCredential);
        var display = keyCredential.TryGetProperty("displayName", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : certificate.Subject;
        var added = AppDirectory.KeyCredential(certificate, Guid.NewGuid().ToString(), display);
        ((JsonArray)app.Get("keyCredentials")!).Add(added);
        SyncCertificates(app);
        var answered = added.DeepClone().AsObject();
        answered["key"] = null;
        return GraphResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("@odata.context", Base + "/$metadata#microsoft.graph.keyCredential");
            foreach (var (name, value) in answered)
            {
                w.WritePropertyName(name);
                PropertyValues.Write(w, value);
            }

            w.WriteEndObject();
        });
    }

    private GraphResponse RemoveKey(GraphRequest request, ApplicationObject app)
    {
        var body = RequireBody(request);
        var keyId = RequireKeyId(body);
        CheckProof(body, app);
        var credentials = (JsonArray)app.Get("keyCredentials")!;
        var credential = Credential(credentials, keyId) ?? throw NoCredential(keyId);
        credentials.Remove(credential);
        SyncCertificates(app);
        return GraphResponse.NoContent();
    }

    /// <summary>
    /// The proof of possession: a JWT signed (RS256 or ES256) by one of the app's current certificates, with
    /// <c>aud</c> 00000002-0000-0000-c000-000000000000, <c>iss</c> the application's object ID, and a lifetime
    /// of at most 10 minutes that has not ended.
    /// </summary>
    private void CheckProof(JsonElement body, ApplicationObject app)
    {
        if (!body.TryGetProperty("proof", out var proofElement) || proofElement.ValueKind != JsonValueKind.String || proofElement.GetString() is not { Length: > 0 } proof)
        {
            throw GraphException.BadRequest("The parameter 'proof' is required: a JWT signed by one of the application's current certificates.");
        }

        var parts = proof.Split('.');
        JsonElement header, payload;
        try
        {
            if (parts.Length != 3)
            {
                throw new FormatException();
            }

            header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
            payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw InvalidProof("it is not a JWT");
        }

        var now = Now;
        if (!payload.TryGetProperty("aud", out var aud) || aud.GetString() != ProofAudience)
        {
            throw InvalidProof($"its audience must be '{ProofAudience}'");
        }

        if (!payload.TryGetProperty("iss", out var iss) || !string.Equals(iss.GetString(), app.Id, StringComparison.OrdinalIgnoreCase))
        {
            throw InvalidProof("its issuer must be the application's object ID");
        }

        if (!payload.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expires) || !payload.TryGetProperty("nbf", out var nbf) || !nbf.TryGetInt64(out var notBefore)
            || DateTimeOffset.FromUnixTimeSeconds(expires) <= now || expires - notBefore > 600 || DateTimeOffset.FromUnixTimeSeconds(notBefore) > now.AddMinutes(5))
        {
            throw InvalidProof("it has expired, is not yet valid, or lasts more than 10 minutes");
        }

        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        var alg = header.TryGetProperty("alg", out var a) ? a.GetString() : null;
        var certificates = (app.Get("keyCredentials") as JsonArray ?? []).OfType<JsonObject>()
            .Select(k => (string?)k["key"]).OfType<string>()
            .Select(raw => X509CertificateLoader.LoadCertificate(Convert.FromBase64String(raw)));
        foreach (var certificate in certificates.Where(c => c.NotAfter.ToUniversalTime() > now.UtcDateTime))
        {
            var valid = alg switch
            {
                "RS256" => certificate.GetRSAPublicKey()?.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) ?? false,
                "ES256" => certificate.GetECDsaPublicKey()?.VerifyData(signed, signature, HashAlgorithmName.SHA256) ?? false,
                _ => false,
            };
            if (valid)
            {
                return;
            }
        }

        throw InvalidProof("it is not signed by any of the application's current certificates");
    }

    private static GraphException InvalidProof(string why) =>
        GraphException.BadRequest($"The proof of possession is invalid: {why}.");
}
