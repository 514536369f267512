using MagicLink.Api.Access;
using MagicLink.Api.Accounts;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Credits;

namespace MagicLink.Api.Admin;

public static class AdminApi
{
    private const int MaxCredits = 1_000_000;

    /// <summary>The operator's API under <c>/admin/v1</c>, behind the admin bearer token.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1").RequireAdmin().WithTags("Admin");

        admin.MapPost("/accounts", OpenAccount)
            .WithSummary("Opens a business account; the API secret is shown only in this answer.");
        admin.MapGet("/accounts/{id}", GetAccount)
            .WithSummary("One account, without secrets.");
        admin.MapPost("/accounts/{id}/credits", AddCredits)
            .WithSummary("Tops up an account's credit balance.");
        return app;
    }

    private static async Task<IResult> OpenAccount(HttpContext http, IGrainFactory grains)
    {
        var (body, problem) = await JsonBody.ReadAsync<OpenAccountRequest>(http);
        if (problem is not null)
        {
            return problem;
        }

        var check = new Validation();
        var name = check.Text("name", body!.Name, 1, 200);
        var email = check.Email("email", body.Email);
        var password = check.Text("password", body.Password, 8, 200);
        var credits = check.Number("credits", body.Credits, 0, MaxCredits);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var id = Ids.New(Ids.Account);
        var opened = await grains.GetGrain<IAccountGrain>(id).Open(new NewAccount(name!, email!, password!, credits!.Value));
        if (opened.Error == OpenAccountError.EmailTaken)
        {
            return Problems.Conflict("An account with this email already exists.");
        }

        var account = opened.Account!;
        return Results.Created($"/admin/v1/accounts/{account.Id}", new OpenedAccountView(
            account.Id, account.Name, account.Email, opened.ApiKey!, opened.ApiSecret!, CreditsView.From(account.Credits), account.CreatedAt));
    }

    private static async Task<IResult> GetAccount(string id, IGrainFactory grains) =>
        Ids.IsValid(id, Ids.Account) && await grains.GetGrain<IAccountGrain>(id).Get() is { } account
            ? Results.Ok(AccountView.From(account))
            : Problems.NotFound("account");

    private static async Task<IResult> AddCredits(string id, HttpContext http, IGrainFactory grains)
    {
        if (!Ids.IsValid(id, Ids.Account) || await grains.GetGrain<IAccountGrain>(id).Get() is null)
        {
            return Problems.NotFound("account");
        }

        var (body, problem) = await JsonBody.ReadAsync<AddCreditsRequest>(http);
        if (problem is not null)
        {
            return problem;
        }

        var check = new Validation();
        var amount = check.Number("amount", body!.Amount, 1, MaxCredits);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var credits = await grains.GetGrain<IAccountGrain>(id).AddCredits(amount!.Value);
        return Results.Ok(new { credits = CreditsView.From(credits) });
    }
}
