using MagicLink.Api.Access;
using MagicLink.Grains.Credits;

namespace MagicLink.Api.Accounts;

public static class AccountApi
{
    /// <summary>The client's own account: <c>GET /api/v1/account</c>.</summary>
    public static RouteGroupBuilder MapAccountApi(this RouteGroupBuilder api)
    {
        api.MapGet("/account", async (HttpContext http, IGrainFactory grains) =>
            await grains.GetGrain<IAccountGrain>(http.AccountId()).Get() is { } account
                ? Results.Ok(AccountView.From(account))
                : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: "The account of this key no longer exists."))
            .WithName("GetOwnAccount")
            .WithSummary("The calling account with its credits.");
        return api;
    }
}
