using System.Net;
using AngleSharp.Html.Dom;
using MagicLink.Tests.Contract;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Dashboard;

/// <summary>
/// A person at the dashboard with a plain HTTP client: cookies are kept, and forms are read from the
/// page (hidden fields and antiforgery token included) and posted back the way a browser would.
/// </summary>
public sealed class DashboardClient : IDisposable
{
    public const string Password = "correct horse battery";

    private DashboardClient(Uri baseAddress, bool followRedirects)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new ContractCheck(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = followRedirects }))
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    public static DashboardClient Anonymous(MagicLinkService service, bool followRedirects = true) => new(service.Http.BaseAddress!, followRedirects);

    /// <summary>A browser talking to one particular API process.</summary>
    public static DashboardClient At(Uri baseAddress) => new(baseAddress, followRedirects: true);

    /// <summary>Opens an account and signs in to it through the form.</summary>
    public static async Task<(TestAccount Account, string Email, DashboardClient Client)> SignedInAsync(MagicLinkService service, int credits = 100)
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        var account = await service.OpenAccountAsync(credits, email);
        var client = Anonymous(service);
        using var response = await client.SignInAsync(email, Password);
        Assert.Equal("/dashboard/links", response.RequestMessage!.RequestUri!.AbsolutePath);
        return (account, email, client);
    }

    public async Task<HttpResponseMessage> SignInAsync(string email, string password)
    {
        var form = await PageAsync("/dashboard");
        return await SubmitAsync(form, "/dashboard/sign-in", new() { ["email"] = email, ["password"] = password });
    }

    /// <summary>A page that must answer 200 with HTML.</summary>
    public async Task<string> PageAsync(string path)
    {
        using var response = await Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return html;
    }

    /// <summary>
    /// Posts the page's form with this action: its hidden fields (antiforgery token included),
    /// overridden or added to by <paramref name="fields"/>; to <paramref name="postTo"/> when given, as a forged form would.
    /// </summary>
    public Task<HttpResponseMessage> SubmitAsync(string html, string action, Dictionary<string, string> fields, string? postTo = null)
    {
        var values = HiddenFields(html, action);
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }

        return Http.PostAsync(postTo ?? action, new FormUrlEncodedContent(values));
    }

    /// <summary>The hidden fields of the page's form with this action: the antiforgery token and the form's name among them.</summary>
    public static Dictionary<string, string> HiddenFields(string html, string action)
    {
        var form = Markup.Parse(html).Forms.FirstOrDefault(f => f.GetAttribute("action") == action);
        Assert.True(form is not null, $"No form posts to {action}.");
        return form.QuerySelectorAll("input[type=hidden]").OfType<IHtmlInputElement>().ToDictionary(i => i.Name!, i => i.Value);
    }

    /// <summary>The position in the account's events the page was drawn at (where its live stream starts).</summary>
    public static string SeqOf(string html) => Markup.Parse(html).Body!.GetAttribute("data-seq")!;

    public void Dispose() => Http.Dispose();
}
