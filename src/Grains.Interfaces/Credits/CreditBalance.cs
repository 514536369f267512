namespace MagicLink.Grains.Credits;

/// <summary>
/// An account's credits. <c>Available = Balance - Reserved</c>; a completed verification moves one
/// credit from reserved to spent and takes it off the balance.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CreditBalance(
    [property: Id(0)] int Balance,
    [property: Id(1)] int Reserved,
    [property: Id(2)] int Spent)
{
    public int Available => Balance - Reserved;
}
