namespace MagicLink.Api.Dashboard;

/// <summary>
/// The one form a routable page takes. A post that does not name its form (a hand-written form or a
/// script, without the <c>_handler</c> field a drawn form carries) is taken as this one instead of
/// being refused for not naming it; see <see cref="DashboardEndpoints.UseDashboardFormNames"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AnswersFormAttribute(string name) : Attribute
{
    /// <summary>The field a drawn form carries with its name.</summary>
    public const string Field = "_handler";

    public string Name { get; } = name;
}
