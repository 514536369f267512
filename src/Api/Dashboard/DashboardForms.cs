namespace MagicLink.Api.Dashboard;

public static class DashboardForms
{
    /// <summary>
    /// A form's key as posted, or a new one when it is missing or too long to be ours: the key makes a
    /// double-submitted form act once, as Idempotency-Key does.
    /// </summary>
    public static string FormKey(string? posted) => posted is { Length: > 0 and <= 64 } ? posted : NewFormKey();

    public static string NewFormKey() => Guid.NewGuid().ToString("N");
}
