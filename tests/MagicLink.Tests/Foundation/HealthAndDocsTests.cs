using System.Net;
using System.Text.Json.Nodes;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Foundation;

public sealed class HealthAndDocsTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Liveness_and_readiness_answer_200_when_the_database_and_a_silo_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await Service.Http.GetAsync("/health/live")).StatusCode);
        var ready = await Service.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_public_routes_and_docs_render_it()
    {
        var document = JsonNode.Parse(await Service.Http.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/admin/v1/accounts", "/api/v1/account", "/api/v1/links", "/api/v1/links/{id}", "/api/v1/sessions", "/l/{token}" })
        {
            Assert.True(paths.ContainsKey(path), $"{path} is missing from the OpenAPI document");
        }

        var docs = await Service.Http.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("openapi/v1.json", await docs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_answer_problem_json()
    {
        await ProblemAssert.IsProblem(await Service.Http.GetAsync("/no/such/route"), HttpStatusCode.NotFound);
        var account = await Service.OpenAccountAsync();
        await ProblemAssert.IsProblem(await account.Client.DeleteAsync("/api/v1/account"), HttpStatusCode.MethodNotAllowed);
    }
}
