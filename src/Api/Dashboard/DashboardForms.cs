using Microsoft.AspNetCore.Antiforgery;

namespace MagicLink.Api.Dashboard;

public static class DashboardForms
{
    /// <summary>
    /// A form's key as posted, or a new one when it is missing or too long to be ours: the key makes a
    /// double-submitted form act once, as Idempotency-Key does.
    /// </summary>
    public static string FormKey(string? posted) => posted is { Length: > 0 and <= 64 } ? posted : NewFormKey();

    public static string NewFormKey() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// The posted form. Anything else (JSON, no body, a broken body) reads as an empty form: the
    /// antiforgery check has already refused it, or the page's own checks will.
    /// </summary>
    public static async Task<IFormCollection> ReadAsync(HttpContext http)
    {
        if (http.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } || !http.Request.HasFormContentType)
        {
            return FormCollection.Empty;
        }

        try
        {
            return await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return FormCollection.Empty;
        }
    }
}
