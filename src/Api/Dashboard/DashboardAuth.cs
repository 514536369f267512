using System.Security.Claims;
using MagicLink.Grains;
using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Authentication;

namespace MagicLink.Api.Dashboard;

/// <summary>
/// The dashboard's cookie session. Pages authenticate the cookie themselves, by scheme name, so the
/// session means nothing anywhere else in the service.
/// </summary>
public static class DashboardAuth
{
    public const string Scheme = "Dashboard";
    public const string Root = "/dashboard";

    /// <summary>How long a sign-in lasts without use; each use renews it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private const string AccountItem = "magiclink.dashboard.account";

    /// <summary>Every route of the group needs a signed-in account; anyone else goes to the sign-in form.</summary>
    public static RouteGroupBuilder RequireDashboardLogin(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (await SignedInAccountAsync(http) is not { } accountId)
            {
                return Results.Redirect(SignInPage.PathFor(http.Request.Method == HttpMethods.Get ? http.Request.Path + http.Request.QueryString : null));
            }

            http.Items[AccountItem] = accountId;
            return await next(context);
        });

    /// <summary>The account whose cookie came with the request, or null.</summary>
    public static async Task<string?> SignedInAccountAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (result.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is not { } accountId || !Ids.IsValid(accountId, Ids.Account))
        {
            return null;
        }

        // A cookie can outlive its account's database (a reset data dir that kept its keys).
        if (await http.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IAccountGrain>(accountId).Get() is null)
        {
            await SignOutAsync(http);
            return null;
        }

        // Antiforgery tokens are bound to this identity, so it must be the request's user too.
        http.User = result.Principal;
        return accountId;
    }

    public static string DashboardAccountId(this HttpContext http) =>
        http.Items[AccountItem] as string ?? throw new InvalidOperationException("The route is not behind RequireDashboardLogin.");

    public static Task SignInAsync(HttpContext http, string accountId) =>
        http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, accountId)], Scheme)));

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);
}
