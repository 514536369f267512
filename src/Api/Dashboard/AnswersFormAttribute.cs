namespace MagicLink.Api.Dashboard;

/// <summary>
/// The one form a routable page takes. A post that does not name its form (a hand-written form or a
/// script, without the <c>_handler</c> field a drawn form carries) is taken as this one instead of
/// being refused for not naming it; see <see cref="DashboardEndpoints.UseDashboardFormNames"/>.
/// A form drawn once per item (a review card per session) ends its name with the item's route value.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnswersFormAttribute(string name, string? routeValue = null) : Attribute
{
    /// <summary>The field a drawn form carries with its name.</summary>
    public const string Field = "_handler";

    public string NameFor(HttpContext http) => routeValue is null ? name : name + http.GetRouteValue(routeValue);
}
