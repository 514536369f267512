using MagicLink.Api.Access;
using MagicLink.Api.Accounts;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Access;
using MagicLink.Grains.Credits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MagicLink.Api.Admin;

public static class AdminApi
{
    private const int MaxCredits = 1_000_000;

    /// <summary>The operator's API under <c>/admin/v1</c>, behind the admin bearer token.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1").RequireAdmin().WithTags("Admin");

        admin.MapPost("/accounts", OpenAccount).WithName("OpenAccount")
            .WithSummary("Opens a business account; the API secret is shown only in this answer.");
        admin.MapGet("/accounts/{id}", GetAccount).WithName("GetAccount")
            .WithSummary("One account, without secrets.");
        admin.MapPost("/accounts/{id}/credits", AddCredits).WithName("AddCredits")
            .WithSummary("Tops up an account's credit balance.");
        return app;
    }

    private static async Task<Results<Created<OpenedAccountView>, ValidationProblem, BodyProblem, ConflictProblem>> OpenAccount(
        JsonBody<OpenAccountRequest> body, IGrainFactory grains)
    {
        if (body.Problem is { } refused)
        {
            return refused;
        }

        var request = body.Value!;
        var check = new Validation();
        var name = check.Text("name", request.Name, 1, 200);
        var email = check.Email("email", request.Email);
        var password = check.Password("password", request.Password);
        var credits = check.Number("credits", request.Credits, 0, MaxCredits);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var id = Ids.New(Ids.Account);
        var opened = await grains.GetGrain<IAccountGrain>(id).Open(new NewAccount(name!, email!, password!, credits!.Value));
        if (opened.Error == OpenAccountError.EmailTaken)
        {
            return new ConflictProblem("An account with this email already exists.");
        }

        var account = opened.Account!;
        return TypedResults.Created($"/admin/v1/accounts/{account.Id}", new OpenedAccountView(
            account.Id, account.Name, account.Email, opened.ApiKey!, opened.ApiSecret!, CreditsView.From(account.Credits), account.CreatedAt));
    }

    private static async Task<Results<Ok<AccountView>, NotFoundProblem>> GetAccount(string id, IGrainFactory grains) =>
        Ids.IsValid(id, Ids.Account) && await grains.GetGrain<IAccountGrain>(id).Get() is { } account
            ? TypedResults.Ok(AccountView.From(account))
            : Problems.NotFound("account");

    private static async Task<Results<Ok<CreditsAdded>, ValidationProblem, BodyProblem, NotFoundProblem>> AddCredits(
        string id, JsonBody<AddCreditsRequest> body, IGrainFactory grains)
    {
        if (!Ids.IsValid(id, Ids.Account) || await grains.GetGrain<IAccountGrain>(id).Get() is null)
        {
            return Problems.NotFound("account");
        }

        if (body.Problem is { } refused)
        {
            return refused;
        }

        var check = new Validation();
        var amount = check.Number("amount", body.Value!.Amount, 1, MaxCredits);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var credits = await grains.GetGrain<IAccountGrain>(id).AddCredits(amount!.Value);
        return TypedResults.Ok(new CreditsAdded(CreditsView.From(credits)));
    }
}
