namespace MagicLink.Api.Dashboard;

/// <summary>
/// The forms a routable page drawing several of them takes: a post naming none of these in the
/// <see cref="AnswersFormAttribute.Field"/> field is refused before the page is drawn; see
/// <see cref="DashboardEndpoints.UseDashboardForms"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TakesFormsAttribute(params string[] names) : Attribute
{
    public IReadOnlyList<string> Names { get; } = names;
}
