using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.StaticAssets.Infrastructure;

namespace MagicLink.Api.Extensions;

/// <summary>
/// The fingerprinted names of <c>wwwroot</c>'s files, for the layouts' <c>@Assets["css/…"]</c>.
/// Routable components get them from <c>WithStaticAssets()</c>; the minimal-API routes that answer
/// with a <c>RazorComponentResult</c> (content negotiation, special statuses) get the same
/// collection here, since the renderer reads it from the endpoint being served.
/// </summary>
public static class PageAssets
{
    private const string Label = "label";

    public static TBuilder WithPageAssets<TBuilder>(this TBuilder builder, IEndpointRouteBuilder app)
        where TBuilder : IEndpointConventionBuilder
    {
        var assets = Collect(app);
        builder.Add(endpoint => endpoint.Metadata.Add(assets));
        return builder;
    }

    // What MapStaticAssets() serves: each file's fingerprinted route under its plain name. A route
    // with selectors is a compressed copy of one of them and is chosen by content negotiation.
    private static ResourceAssetCollection Collect(IEndpointRouteBuilder app) =>
        new([.. StaticAssetsEndpointDataSourceHelper.ResolveStaticAssetDescriptors(app, manifestPath: null)
            .Where(d => d.Selectors.Count == 0)
            .Select(d => new ResourceAsset(d.Route, [.. d.Properties.Where(p => p.Name == Label).Select(p => new ResourceAssetProperty(p.Name, p.Value))]))]);
}
