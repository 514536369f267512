using MagicLink.Api.Access;
using MagicLink.Api.Accounts;
using MagicLink.Api.Admin;
using MagicLink.Api.Application;
using MagicLink.Api.Dashboard;
using MagicLink.Api.Health;
using MagicLink.Api.Hosted;
using MagicLink.Api.Links;
using MagicLink.Api.Redeem;
using MagicLink.Api.Sessions;
using MagicLink.Api.Sharing;
using MagicLink.Api.Stats;
using MagicLink.Api.Webhooks;
using MagicLink.Grains;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Scalar.AspNetCore;

namespace MagicLink.Api.Extensions;

public static class ApiHostingExtensions
{
    private const long MaxJsonBody = 2 * 1024 * 1024;

    /// <param name="silo">
    /// The cluster client of a silo in this same process, when the API runs inside it; otherwise the
    /// API joins the cluster as a client through the membership table.
    /// </param>
    public static WebApplicationBuilder AddMagicLinkApi(this WebApplicationBuilder builder, IClusterClient? silo = null)
    {
        var settings = builder.Services.AddKnobs<ApiSettings>(builder.Configuration);
        builder.Services.TryAddKeyedSingleton(Clock.Key, TimeProvider.System);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.WebHost.UseUrls($"http://0.0.0.0:{settings.HttpPort}");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxJsonBody);

        if (silo is null)
        {
            builder.UseOrleansClient(client => client
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = settings.ClusterId;
                    o.ServiceId = settings.ServiceId;
                })
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = Deadlines.GrainCall)
                .UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = Postgres.Tuned(settings.Database);
                }));
        }
        else
        {
            // Grain calls stay in the process: no gateway hop, no serialization of the click.
            builder.Services.AddSingleton(silo);
            builder.Services.AddSingleton<IGrainFactory>(silo);
        }

        builder.Services.TryAddSingleton(_ => NpgsqlDataSource.Create(Postgres.Tuned(settings.Database)));
        builder.Services.AllowDatabaseExceptions();

        builder.Services.ConfigureHttpJsonOptions(o => Wire.Configure(o.SerializerOptions));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Answers made by the framework (unknown route, wrong method) carry no detail of their own.
            var request = context.HttpContext.Request;
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => $"Nothing is served at {request.Path}.",
                StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not accept {request.Method}.",
                _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(context.ProblemDetails.Status ?? 500),
            };
        });
        builder.Services.AddExceptionHandler<ErrorHandling>();
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Only the proxies named in MAGICLINK_KNOWN_PROXIES are believed (none by default, not
            // even loopback): anyone else could name any client address and dodge every per-IP limit.
            // With no proxy listed the headers are not read at all, because the middleware trusts
            // every peer when both of its lists are empty.
            o.ForwardedHeaders = settings.KnownProxies.Count == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in settings.KnownProxies)
            {
                o.KnownIPNetworks.Add(network);
            }

            // A chain of known proxies is walked back to the first address that is not one of them.
            o.ForwardLimit = null;
        });
        builder.Services.AddApiDocument();
        builder.Services.AddRazorComponents();
        builder.Services.AddApplication();
        builder.Services.AddAccess();
        builder.Services.AddDashboardAccess();
        builder.Services.AddPublicRateLimits(settings);
        builder.Services.AddMagicLinkHealthChecks();
        builder.Services.AddDashboard(settings);
        builder.Services.AddFunnelStats();
        builder.Services.AddSingleton<CreditEntries>();
        builder.Services.AddSingleton<ReviewQueries>();
        builder.Services.AddWebhookOptions();
        builder.Services.AddSingleton<WebhookEndpointQueries>();
        builder.Services.AddSharingOptions();
        builder.Services.AddSingleton<ShareSends>();
        return builder;
    }

    public static WebApplication MapMagicLinkApi(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (app.Services.GetRequiredService<ApiSettings>().PublicUrl.Scheme == Uri.UriSchemeHttps)
        {
            // Browsers only ever reach the service at its public URL, so with an https one every
            // request is https to them, whatever the last hop from a TLS-terminating proxy was: the
            // cookies that key off the scheme (dashboard, antiforgery, resume) are then all Secure.
            app.Use((http, next) =>
            {
                http.Request.Scheme = Uri.UriSchemeHttps;
                return next(http);
            });
        }

        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseDashboardLanguage();
        app.UseDashboardFormRefusal();
        app.UseDashboardForms();
        app.UseRateLimiter();

        app.MapStaticAssets();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithTitle("Magic Link API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapHealthApi();
        app.MapAdminApi();

        var api = app.MapGroup("/api/v1").RequireAccount().WithTags("Client");
        api.MapAccountApi();
        api.MapAccountSelfServiceApi();
        api.MapLinksApi();
        api.MapSharingApi();
        api.MapSessionsApi();
        api.MapStatsApi();
        api.MapWebhooksApi();
        var pages = app.MapGroup("").WithPageAssets(app);
        pages.MapRedeemEndpoints();
        pages.MapHostedFlow();
        pages.MapDashboard();
        app.MapDashboardPages();
        return app;
    }
}
