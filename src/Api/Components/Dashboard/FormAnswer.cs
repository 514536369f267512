using Microsoft.AspNetCore.Components;

namespace MagicLink.Api.Components.Dashboard;

/// <summary>
/// A page that answers one form's POST at an address of its own. It draws only the empty named form
/// until the post is handled (Blazor runs a submit handler only for a form on the page), then its
/// answer; any other method gets 405, as the POST-only handlers these pages replaced did.
/// </summary>
public abstract class FormAnswer : ComponentBase
{
    [CascadingParameter] public required HttpContext Http { get; set; }

    /// <summary>True once the post was handled, or when there is none to handle: the answer is drawn then.</summary>
    protected bool Answered { get; set; }

    protected override void OnInitialized()
    {
        if (!HttpMethods.IsPost(Http.Request.Method))
        {
            Answered = true;
            Http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        }
    }
}
