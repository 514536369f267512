using System.Globalization;
using MagicLink.Api.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace MagicLink.Api.Extensions;

/// <summary>
/// <c>/openapi/v1.json</c>: what the endpoints' metadata says, plus what no single endpoint can say
/// of itself — the two credentials, and the answers any route can give when the service is in trouble.
/// </summary>
public static class ApiDocument
{
    private static readonly (string Name, string Scheme, string Description)[] Credentials =
    [
        (ApiKeyAuthentication.Name, "basic", "The account's API key as user name and its secret as password."),
        (AdminAuthentication.Name, "bearer", "The operator's admin token (MAGICLINK_ADMIN_TOKEN)."),
    ];

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            // 3.0 rather than 3.1: what every client generator reads today.
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            // Enums travel as their snake_case names; saying "string" lets generators write them so.
            o.AddSchemaTransformer((schema, context, _) =>
            {
                if ((Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type).IsEnum && schema.Enum is { Count: > 0 })
                {
                    schema.Type = (schema.Type ?? 0) | JsonSchemaType.String;
                }

                return Task.CompletedTask;
            });
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Magic Link API";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                foreach (var (name, scheme, description) in Credentials)
                {
                    document.Components.SecuritySchemes[name] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = scheme,
                        Description = description,
                    };
                }

                InlineFiles(document);
                NullableReferences(document);
                return Task.CompletedTask;
            });
            o.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;

                // A route that answers GET and HEAD with one handler has one name; operation ids must differ.
                if (context.Description.HttpMethod == HttpMethods.Head && operation.OperationId is { } id)
                {
                    operation.OperationId = id + "Head";
                }

                if (metadata.OfType<SecuredBy>().LastOrDefault() is { } secured)
                {
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(secured.Scheme, context.Document)] = [] }];
                }

                operation.Responses ??= [];
                if (metadata.OfType<HtmlAnswers>().LastOrDefault() is { } html)
                {
                    var page = new OpenApiSchema { Type = JsonSchemaType.String };
                    foreach (var status in html.Statuses)
                    {
                        var key = status.ToString(CultureInfo.InvariantCulture);
                        if (!operation.Responses.TryGetValue(key, out var response))
                        {
                            operation.Responses[key] = response = new OpenApiResponse { Description = ReasonPhrases.GetReasonPhrase(status) };
                        }

                        if (response is OpenApiResponse concrete)
                        {
                            concrete.Content ??= new Dictionary<string, OpenApiMediaType>();
                            concrete.Content["text/html"] = new OpenApiMediaType { Schema = page };
                        }
                    }
                }

                var problem = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken);
                Add(operation.Responses, StatusCodes.Status400BadRequest, "The request is malformed (a path, query or header HTTP itself refuses).", problem);
                Add(operation.Responses, StatusCodes.Status500InternalServerError, "Something went wrong on our side.", problem);
                Add(operation.Responses, StatusCodes.Status503ServiceUnavailable,
                    "The database or a silo is briefly out of reach; nothing was applied that a retry would repeat. Retry after the Retry-After seconds.", problem);
            });
        });

    /// <summary>
    /// Writes a file as what it is where it is used (string, binary) instead of a reference to an
    /// IFormFile schema: some generators miss a file type that hides behind a reference.
    /// </summary>
    private static void InlineFiles(OpenApiDocument document)
    {
        if (document.Components?.Schemas is not { } schemas || !schemas.Remove(nameof(IFormFile)))
        {
            return;
        }

        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            foreach (var (name, property) in schema.Properties?.ToList() ?? [])
            {
                if (property is OpenApiSchemaReference { Reference.Id: nameof(IFormFile) })
                {
                    schema.Properties![name] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                }
            }
        }
    }

    /// <summary>
    /// A nullable enum or object property is written the way OpenAPI 3.0 readers expect
    /// (<c>nullable</c> beside <c>allOf</c>), not as a <c>oneOf</c> with a null-only branch,
    /// which generators turn into an untyped value.
    /// </summary>
    private static void NullableReferences(OpenApiDocument document)
    {
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            foreach (var (name, property) in schema.Properties?.ToList() ?? [])
            {
                if (property is OpenApiSchema { OneOf: [OpenApiSchema { Type: JsonSchemaType.Null }, OpenApiSchemaReference target] })
                {
                    schema.Properties![name] = new OpenApiSchema { Type = JsonSchemaType.Null, AllOf = [target] };
                }
            }
        }
    }

    private static void Add(OpenApiResponses responses, int status, string description, IOpenApiSchema schema) =>
        responses.TryAdd(status.ToString(CultureInfo.InvariantCulture), new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [Problems.ContentType] = new() { Schema = schema } },
        });
}
