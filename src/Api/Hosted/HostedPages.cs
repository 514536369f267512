using MagicLink.Api.Components.Public;
using MagicLink.Api.Pages;
using MagicLink.Grains;
using MagicLink.Grains.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Hosted;

/// <summary>
/// Which page a person sees at <c>/v/{token}</c>: one page per photo, a review, and the result.
/// Plain forms do all the work; the script only adds a preview and guards against double posts.
/// </summary>
public static class HostedPages
{
    /// <summary>The page for the session as it stands: the photo asked for, the review, or the result.</summary>
    public static IResult Render(SessionInfo session, string token, string? business, string? step, string? error)
    {
        var t = Texts.For(session.Language);
        if (session.Status is SessionStatus.Expired or SessionStatus.Submitted or SessionStatus.Approved or SessionStatus.Denied)
        {
            return new RazorComponentResult<FlowResult>(new { T = t, Outcome = Wire.Name(session.Status), RedirectUrl = SessionRedirects.UrlOf(session) })
            {
                StatusCode = session.Status == SessionStatus.Expired ? StatusCodes.Status410Gone : StatusCodes.Status200OK,
            };
        }

        var steps = Flows.Steps(session.Flow);
        var shown = UploadKinds.Parse(step) is { } asked && steps.Contains(asked) ? asked : steps.Except(session.Uploads).Cast<UploadKind?>().FirstOrDefault();
        if (shown is not { } kind)
        {
            return new RazorComponentResult<FlowReview>(new { T = t, Token = token, Steps = steps, Business = business });
        }

        var problem = Wire.TryParse<UploadError>(error) is { } known ? Wire.Name(known) : null;
        return new RazorComponentResult<FlowStep>(new
        {
            T = t,
            Token = token,
            Steps = steps,
            session.Uploads,
            Kind = kind,
            Error = problem,
            Business = business,
        });
    }

    public static IResult NotFound() =>
        new RazorComponentResult<MessagePage>(new { T = Texts.For(Languages.Default), TitleKey = "session.notfound.title", BodyKey = "session.notfound.body", Icon = "?" })
        {
            StatusCode = StatusCodes.Status404NotFound,
        };
}
