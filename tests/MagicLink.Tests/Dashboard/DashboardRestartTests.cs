using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using MagicLink.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static MagicLink.Tests.Stats.FunnelSteps;

namespace MagicLink.Tests.Dashboard;

/// <summary>What the link page shows is counters in PostgreSQL: the same after every process of the service restarted.</summary>
public sealed class DashboardRestartTests
{
    private static readonly string[] Steps = ["clicks", "started", "submitted", "approved", "denied", "expired"];

    [Fact]
    public async Task The_link_pages_funnel_and_the_stats_api_show_the_same_numbers_after_a_full_restart()
    {
        await using var service = await MagicLinkService.StartAsync(settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" });
        var (account, _, client) = await DashboardClient.SignedInAsync(service, credits: 20);
        using var _ = client;
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 50 }, flow: "document");
        var path = $"/dashboard/links/{(string)link["id"]!}";
        await FiveClicksDownToOneApprovalAndOneDenialAsync(service, account, link);
        var before = Funnel(await client.PageAsync(path));
        Assert.Equal("clicks=5 started=3 submitted=2 approved=1 denied=1 expired=0", before);

        await service.RestartAsync();

        // The same browser: its sign-in is a row in PostgreSQL too.
        Assert.Equal(before, Funnel(await client.PageAsync(path)));
        Assert.Equal(FiveDownToOneAndOne, Line(await LinkStatsAsync(account, link)));
        Assert.Equal(FiveDownToOneAndOne, Line(await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/stats"))));
    }

    [Fact]
    public async Task The_hourly_chart_shows_the_last_24_hours_and_the_daily_chart_30_days_from_counters_that_survive_a_restart()
    {
        var now = DateTimeOffset.UtcNow;
        var time = new FakeTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 20, 0, TimeSpan.Zero));
        var first = time.GetUtcNow();
        await using var service = await MagicLinkService.StartAsync(settings: new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" }, time: time);
        var (account, email, client) = await DashboardClient.SignedInAsync(service, credits: 20);
        var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" }, flow: "document");
        var path = $"/dashboard/links/{(string)link["id"]!}";

        await ClickAsync(service, link, 2, HttpStatusCode.SeeOther);
        time.Advance(TimeSpan.FromHours(3));
        var earlier = await SessionIdsAsync(account, link);
        await ClickAsync(service, link, 1, HttpStatusCode.SeeOther);
        await WalkAsync(service, (await SessionIdsAsync(account, link)).Except(earlier).ToList(), started: 1, submitted: 0);

        var hours = Bars(await client.PageAsync(path + "?range=24h"));
        Assert.Equal(24, hours.Count);
        Assert.Equal(Hour(first.AddHours(3)), hours[^1].At);
        Assert.Equal(Hour(first.AddHours(-20)), hours[0].At);
        Assert.Equal((2, 0), hours.Single(b => b.At == Hour(first)).Counts);
        Assert.Equal((1, 1), hours[^1].Counts);
        Assert.Equal((3, 1), Sum(hours));
        var days = Bars(await client.PageAsync(path + "?range=30d"));
        Assert.Equal(30, days.Count);
        Assert.Equal((3, 1), Sum(days));
        Assert.Equal(days.Select(b => b.At), Bars(await client.PageAsync(path)).Select(b => b.At));
        client.Dispose();

        // A day later the first two clicks have left the hourly chart but not the daily one.
        time.Advance(TimeSpan.FromHours(22));
        await service.RestartAsync();
        using var later = DashboardClient.Anonymous(service);
        (await later.SignInAsync(email, DashboardClient.Password)).Dispose();
        hours = Bars(await later.PageAsync(path + "?range=24h"));
        Assert.Equal(24, hours.Count);
        Assert.Equal((1, 1), Sum(hours));
        Assert.Equal((1, 1), hours.Single(b => b.At == Hour(first.AddHours(3))).Counts);
        Assert.Equal((3, 1), Sum(Bars(await later.PageAsync(path + "?range=30d"))));
    }

    private static string Funnel(string html)
    {
        var page = Markup.Parse(html);
        return string.Join(' ', Steps.Select(step => $"{step}={page.QuerySelector($"#funnel [data-step={step}] strong")!.TextContent}"));
    }

    private sealed record Bar(string At, (int Clicks, int Started) Counts);

    /// <summary>The bars of the page's click-through chart, oldest first.</summary>
    private static List<Bar> Bars(string html) =>
        Markup.Parse(html).QuerySelectorAll("#funnel .chart [data-at]")
            .Select(g => new Bar(g.GetAttribute("data-at")!, (Number(g, "data-clicks"), Number(g, "data-started"))))
            .ToList();

    private static int Number(IElement element, string attribute) => int.Parse(element.GetAttribute(attribute)!, CultureInfo.InvariantCulture);

    private static (int, int) Sum(List<Bar> bars) => (bars.Sum(b => b.Counts.Clicks), bars.Sum(b => b.Counts.Started));

    private static string Hour(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:00Z", CultureInfo.InvariantCulture);
}
