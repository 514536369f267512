namespace MagicLink.Grains.Webhooks;

public static class WebhookIds
{
    public const string Endpoint = "whk_";

    /// <summary>
    /// Deliveries are not grains: their ids are made in SQL by the fan-out (schema 0011) as the prefix
    /// and a UUID's 32 hex digits, and here the same way.
    /// </summary>
    public const string Delivery = "whd_";

    private static readonly System.Buffers.SearchValues<char> Hex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static string NewDelivery() => Delivery + Guid.NewGuid().ToString("N");

    public static bool IsDelivery(string? id) =>
        id is { Length: 36 } && id.StartsWith(Delivery, StringComparison.Ordinal) && id.AsSpan(Delivery.Length).IndexOfAnyExcept(Hex) < 0;
}
