using System.Net;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Hosted;

public sealed class FlowRateLimitFixture : ServiceFixture
{
    public const int PerSession = 3;
    public const int PerAddress = 8;

    protected override Dictionary<string, string> Settings => new()
    {
        ["MAGICLINK_FLOW_SESSION_RATE_LIMIT"] = PerSession.ToString(),
        ["MAGICLINK_FLOW_RATE_LIMIT"] = PerAddress.ToString(),
    };
}

/// <summary>The hosted flow (page, uploads, submit) is limited per session and per client address.</summary>
public sealed class FlowRateLimitTests(FlowRateLimitFixture fixture) : IClassFixture<FlowRateLimitFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task One_session_gets_its_per_minute_share_then_429_with_retry_after_and_the_address_limit_caps_all_sessions()
    {
        var account = await Service.OpenAccountAsync();
        var (_, busy) = await HostedSteps.OpenSessionAsync(account);

        for (var i = 0; i < FlowRateLimitFixture.PerSession - 1; i++)
        {
            await HostedSteps.HostedViewAsync(Service.Http, busy);
        }

        using var upload = await HostedSteps.UploadAsync(Service.Http, busy, "document_front", TestImages.Jpeg());
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        using var refused = await HostedSteps.SubmitAsync(Service.Http, busy);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        // Each new session from the same address has its own share, until the address runs out.
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < FlowRateLimitFixture.PerAddress; i++)
        {
            var (_, fresh) = await HostedSteps.OpenSessionAsync(account);
            using var request = new HttpRequestMessage(HttpMethod.Get, fresh);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await Service.Http.SendAsync(request);
            codes.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, codes[0]);
        Assert.Equal(HttpStatusCode.TooManyRequests, codes[^1]);
    }
}
