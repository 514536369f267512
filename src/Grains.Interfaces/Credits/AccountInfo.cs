namespace MagicLink.Grains.Credits;

[GenerateSerializer, Immutable]
public sealed record NewAccount(
    [property: Id(0)] string Name,
    [property: Id(1)] string Email,
    [property: Id(2)] string Password,
    [property: Id(3)] int Credits);

[GenerateSerializer, Immutable]
public sealed record AccountInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email,
    [property: Id(3)] CreditBalance Credits,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>What opening an account hands out once: the API secret is never shown again.</summary>
[GenerateSerializer, Immutable]
public sealed record OpenAccountResult(
    [property: Id(0)] AccountInfo? Account,
    [property: Id(1)] string? ApiKey,
    [property: Id(2)] string? ApiSecret,
    [property: Id(3)] OpenAccountError? Error);

/// <summary>An API key with its secret, as handed out once.</summary>
[GenerateSerializer, Immutable]
public sealed record ApiCredentials(
    [property: Id(0)] string ApiKey,
    [property: Id(1)] string ApiSecret);

[GenerateSerializer]
public enum OpenAccountError
{
    EmailTaken,
    AlreadyOpen,
}
