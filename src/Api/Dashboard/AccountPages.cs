using System.Globalization;
using MagicLink.Api.Accounts;
using MagicLink.Api.Application;
using MagicLink.Api.Components.Dashboard;
using MagicLink.Api.Extensions;
using MagicLink.Api.Stats;
using MagicLink.Grains.Access;
using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Dashboard;

/// <summary><c>/dashboard/account</c>: the credits and their ledger, the API key with its secret, and the password.</summary>
public static class AccountPages
{
    /// <summary>Ledger entries per page.</summary>
    public const int LedgerPage = 25;


    public static Task<IResult> Show([AsParameters] DashboardPage page, CreditEntries entries, IGrainFactory grains, string? cursor, string? password) =>
        Draw(page, entries, grains, cursor, secret: null, new PasswordState([], password == "changed"));

    /// <summary>The account page with the password form refused as a whole, for the per-IP sign-in limit too.</summary>
    public static Task<IResult> Refused(HttpContext http, string error, int status)
    {
        var services = http.RequestServices;
        var page = new DashboardPage(http, services.GetRequiredService<DashboardFrames>(), services.GetRequiredService<LinkQueries>(),
            services.GetRequiredService<SessionQueries>(), services.GetRequiredService<FunnelQueries>());
        return Refused(page, services.GetRequiredService<CreditEntries>(), services.GetRequiredService<IGrainFactory>(), error, status);
    }

    private static Task<IResult> Refused(DashboardPage page, CreditEntries entries, IGrainFactory grains, string error, int status) =>
        Draw(page, entries, grains, null, null, new PasswordState(new() { ["form"] = error }, false), status);

    /// <summary>
    /// A new secret, drawn into this answer only (never into a URL or a later page): the old secret
    /// is refused from the moment the grain stored the new one.
    /// </summary>
    public static async Task<IResult> RotateSecret([AsParameters] DashboardPage page, CreditEntries entries, IGrainFactory grains)
    {
        var credentials = await grains.GetGrain<IAccountGrain>(page.AccountId).RotateApiSecret();
        page.Http.Response.Headers.CacheControl = "no-store";
        return await Draw(page, entries, grains, cursor: null, credentials?.ApiSecret, new PasswordState([], false));
    }

    private static async Task<IResult> Draw(
        DashboardPage page, CreditEntries entries, IGrainFactory grains, string? cursor, string? secret, PasswordState password,
        int status = StatusCodes.Status200OK) =>
        new RazorComponentResult<AccountPage>(await ParametersAsync(page, entries, grains, cursor, secret, password)) { StatusCode = status };

    /// <summary>What the account page draws; also the password form's answer, drawn by <see cref="PasswordAnswer"/>.</summary>
    public static async Task<Dictionary<string, object?>> ParametersAsync(
        DashboardPage page, CreditEntries entries, IGrainFactory grains, string? cursor, string? secret, PasswordState password)
    {
        var frame = await page.Frames.BeginAsync(page.AccountId);
        // A cursor that is not ours starts from the newest entry rather than failing: a person typed or kept it.
        long? before = long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0 ? seq : null;
        var (ledger, more) = await entries.PageAsync(page.AccountId, before, LedgerPage);
        return new Dictionary<string, object?>
        {
            [nameof(AccountPage.Frame)] = frame,
            [nameof(AccountPage.T)] = page.T,
            [nameof(AccountPage.ApiKey)] = await grains.GetGrain<IAccountGrain>(page.AccountId).ApiKey(),
            [nameof(AccountPage.NewSecret)] = secret,
            [nameof(AccountPage.Ledger)] = ledger,
            [nameof(AccountPage.OnFirstPage)] = before is null,
            [nameof(AccountPage.Next)] = more ? ledger[^1].Seq.ToString(CultureInfo.InvariantCulture) : null,
            [nameof(AccountPage.Password)] = password,
            [nameof(AccountPage.Href)] = DashboardPage.IsFormAnswer(page.Http) ? "/dashboard/account" : null,
        };
    }
}
