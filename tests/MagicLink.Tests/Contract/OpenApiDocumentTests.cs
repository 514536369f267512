using MagicLink.Tests.Infrastructure;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace MagicLink.Tests.Contract;

public sealed class OpenApiDocumentTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task The_document_reads_without_a_single_error_or_warning()
    {
        var json = await Service.Http.GetStringAsync("/openapi/v1.json");
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "magiclink-openapi.json"), json);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var settings = new OpenApiReaderSettings();
        var (document, diagnostic) = await OpenApiDocument.LoadAsync(stream, "json", settings);
        Assert.NotNull(document);
        Assert.Empty(diagnostic!.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(diagnostic.Warnings.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet())!.Select(e => $"{e.Pointer}: {e.Message}"));
    }

    [Fact]
    public async Task Every_client_and_admin_operation_names_its_credential_and_the_401_it_answers_without_one()
    {
        var contract = await ApiContract.ForAsync(Service.Http.BaseAddress!);
        Assert.Equal(["AdminBearer", "Basic"], contract.Document.Components.SecuritySchemes.Keys.Order());
        var operations = contract.Document.Paths
            .Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal) || p.Key.StartsWith("/admin/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value)))
            .ToList();
        Assert.NotEmpty(operations);
        foreach (var (path, method, operation) in operations)
        {
            var scheme = path.StartsWith("/admin/", StringComparison.Ordinal) ? "AdminBearer" : "Basic";
            Assert.True(operation.Security?.SingleOrDefault()?.ContainsKey(scheme) == true, $"{method} {path} does not require {scheme}");
            Assert.True(operation.ActualResponses.ContainsKey("401"), $"{method} {path} does not document 401");
            Assert.True(operation.ActualResponses["401"].Content.ContainsKey("application/problem+json"), $"{method} {path}: 401 is not problem+json");
        }
    }

    [Fact]
    public async Task Every_operation_has_its_own_operation_id()
    {
        var contract = await ApiContract.ForAsync(Service.Http.BaseAddress!);
        var ids = contract.Document.Operations.Select(o => o.Operation.OperationId ?? $"(none: {o.Method} {o.Path})").ToList();
        Assert.DoesNotContain(ids, id => id.StartsWith("(none", StringComparison.Ordinal));
        Assert.Empty(ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public async Task Every_write_documents_its_body_and_every_path_parameter_is_declared()
    {
        var contract = await ApiContract.ForAsync(Service.Http.BaseAddress!);
        foreach (var (path, item) in contract.Document.Paths)
        {
            var names = System.Text.RegularExpressions.Regex.Matches(path, @"\{([^}]+)\}").Select(m => m.Groups[1].Value).ToList();
            foreach (var (method, operation) in item)
            {
                var declared = operation.ActualParameters.Where(p => p.Kind == NSwag.OpenApiParameterKind.Path).Select(p => p.Name).Order();
                Assert.True(names.Order().SequenceEqual(declared), $"{method} {path} declares path parameters [{string.Join(", ", declared)}]");
                // A write that can refuse a body's media type takes a body, so it says which.
                if (operation.ActualResponses.ContainsKey("415"))
                {
                    Assert.True(operation.RequestBody?.Content.Count > 0, $"{method} {path} documents no request body");
                }
            }
        }
    }
}
