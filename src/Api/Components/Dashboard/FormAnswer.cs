using Microsoft.AspNetCore.Components;

namespace MagicLink.Api.Components.Dashboard;

/// <summary>
/// A page that answers one form's POST at an address of its own. It draws only the empty named form
/// until the post is handled (Blazor runs a submit handler only for a form on the page), then its
/// answer. Any other method is refused before the page is drawn (<see cref="MagicLink.Api.Dashboard.DashboardEndpoints.UseDashboardForms"/>).
/// </summary>
public abstract class FormAnswer : ComponentBase
{
    [CascadingParameter] public required HttpContext Http { get; set; }

    /// <summary>True once the post was handled: the answer is drawn then.</summary>
    protected bool Answered { get; set; }
}
