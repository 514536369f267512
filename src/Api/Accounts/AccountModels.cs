using MagicLink.Grains.Credits;

namespace MagicLink.Api.Accounts;

public sealed record CreditsView(int Balance, int Reserved, int Available, int Spent)
{
    public static CreditsView From(CreditBalance credits) =>
        new(credits.Balance, credits.Reserved, credits.Available, credits.Spent);
}

public sealed record AccountView(string Id, string Name, string Email, CreditsView Credits, DateTimeOffset CreatedAt)
{
    public static AccountView From(AccountInfo account) =>
        new(account.Id, account.Name, account.Email, CreditsView.From(account.Credits), account.CreatedAt);
}

/// <summary>The only answer that ever carries the API secret.</summary>
public sealed record OpenedAccountView(
    string Id, string Name, string Email, string ApiKey, string ApiSecret, CreditsView Credits, DateTimeOffset CreatedAt);

public sealed record OpenAccountRequest(string? Name, string? Email, string? Password, int? Credits);

public sealed record AddCreditsRequest(int? Amount);

/// <summary>The account's credits after a top-up.</summary>
public sealed record CreditsAdded(CreditsView Credits);
