using System.Net;
using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static MagicLink.Tests.Hosted.HostedSteps;

namespace MagicLink.Tests.Hosted;

public class MovableClockFixture : ServiceFixture
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    protected override TimeProvider? Clock => Time;
}

/// <summary>A session past its lifetime: nothing more is taken, and the person is sent to the error URL.</summary>
public sealed class ExpiredSessionTests(MovableClockFixture fixture) : IClassFixture<MovableClockFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task An_expired_session_refuses_uploads_and_submit_with_410_and_its_page_sends_the_person_to_the_error_url()
    {
        var account = await Service.OpenAccountAsync();
        const string errorUrl = "https://shop.example/verify/failed?order=42";
        var (id, path) = await OpenSessionAsync(account, flow: "document", language: "fr", errorUrl: errorUrl, expiresInSeconds: 60);
        await UploadOkAsync(Service.Http, path, "document_front", TestImages.Jpeg());
        fixture.Time.Advance(TimeSpan.FromMinutes(2));

        var upload = await ProblemAssert.IsProblem(await UploadAsync(Service.Http, path, "document_back", TestImages.Jpeg()), HttpStatusCode.Gone);
        Assert.Equal("expired", (string)upload["code"]!);
        await ProblemAssert.IsProblem(await SubmitAsync(Service.Http, path), HttpStatusCode.Gone);
        Assert.Equal(1, await UploadRowsAsync(Service, id));

        var view = await HostedViewAsync(Service.Http, path);
        Assert.Equal("expired", (string)view["status"]!);
        Assert.Equal(errorUrl, (string)view["redirectUrl"]!);

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/html");
        using var page = await Service.Http.SendAsync(request);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Gone, page.StatusCode);
        Assert.Equal("Cette vérification a expiré", Markup.Parse(html).QuerySelector("h1")!.TextContent);
        Assert.Contains("http-equiv=\"refresh\"", html, StringComparison.Ordinal);
        Assert.Contains("url=https://shop.example/verify/failed?order=42", html, StringComparison.Ordinal);
        Assert.Equal("expired", (string)(await SessionAsync(account, id))["status"]!);
    }
}
