using MagicLink.Api.Application;
using MagicLink.Api.Components.Public;
using MagicLink.Api.Extensions;
using MagicLink.Api.Links;
using MagicLink.Api.Pages;
using MagicLink.Grains;
using MagicLink.Grains.Links;
using MagicLink.Grains.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Redeem;

/// <summary>
/// The public click. GET and HEAD only show the start page and never use the link, so mail
/// scanners and link previews cannot burn a single-use link; only the POST the start page's
/// button sends is a click.
/// </summary>
public static class RedeemEndpoints
{
    private const string ResumeCookie = "ml_resume";

    public static IEndpointRouteBuilder MapRedeemEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPage("/l/{token}", StartPage)
            .WithTags("Public").WithName("OpenLink").WithSummary("The link's start page; never uses the link.")
            .Produces<PublicLinkView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone)
            .AnswersHtml(StatusCodes.Status200OK, StatusCodes.Status404NotFound, StatusCodes.Status410Gone);
        app.MapPost("/l/{token}", Click)
            .RequireRateLimiting(PublicRateLimits.Redeem)
            .DisableAntiforgery()
            .WithTags("Public").WithName("ClickLink").WithSummary("One click: 303 to the new verification session, or 404/410/402/429.")
            .Produces(StatusCodes.Status303SeeOther).ProducesProblem(StatusCodes.Status402PaymentRequired)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .AnswersHtml(StatusCodes.Status402PaymentRequired, StatusCodes.Status404NotFound, StatusCodes.Status410Gone, StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<IResult> StartPage(string token, HttpContext http, IGrainFactory grains, UrlTokens tokens)
    {
        var link = await tokens.ReadAsync(token, Ids.Link) is { } id ? await grains.GetGrain<ILinkGrain>(id).Get() : null;
        if (link is null)
        {
            return RefusalPage.Answer(http, StatusCodes.Status404NotFound, Languages.Default, "notfound.title", "notfound.body");
        }

        if (link.Status != LinkStatus.Active)
        {
            return Gone(http, link);
        }

        if (!http.WantsHtml())
        {
            return Results.Ok(new PublicLinkView(link.Name, link.Flow, link.Language, link.Status));
        }

        return new RazorComponentResult<StartPage>(new { T = Texts.For(link.Language), Link = link, Token = token });
    }

    private static async Task<IResult> Click(
        string token, HttpContext http, IGrainFactory grains, UrlTokens tokens, ApiSettings settings, [FromKeyedServices(Clock.Key)] TimeProvider time)
    {
        if (await tokens.ReadAsync(token, Ids.Link) is not { } id)
        {
            return RefusalPage.Answer(http, StatusCodes.Status404NotFound, Languages.Default, "notfound.title", "notfound.body");
        }

        if (await UnfinishedSessionOfThisBrowser(http, id, grains, tokens) is { } resumeToken)
        {
            return new SeeOther(settings.Url("v/" + resumeToken));
        }

        var result = await grains.GetGrain<ILinkGrain>(id).Redeem();
        if (result.Outcome == RedeemOutcome.Accepted)
        {
            var session = result.Session!;
            var sessionToken = await tokens.ForAsync(session.Id);
            http.Response.Cookies.Append(ResumeCookie, sessionToken, new CookieOptions
            {
                Path = "/l/" + token,
                HttpOnly = true,
                Secure = http.Request.IsHttps,
                SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax,
                MaxAge = session.ExpiresAt - time.GetUtcNow(),
                IsEssential = true,
            });
            return new SeeOther(settings.Url("v/" + sessionToken));
        }

        return result.Outcome switch
        {
            RedeemOutcome.Gone => Gone(http, result.Link!),
            RedeemOutcome.NoCredit => RefusalPage.Answer(http, StatusCodes.Status402PaymentRequired, result.Link!.Language, "nocredit.title", "nocredit.body"),
            _ => RefusalPage.Answer(http, StatusCodes.Status404NotFound, Languages.Default, "notfound.title", "notfound.body"),
        };
    }

    /// <summary>
    /// Same-browser resume: the accepted click left a cookie (scoped to this link's path) naming its
    /// session; while that session is unfinished, clicking again returns to it and uses nothing.
    /// </summary>
    private static async Task<string?> UnfinishedSessionOfThisBrowser(HttpContext http, string linkId, IGrainFactory grains, UrlTokens tokens)
    {
        if (http.Request.Cookies[ResumeCookie] is not { } held || await tokens.ReadAsync(held, Ids.Session) is not { } sessionId)
        {
            return null;
        }

        var session = await grains.GetGrain<ISessionGrain>(sessionId).Get();
        return session is { Status: SessionStatus.Pending or SessionStatus.InProgress } && session.LinkId == linkId ? held : null;
    }

    private static IResult Gone(HttpContext http, LinkInfo link) =>
        RefusalPage.Answer(http, StatusCodes.Status410Gone, link.Language, "gone.title", link.Status switch
        {
            LinkStatus.Expired => "gone.expired",
            LinkStatus.Exhausted => "gone.exhausted",
            _ => "gone.deactivated",
        });
}
