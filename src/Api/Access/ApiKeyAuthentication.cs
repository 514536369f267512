using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using MagicLink.Api.Extensions;
using MagicLink.Grains;
using MagicLink.Grains.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MagicLink.Api.Access;

/// <summary>
/// The client API's credentials: the API key and secret as HTTP Basic. The principal carries the
/// account id as its <see cref="ClaimTypes.NameIdentifier"/>.
/// </summary>
public sealed class ApiKeyAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IGrainFactory grains)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Name = "Basic";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !header.Scheme.Equals(Name, StringComparison.OrdinalIgnoreCase)
            || header.Parameter is null)
        {
            return AuthenticateResult.NoResult();
        }

        string pair;
        try
        {
            pair = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter));
        }
        catch (FormatException)
        {
            return AuthenticateResult.Fail("The Basic credentials are not base64.");
        }

        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !Ids.IsValid(pair[..colon], Ids.ApiKey))
        {
            // Malformed keys never reach a grain, so guessing costs no activation.
            return AuthenticateResult.Fail("Not an API key.");
        }

        return await grains.GetGrain<IApiKeyGrain>(pair[..colon]).Authenticate(pair[(colon + 1)..]) is { } accountId
            ? AuthenticateResult.Success(AccountClaims.Ticket(accountId, Name))
            : AuthenticateResult.Fail("Unknown API key or wrong secret.");
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"magiclink\", charset=\"UTF-8\"";
        return new UnauthorizedProblem("Send your API key and secret with HTTP Basic authentication.").ExecuteAsync(Context);
    }
}
