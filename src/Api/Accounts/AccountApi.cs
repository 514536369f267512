using System.Security.Claims;
using MagicLink.Api.Access;
using MagicLink.Api.Extensions;
using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Accounts;

public static class AccountApi
{
    /// <summary>The client's own account: <c>GET /api/v1/account</c>.</summary>
    public static RouteGroupBuilder MapAccountApi(this RouteGroupBuilder api)
    {
        api.MapGet("/account", Get).WithTags("Account").WithName("GetOwnAccount").WithSummary("The calling account with its credits.");
        return api;
    }

    private static async Task<Results<Ok<AccountView>, UnauthorizedProblem>> Get(ClaimsPrincipal user, IGrainFactory grains) =>
        await grains.GetGrain<IAccountGrain>(user.AccountId()).Get() is { } account
            ? TypedResults.Ok(AccountView.From(account))
            : new UnauthorizedProblem("The account of this key no longer exists.");
}
