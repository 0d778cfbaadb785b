using System.Globalization;
using System.Text.Json.Nodes;
using Entrada.Core;
using Entrada.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Entrada.Server.Apis;

/// <summary>An endpoint's own request body limit, in bytes, over <see cref="ServerSettings.MaxRequestBodySize"/>.</summary>
/// <param name="Bytes">The most the endpoint reads.</param>
internal sealed record BodyLimit(long Bytes);

/// <summary>
/// The API's bounds on what a caller sends: the body's size (refused with 413 before it is read:
/// at once when its <c>Content-Length</c> says so, and by the server as soon as a body without one
/// goes past it), and in a run's input the length of each string and the number of items of each
/// list (400 naming the field).
/// </summary>
internal static class RequestLimits
{
    /// <summary>Gives an endpoint a body limit of its own.</summary>
    public static RouteHandlerBuilder WithBodyLimit(this RouteHandlerBuilder builder, long bytes) => builder.WithMetadata(new BodyLimit(bytes));

    /// <summary>Applies the body limit of the request's endpoint, before anything reads the body.</summary>
    public static async Task InvokeAsync(HttpContext http, Func<Task> next, ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(settings);
        if (!http.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase))
        {
            await next();
            return;
        }

        var limit = http.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>()?.Bytes ?? settings.MaxRequestBodySize;
        if (http.Request.ContentLength is { } length && length > limit)
        {
            // Answered without reading a byte of it; the connection is not kept for another request.
            http.Response.Headers.Connection = "close";
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = Problems.Of(StatusCodes.Status413PayloadTooLarge, TooLarge(length, limit)),
            });
            return;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        await next();
    }

    /// <summary>The message of a body over its limit.</summary>
    public static string TooLarge(long? length, long limit) =>
        string.Create(CultureInfo.InvariantCulture, $"The request body{(length is { } l ? $" is {l:N0} bytes; this endpoint" : " is larger than this endpoint")} takes at most {limit:N0} bytes. Send less at a time (a bulk run takes up to 100,000 ids), or raise the server's limit.");

    /// <summary>
    /// Checks a run's body: the connection's name and each string of the input at most
    /// <see cref="ServerSettings.MaxStringLength"/> characters, each list at most
    /// <see cref="ServerSettings.MaxListItems"/> items; a breach is a validation error naming the
    /// field (<c>input.userIds[3]</c>).
    /// </summary>
    public static void CheckRun(string? connection, JsonNode? input, ServerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new List<ValidationError>();
        if (connection?.Length > settings.MaxStringLength)
        {
            errors.Add(new ValidationError("connection", string.Create(CultureInfo.InvariantCulture, $"The field 'connection' is {connection.Length:N0} characters long; at most {settings.MaxStringLength:N0} are taken.")));
        }

        Walk(input, "input", settings, errors);
        if (errors.Count > 0)
        {
            throw new EntradaValidationException(errors);
        }
    }

    private static void Walk(JsonNode? node, string path, ServerSettings settings, List<ValidationError> errors)
    {
        if (errors.Count >= 10)
        {
            return;
        }

        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name.Length > settings.MaxStringLength)
                    {
                        errors.Add(new ValidationError(path, string.Create(CultureInfo.InvariantCulture, $"A field name in '{path}' is {name.Length:N0} characters long; at most {settings.MaxStringLength:N0} are taken.")));
                        continue;
                    }

                    Walk(value, $"{path}.{name}", settings, errors);
                }

                break;
            case JsonArray array:
                if (array.Count > settings.MaxListItems)
                {
                    errors.Add(new ValidationError(path, string.Create(CultureInfo.InvariantCulture, $"The list '{path}' has {array.Count:N0} items; a run takes at most {settings.MaxListItems:N0}. Split it into several runs.")));
                    break;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), settings, errors);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.Length > settings.MaxStringLength:
                errors.Add(new ValidationError(path, string.Create(CultureInfo.InvariantCulture, $"The field '{path}' is {text.Length:N0} characters long; at most {settings.MaxStringLength:N0} are taken.")));
                break;
        }
    }
}
