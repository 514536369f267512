using System.Globalization;
using MagicLink.Api.Access;
using MagicLink.Api.Extensions;
using MagicLink.Api.Links;
using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace MagicLink.Api.Accounts;

/// <summary>What an account does for itself: a new API secret, and reading its credit ledger.</summary>
public static class AccountSelfServiceApi
{
    public static RouteGroupBuilder MapAccountSelfServiceApi(this RouteGroupBuilder api)
    {
        var account = api.MapGroup("/account").WithTags("Account");
        account.MapPost("/rotate-secret", RotateSecret).WithName("RotateOwnApiSecret")
            .WithSummary("A new API secret for the account's key, shown only in this answer; the old secret gets 401 from then on.");
        account.MapGet("/ledger", Ledger).WithName("GetOwnLedger")
            .WithSummary("The account's credit ledger, newest first: top-ups, and the charge or release that settled each session's credit.");
        return api;
    }

    private static async Task<Results<Ok<ApiCredentials>, NotFoundProblem>> RotateSecret(HttpContext http, IGrainFactory grains) =>
        await grains.GetGrain<IAccountGrain>(http.AccountId()).RotateApiSecret() is { } credentials
            ? TypedResults.Ok(credentials)
            : Problems.NotFound("account");

    private static async Task<Results<Ok<Page<CreditEntryView>>, ValidationProblem>> Ledger(
        [AsParameters] LedgerQuery query, HttpContext http, CreditEntries entries)
    {
        var check = new Validation();
        var limit = Paging.DefaultLimit;
        if (query.Limit is not null
            && (!int.TryParse(query.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > Paging.MaxLimit))
        {
            check.Add("limit", $"limit must be a whole number from 1 to {Paging.MaxLimit}.");
        }

        long? before = null;
        if (query.Cursor is not null)
        {
            if (long.TryParse(query.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0)
            {
                before = seq;
            }
            else
            {
                check.Add("cursor", "cursor is not one this API handed out.");
            }
        }

        if (!check.IsValid)
        {
            return check.Problem();
        }

        var (items, more) = await entries.PageAsync(http.AccountId(), before, limit);
        return TypedResults.Ok(new Page<CreditEntryView>(items, more ? items[^1].Seq.ToString(CultureInfo.InvariantCulture) : null));
    }

    /// <summary>The query of the ledger, read as text so a bad value is a 400 naming its field.</summary>
    public sealed record LedgerQuery([property: FromQuery(Name = "limit")] string? Limit, [property: FromQuery(Name = "cursor")] string? Cursor);
}
