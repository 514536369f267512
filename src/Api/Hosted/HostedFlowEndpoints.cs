using MagicLink.Api.Application;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Credits;
using MagicLink.Grains.Sessions;
using Microsoft.AspNetCore.Http.Features;

namespace MagicLink.Api.Hosted;

/// <summary>
/// The hosted verification flow at <c>/v/{token}</c>. Browsers get pages and 303s back to them
/// (it works without JavaScript); everyone else gets the session as JSON or a problem. An upload's
/// form is read here and handed whole to the session grain, which judges, stores and records it.
/// </summary>
public static class HostedFlowEndpoints
{
    // Room for the multipart framing around a 10 MB image; anything larger stops at Kestrel.
    private const long MaxUploadBody = ImageLimits.MaxBytes + 2 * 1024 * 1024;

    public static IEndpointRouteBuilder MapHostedFlow(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v/{token}", Page)
            .WithMetadata(PublicRateLimits.Flow)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithTags("Public").WithName("OpenSession").WithSummary("The hosted flow for the person verifying; opening it starts the session.")
            .Produces<HostedSessionView>().ProducesProblem(StatusCodes.Status404NotFound)
            .AnswersHtml(StatusCodes.Status200OK, StatusCodes.Status404NotFound, StatusCodes.Status410Gone, StatusCodes.Status429TooManyRequests);
        app.MapMethods("/v/{token}", [HttpMethods.Head], Peek).WithMetadata(PublicRateLimits.Flow).ExcludeFromDescription();
        app.MapPost("/v/{token}/uploads", Upload)
            .WithMetadata(PublicRateLimits.Flow)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithTags("Public").WithName("UploadImage")
            .WithSummary("One image (multipart: kind, file = JPEG or PNG, at least 640×480, at most 10 MB); a later one of the same kind replaces it.")
            .Accepts<ImageUpload>("multipart/form-data")
            .Produces<HostedSessionView>()
            .Produces(StatusCodes.Status303SeeOther)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .AnswersHtml(StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        app.MapPost("/v/{token}/submit", Submit)
            .WithMetadata(PublicRateLimits.Flow)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithTags("Public").WithName("SubmitSession").WithSummary("Hands the session to review once every image the flow asks for is there.")
            .Produces<HostedSessionView>()
            .Produces(StatusCodes.Status303SeeOther)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone)
            .AnswersHtml(StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<IResult> Page(string token, string? step, string? error, HttpContext http, IGrainFactory grains, UrlTokens tokens) =>
        await Show(await tokens.ReadAsync(token, Ids.Session) is { } id ? await grains.GetGrain<ISessionGrain>(id).Start() : null, token, step, error, http, grains);

    // A HEAD (a mail scanner's, a link checker's) answers what the page would, without the body, and
    // must not start the session as opening the page does: it shows the session as it is.
    private static async Task<IResult> Peek(string token, string? step, string? error, HttpContext http, IGrainFactory grains, UrlTokens tokens) =>
        await Show(await Find(token, grains, tokens), token, step, error, http, grains);

    private static async Task<IResult> Show(SessionInfo? session, string token, string? step, string? error, HttpContext http, IGrainFactory grains)
    {
        if (session is null)
        {
            return NotFound(http);
        }

        if (!http.WantsHtml())
        {
            return Results.Ok(HostedSessionView.From(session));
        }

        var business = (await grains.GetGrain<IAccountGrain>(session.AccountId).Get())?.Name;
        return HostedPages.Render(session, token, business, step, error);
    }

    private static async Task<IResult> Upload(string token, HttpContext http, IGrainFactory grains, UrlTokens tokens)
    {
        if (await Find(token, grains, tokens) is not { } session)
        {
            return NotFound(http);
        }

        var refuse = new Refusals(http, token, session);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxUploadBody;
        }

        if (!http.Request.HasFormContentType)
        {
            return http.WantsHtml()
                ? refuse.With(UploadError.BadForm)
                : Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                    detail: "Send the image as multipart/form-data with the fields kind and file.");
        }

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return refuse.With(UploadError.TooLarge);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return refuse.With(UploadError.BadForm);
        }

        if (UploadKinds.Parse(form["kind"]) is not { } kind)
        {
            return refuse.With(UploadError.BadKind);
        }

        var file = form.Files.GetFile("file");
        if (file is null)
        {
            return refuse.With(UploadError.NoFile, kind);
        }

        // Judged before it is read: a form can carry more than the image limit within the body limit.
        if (file.Length > ImageLimits.MaxBytes)
        {
            return refuse.With(UploadError.TooLarge, kind);
        }

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(bytes, http.RequestAborted);
        }

        // The session judges the image, stores it and records it: one call, one place.
        var result = await grains.GetGrain<ISessionGrain>(session.Id).Upload(kind, bytes);
        return result.Outcome switch
        {
            StepOutcome.Ok => http.WantsHtml() ? refuse.BackToPage() : Results.Ok(HostedSessionView.From(result.Session!)),
            StepOutcome.NotFound => NotFound(http),
            StepOutcome.InvalidImage => refuse.With(result.Problem!.Value, kind),
            _ => refuse.With(Error(result.Outcome), kind),
        };
    }

    private static async Task<IResult> Submit(string token, HttpContext http, IGrainFactory grains, UrlTokens tokens)
    {
        if (await Find(token, grains, tokens) is not { } session)
        {
            return NotFound(http);
        }

        var result = await grains.GetGrain<ISessionGrain>(session.Id).Submit();
        var refuse = new Refusals(http, token, result.Session ?? session);
        return result.Outcome switch
        {
            StepOutcome.Ok => http.WantsHtml() ? refuse.BackToPage() : Results.Ok(HostedSessionView.From(result.Session!)),
            StepOutcome.NotFound => NotFound(http),
            StepOutcome.MissingSteps => refuse.With(UploadError.Missing, result.Missing.Count > 0 ? result.Missing[0] : null, result.Missing),
            _ => refuse.With(Error(result.Outcome)),
        };
    }

    private static async Task<SessionInfo?> Find(string token, IGrainFactory grains, UrlTokens tokens) =>
        await tokens.ReadAsync(token, Ids.Session) is { } id ? await grains.GetGrain<ISessionGrain>(id).Get() : null;

    private static UploadError Error(StepOutcome outcome) => outcome switch
    {
        StepOutcome.WrongKind => UploadError.WrongKind,
        StepOutcome.MissingSteps => UploadError.Missing,
        StepOutcome.Expired => UploadError.Expired,
        _ => UploadError.Finished,
    };

    private static IResult NotFound(HttpContext http) =>
        http.WantsHtml()
            ? HostedPages.NotFound()
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                detail: "No verification session has this URL. Check that the whole token was copied.");

    /// <summary>A refusal as the caller can use it: back to the page with the reason for a browser, problem+json for a client.</summary>
    private sealed class Refusals(HttpContext http, string token, SessionInfo session)
    {
        // Relative, like the forms' actions: the browser stays on whatever host it reached us by.
        public SeeOther BackToPage(string query = "") => new SeeOther($"/v/{Uri.EscapeDataString(token)}{query}");

        public IResult With(UploadError error, UploadKind? kind = null, IReadOnlyList<UploadKind>? missing = null)
        {
            if (http.WantsHtml())
            {
                // A finished or expired session has its own page; every other reason is shown on the step.
                return error is UploadError.Finished or UploadError.Expired
                    ? BackToPage()
                    : BackToPage($"?{(kind is { } k ? $"step={Wire.Name(k)}&" : "")}error={Wire.Name(error)}");
            }

            var steps = string.Join(", ", Flows.Steps(session.Flow).Select(Wire.Name));
            var (status, title, field, detail) = error switch
            {
                UploadError.NoFile => (400, "Invalid image", "file", "file is required: send the image as the multipart field 'file'."),
                UploadError.Empty => (400, "Invalid image", "file", "The file is empty (0 bytes)."),
                UploadError.TooLarge => (413, "Image too large", "file", $"The file is larger than 10 MB; send at most {ImageLimits.MaxBytes:N0} bytes."),
                UploadError.NotImage => (400, "Invalid image", "file", "The file is not a JPEG or PNG image (judged by its content, not its name or type)."),
                UploadError.Unreadable => (400, "Invalid image", "file", "The file starts like a JPEG or PNG but does not decode; it may be truncated or damaged."),
                UploadError.TooSmall => (400, "Invalid image", "file", $"The image is smaller than {ImageLimits.MinLongSide}×{ImageLimits.MinShortSide} pixels."),
                UploadError.TooManyPixels => (400, "Invalid image", "file", $"The image declares more pixels than can be checked: at most {ImageLimits.MaxPixels / 1_000_000} megapixels for a JPEG, about {ImageLimits.DecodeBudget / 4 / 1_000_000} for a PNG or a progressive JPEG."),
                UploadError.BadKind => (400, "Invalid request", "kind", "kind must be document_front, document_back or selfie."),
                UploadError.WrongKind => (400, "Wrong kind of image", "kind", $"This session's flow ({Wire.Name(session.Flow)}) does not take {(kind is { } k ? Wire.Name(k) : "that image")}; it asks for: {steps}."),
                UploadError.Missing => (400, "Missing steps", (string?)null, $"Upload {string.Join(", ", (missing ?? []).Select(Wire.Name))} before submitting."),
                UploadError.Expired => (410, "Session expired", null, "The session expired before it was submitted; it takes no more images."),
                UploadError.BadForm => (400, "Bad request", null, "The body is not a complete multipart/form-data request."),
                _ => (409, "Session already submitted", null, $"The session is {Wire.Name(session.Status)}; it takes no more images or submits."),
            };
            var extensions = new Dictionary<string, object?> { ["code"] = Wire.Name(error) };
            if (missing is not null)
            {
                extensions["missing"] = missing.Select(Wire.Name).ToList();
            }

            return field is null
                ? Results.Problem(statusCode: status, title: title, detail: detail, extensions: extensions)
                : Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [detail] },
                    statusCode: status, title: title, detail: detail, extensions: extensions);
        }
    }
}
