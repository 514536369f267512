using System.Globalization;
using MagicLink.Api.Accounts;
using MagicLink.Api.Components.Dashboard;
using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard/account</c>: the credits and their ledger, and the API key with its secret.</summary>
public static class AccountPages
{
    /// <summary>Ledger entries per page.</summary>
    public const int LedgerPage = 25;

    public static Task<IResult> Show([AsParameters] DashboardPage page, CreditEntries entries, IGrainFactory grains, string? cursor) =>
        Draw(page, entries, grains, cursor, secret: null);

    /// <summary>
    /// A new secret, drawn into this answer only (never into a URL or a later page): the old secret
    /// is refused from the moment the grain stored the new one.
    /// </summary>
    public static async Task<IResult> RotateSecret([AsParameters] DashboardPage page, CreditEntries entries, IGrainFactory grains)
    {
        var credentials = await grains.GetGrain<IAccountGrain>(page.AccountId).RotateApiSecret();
        page.Http.Response.Headers.CacheControl = "no-store";
        return await Draw(page, entries, grains, cursor: null, credentials?.ApiSecret);
    }

    private static async Task<IResult> Draw(DashboardPage page, CreditEntries entries, IGrainFactory grains, string? cursor, string? secret)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        // A cursor that is not ours starts from the newest entry rather than failing: a person typed or kept it.
        long? before = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0 ? seq : null;
        var (ledger, more) = await entries.PageAsync(page.AccountId, before, LedgerPage);
        return new RazorComponentResult<AccountPage>(new
        {
            Frame = frame,
            page.T,
            ApiKey = await grains.GetGrain<IAccountGrain>(page.AccountId).ApiKey(),
            NewSecret = secret,
            Ledger = ledger,
            OnFirstPage = before is null,
            Next = more ? ledger[^1].Seq.ToString(CultureInfo.InvariantCulture) : null,
        });
    }
}
