using System.Security.Cryptography;
using System.Text;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The stylesheet and script under a name that changes with their content, so browsers may keep
/// them for a year and still never run an old script against a new page.
/// </summary>
public static class Assets
{
    private static readonly byte[] Css = Encoding.UTF8.GetBytes(Stylesheet.Css);
    private static readonly byte[] Js = Encoding.UTF8.GetBytes(Script.Js);

    public static readonly string StylesheetPath = $"{DashboardAuth.Root}/assets/dashboard.{Version(Css)}.css";
    public static readonly string ScriptPath = $"{DashboardAuth.Root}/assets/dashboard.{Version(Js)}.js";

    public static IResult Serve(string file, HttpContext http)
    {
        var path = $"{DashboardAuth.Root}/assets/{file}";
        var (bytes, type) = path == StylesheetPath ? (Css, "text/css; charset=utf-8")
            : path == ScriptPath ? (Js, "text/javascript; charset=utf-8")
            : (null, "");
        if (bytes is null)
        {
            return Results.NotFound();
        }

        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.Bytes(bytes, type);
    }

    private static string Version(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content))[..12];
}
