using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace MagicLink.Api.Access;

/// <summary>
/// An authenticated account, whatever its credential (API key or dashboard cookie): its id is the
/// principal's <see cref="ClaimTypes.NameIdentifier"/>.
/// </summary>
public static class AccountClaims
{
    /// <summary>A principal of <paramref name="scheme"/> for <paramref name="accountId"/>.</summary>
    public static AuthenticationTicket Ticket(string accountId, string scheme) =>
        new(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, accountId)], scheme)), scheme);

    /// <summary>The account the request authenticated as; only behind a policy that requires one.</summary>
    public static string AccountId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("The route is not behind an account policy.");

    public static string AccountId(this HttpContext http) => http.User.AccountId();
}
