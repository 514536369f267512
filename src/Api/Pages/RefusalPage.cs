using MagicLink.Api.Components.Public;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Pages;

/// <summary>Why a public page cannot go on (unknown link, gone, no credit, too many attempts), in the link's language.</summary>
public static class RefusalPage
{
    /// <summary>A refusal as a page for browsers and as problem+json for everyone else.</summary>
    public static IResult Answer(HttpContext http, int status, string language, string titleKey, string bodyKey)
    {
        if (http.WantsHtml())
        {
            return new RazorComponentResult<MessagePage>(new { T = Texts.For(language), TitleKey = titleKey, BodyKey = bodyKey }) { StatusCode = status };
        }

        var english = Texts.For(Languages.Default);
        return Results.Problem(statusCode: status, title: english[titleKey], detail: english[bodyKey]);
    }
}
