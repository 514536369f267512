namespace MagicLink.Api.Extensions;

/// <summary>
/// The one header policy of the service (CONTRACT, "Errors"), applied as each answer starts so that
/// no page, refusal or framework answer can leave it out. Pages carry tokens and identity data, so
/// nothing is cached unless an answer says otherwise (the static assets do).
/// </summary>
public static class SecurityHeaders
{
    // Every page of the service: only its own stylesheet and script files (nothing inline), images
    // from itself or a picked file, never framed.
    private const string Policy =
        "default-src 'none'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    // The API reference is a third-party page: its scripts are served from here but it starts them
    // with an inline module, and it fetches its fonts from its own CDN.
    private const string DocsPolicy =
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline' https:; font-src 'self' data: https:; " +
        "script-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly PathString Docs = "/docs";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var response = http.Response;
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                if (headers.CacheControl.Count == 0)
                {
                    headers.CacheControl = "no-store";
                }

                if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments(Docs) ? DocsPolicy : Policy;
                    headers["Referrer-Policy"] = "no-referrer";
                }

                return Task.CompletedTask;
            });
            return next(http);
        });
}
