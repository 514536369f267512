using System.Security.Claims;
using MagicLink.Api.Extensions;
using Microsoft.AspNetCore.Authentication;

namespace MagicLink.Api.Access;

/// <summary>
/// Who may call a route group: the operator (admin token), one account through the API (key and
/// secret), or one account signed in to the dashboard (its cookie). Each policy reads only its own
/// scheme, so a credential means nothing on another surface.
/// </summary>
public static class AccessPolicies
{
    public const string Admin = "admin";
    public const string Account = "account";

    public static AuthenticationBuilder AddAccess(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Admin, p => p.AddAuthenticationSchemes(AdminAuthentication.Name).RequireRole(AdminAuthentication.Role))
            .AddPolicy(Account, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.Name).RequireClaim(ClaimTypes.NameIdentifier));
        return services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.Name, null)
            .AddScheme<AuthenticationSchemeOptions, AdminAuthentication>(AdminAuthentication.Name, null);
    }

    public static RouteGroupBuilder RequireAdmin(this RouteGroupBuilder group) => group.Require(Admin, AdminAuthentication.Name);

    public static RouteGroupBuilder RequireAccount(this RouteGroupBuilder group) => group.Require(Account, ApiKeyAuthentication.Name);

    private static RouteGroupBuilder Require(this RouteGroupBuilder group, string policy, string scheme)
    {
        group.RequireAuthorization(policy).WithMetadata(new SecuredBy(scheme)).ProducesProblem(StatusCodes.Status401Unauthorized);
        return group;
    }
}

/// <summary>Names the security scheme an endpoint requires, for the OpenAPI document.</summary>
public sealed record SecuredBy(string Scheme);
