using System.Net;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Hosted.HostedSteps;

namespace MagicLink.Tests.Hosted;

/// <summary>
/// A HEAD of the hosted flow's page (a mail scanner's, a link checker's) answers as the GET would,
/// without the body and without starting the session the way opening the page does.
/// </summary>
public sealed class HostedPageHeadTests(MovableClockFixture fixture) : IClassFixture<MovableClockFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_HEAD_of_the_flow_answers_as_its_GET_without_the_body_and_leaves_the_session_pending()
    {
        var account = await Service.OpenAccountAsync();
        var (id, path) = await OpenSessionAsync(account, expiresInSeconds: 60);

        using (var head = await HeadAsync(path))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal("text/html", head.Content.Headers.ContentType?.MediaType);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }

        Assert.Equal("pending", (string)(await SessionAsync(account, id))["status"]!);
        using (var unknown = await HeadAsync(path[..^4] + "zzzz"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        using var expired = await HeadAsync(path);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
    }

    private Task<HttpResponseMessage> HeadAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Head, path);
        request.Headers.Accept.ParseAdd("text/html");
        return Service.Http.SendAsync(request);
    }
}
