using System.Globalization;
using MagicLink.Api.Access;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MagicLink.Api.Stats;

/// <summary>The funnel of a link (<c>/api/v1/links/{id}/stats</c>) and of the account (<c>/api/v1/stats</c>).</summary>
public static class StatsApi
{
    /// <summary>Days an account range may span, both ends included: a year, leap day and all.</summary>
    public const int MaxDays = 366;

    /// <summary>The range when none is asked for: the last 30 days, today included.</summary>
    public const int DefaultDays = 30;

    public static IServiceCollection AddFunnelStats(this IServiceCollection services) => services
        .AddSingleton<FunnelQueries>()
        .AddSingleton<RateLimitedClicks>()
        .AddHostedService(s => s.GetRequiredService<RateLimitedClicks>());

    public static RouteGroupBuilder MapStatsApi(this RouteGroupBuilder api)
    {
        var stats = api.MapGroup("").WithTags("Stats");
        stats.MapGet("/links/{id}/stats", GetLinkStats).WithName("GetLinkStats")
            .WithSummary("The link's funnel: accepted clicks, sessions started, submitted, approved, denied, expired, and refused clicks by reason.");
        stats.MapGet("/stats", GetAccountStats).WithName("GetAccountStats")
            .WithSummary("The account's funnel over ?from=&to= (UTC dates, YYYY-MM-DD, both included; default the last 30 days), with every day.");
        return api;
    }

    private static async Task<Results<Ok<FunnelView>, NotFoundProblem>> GetLinkStats(string id, HttpContext http, FunnelQueries funnels) =>
        Ids.IsValid(id, Ids.Link) && await funnels.LinkAsync(http.AccountId(), id) is { } funnel
            ? TypedResults.Ok(funnel)
            : Problems.NotFound("link");

    private static async Task<Results<Ok<AccountFunnelView>, ValidationProblem>> GetAccountStats(
        [AsParameters] StatsRange range, HttpContext http, FunnelQueries funnels, [FromKeyedServices(Clock.Key)] TimeProvider time)
    {
        var check = new Validation();
        var from = Day(check, "from", range.From);
        var to = Day(check, "to", range.To);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var last = to ?? (from is { } f && f.AddDays(DefaultDays - 1) < today ? f.AddDays(DefaultDays - 1) : today);
        var first = from ?? last.AddDays(-(DefaultDays - 1));
        if (first > last)
        {
            check.Add(from is null ? "to" : "from", "from must not be after to.");
        }
        else if (last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            check.Add("to", $"The range may span at most {MaxDays} days.");
        }

        return check.IsValid ? TypedResults.Ok(await funnels.AccountAsync(http.AccountId(), first, last)) : check.Problem();
    }

    private static DateOnly? Day(Validation check, string field, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        check.Add(field, $"{field} must be a date written YYYY-MM-DD.");
        return null;
    }

    /// <summary>The query of <c>GET /api/v1/stats</c>, read as text so a bad date is a 400 naming its field.</summary>
    public sealed record StatsRange([property: FromQuery(Name = "from")] string? From, [property: FromQuery(Name = "to")] string? To);
}
