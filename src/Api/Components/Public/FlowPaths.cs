using MagicLink.Grains;
using MagicLink.Grains.Sessions;

namespace MagicLink.Api.Components.Public;

/// <summary>The addresses of the hosted flow's pages, relative so the browser stays on whatever host it reached us by.</summary>
public static class FlowPaths
{
    public static string Page(string token) => $"/v/{Uri.EscapeDataString(token)}";

    public static string Step(string token, UploadKind? kind) => Page(token) + (kind is { } k ? "?step=" + Wire.Name(k) : "");
}
