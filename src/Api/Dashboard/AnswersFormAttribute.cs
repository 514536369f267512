namespace MagicLink.Api.Dashboard;

/// <summary>
/// The one form a routable page takes: a post to it is taken as this form whatever form name it carries
/// in the <c>_handler</c> field a drawn form has (none from a hand-written form or a script, another
/// item's when a form is aimed elsewhere), instead of being refused for it; see
/// <see cref="DashboardEndpoints.UseDashboardForms"/>.
/// A form drawn once per item (a review card per session) ends its name with the item's route value.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnswersFormAttribute(string name, string? routeValue = null) : Attribute
{
    /// <summary>The field a drawn form carries with its name.</summary>
    public const string Field = "_handler";

    public string NameFor(HttpContext http) => routeValue is null ? name : name + http.GetRouteValue(routeValue);
}
