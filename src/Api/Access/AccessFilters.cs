using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Access;

namespace MagicLink.Api.Access;

/// <summary>Who may call a route group: the operator (admin token) or one account (API key + secret).</summary>
public static class AccessFilters
{
    private const string AccountItem = "magiclink.account";

    public static RouteGroupBuilder RequireAdmin(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var settings = context.HttpContext.RequestServices.GetRequiredService<ApiSettings>();
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            const string prefix = "Bearer ";
            var ok = header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                && CryptographicOperations.FixedTimeEquals(
                    Encoding.UTF8.GetBytes(header[prefix.Length..].Trim()), Encoding.UTF8.GetBytes(settings.AdminToken));
            return ok ? await next(context) : Problems.Unauthorized("Bearer", "Send the admin token as 'Authorization: Bearer <token>'.");
        });

    public static RouteGroupBuilder RequireAccount(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var accountId = await AuthenticateAsync(http);
            if (accountId is null)
            {
                return Problems.Unauthorized("Basic", "Send your API key and secret with HTTP Basic authentication.");
            }

            http.Items[AccountItem] = accountId;
            return await next(context);
        });

    /// <summary>The account the request authenticated as; only inside a group that requires one.</summary>
    public static string AccountId(this HttpContext http) =>
        http.Items[AccountItem] as string ?? throw new InvalidOperationException("The route is not behind RequireAccount.");

    private static async Task<string?> AuthenticateAsync(HttpContext http)
    {
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return null;
        }

        string pair;
        try
        {
            pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !Ids.IsValid(pair[..colon], Ids.ApiKey))
        {
            // Malformed keys never reach a grain, so guessing costs no activation.
            return null;
        }

        var grains = http.RequestServices.GetRequiredService<IGrainFactory>();
        return await grains.GetGrain<IApiKeyGrain>(pair[..colon]).Authenticate(pair[(colon + 1)..]);
    }
}
