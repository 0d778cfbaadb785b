using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Entrada.Server.Hosting;

/// <summary>Describes the API's bearer API keys in the OpenAPI document.</summary>
internal sealed class OpenApiSecurity : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info.Title = "Entrada API";
        document.Info.Description = "Connections to Microsoft Entra ID and LDAP, their tests, and the actions to run on them. Every call needs 'Authorization: Bearer KEY' (keys: 'entrada keys create'). Errors are RFC 9457 problem details.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An Entrada API key (entrada_…).",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKey", document)] = [] });
        return Task.CompletedTask;
    }
}
