using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Hosted;
using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Dashboard;

public sealed class DashboardFixture : ServiceFixture
{
    protected override Dictionary<string, string> Settings => new() { ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0" };
}

public sealed class DashboardTests(DashboardFixture fixture) : IClassFixture<DashboardFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_wrong_password_shows_the_form_again_with_an_error_and_signs_nobody_in()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await Service.OpenAccountAsync(email: email);
        using var client = DashboardClient.Anonymous(Service);

        using var wrong = await client.SignInAsync(email, "not the password");
        var html = await wrong.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("text/html", wrong.Content.Headers.ContentType?.MediaType);
        Assert.Contains("don&#x27;t match an account", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"email\">Email</label>", html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{email}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "ml_dashboard");
        using var links = await client.Http.GetAsync("/dashboard/links");
        Assert.Equal("/dashboard", links.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task The_right_password_signs_in_with_an_http_only_lax_cookie_and_shows_the_account_and_its_credits()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await Service.OpenAccountAsync(credits: 42, email: email);
        using var client = DashboardClient.Anonymous(Service, followRedirects: false);
        var form = await client.PageAsync("/dashboard");
        Assert.Contains("<label for=\"password\">Password</label>", form, StringComparison.Ordinal);

        using var signIn = await client.SubmitAsync(form, "/dashboard/sign-in", new() { ["email"] = email.ToUpperInvariant(), ["password"] = DashboardClient.Password });

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal("/dashboard/links", signIn.Headers.Location!.ToString());
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ml_dashboard=", StringComparison.Ordinal));
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        var page = await client.PageAsync("/dashboard/links");
        Assert.Contains("Test business", page, StringComparison.Ordinal);
        Assert.Contains("<strong data-credit=\"available\">42</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<strong data-credit=\"balance\">42</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<strong data-credit=\"reserved\">0</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<strong data-credit=\"spent\">0</strong>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var (_, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var page = await client.PageAsync("/dashboard/links");
            using var signOut = await client.SubmitAsync(page, "/dashboard/sign-out", []);

            Assert.Equal("/dashboard", signOut.RequestMessage!.RequestUri!.AbsolutePath);
            using var after = await client.Http.GetAsync("/dashboard/sessions");
            Assert.Equal("/dashboard", after.RequestMessage!.RequestUri!.AbsolutePath);
        }
    }

    [Theory]
    [InlineData("GET", "/dashboard/links")]
    [InlineData("GET", "/dashboard/links/lnk_0000000000000000000000000a")]
    [InlineData("GET", "/dashboard/links/lnk_0000000000000000000000000a/qr.png")]
    [InlineData("GET", "/dashboard/sessions")]
    [InlineData("GET", "/dashboard/sessions/ses_0000000000000000000000000a")]
    [InlineData("GET", "/dashboard/sessions/ses_0000000000000000000000000a/uploads/selfie")]
    [InlineData("GET", "/dashboard/review")]
    [InlineData("GET", "/dashboard/events")]
    [InlineData("POST", "/dashboard/links")]
    [InlineData("POST", "/dashboard/links/lnk_0000000000000000000000000a/deactivate")]
    [InlineData("POST", "/dashboard/sessions/ses_0000000000000000000000000a/review")]
    [InlineData("POST", "/dashboard/sign-out")]
    public async Task Every_dashboard_page_sends_a_stranger_to_the_sign_in_form(string method, string path)
    {
        using var client = DashboardClient.Anonymous(Service, followRedirects: false);

        using var response = await client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "POST" ? new FormUrlEncodedContent([]) : null,
        });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.True(location == "/dashboard" || location.StartsWith("/dashboard?next=", StringComparison.Ordinal), location);
    }

    [Fact]
    public async Task After_signing_in_the_person_lands_on_the_page_they_asked_for()
    {
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        await Service.OpenAccountAsync(email: email);
        using var client = DashboardClient.Anonymous(Service);

        using var asked = await client.Http.GetAsync("/dashboard/review");
        var form = await asked.Content.ReadAsStringAsync();
        using var signIn = await client.SubmitAsync(form, "/dashboard/sign-in", new() { ["email"] = email, ["password"] = DashboardClient.Password });

        Assert.Equal("/dashboard/review", signIn.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
    }

    [Fact]
    public async Task Another_accounts_link_and_session_are_a_not_found_page()
    {
        var other = await Service.OpenAccountAsync();
        var theirs = await LinkSteps.CreateAsync(other, new { type = "single" });
        var theirSession = await SessionSteps.CreateDynamicAsync(other);
        var (_, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            foreach (var path in new[]
                     {
                         $"/dashboard/links/{(string)theirs["id"]!}", "/dashboard/links/lnk_0000000000000000000000000a", "/dashboard/links/nonsense",
                         $"/dashboard/sessions/{(string)theirSession["id"]!}",
                     })
            {
                using var page = await client.Http.GetAsync(path);
                var html = await page.Content.ReadAsStringAsync();
                Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
                Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
                Assert.DoesNotContain((string)theirs["name"]!, html, StringComparison.Ordinal);
            }

            using var qr = await client.Http.GetAsync($"/dashboard/links/{(string)theirs["id"]!}/qr.png");
            Assert.Equal(HttpStatusCode.NotFound, qr.StatusCode);
            var ownPage = await client.PageAsync("/dashboard/links");
            using var deactivate = await client.SubmitAsync(ownPage, "/dashboard/sign-out", [], postTo: $"/dashboard/links/{(string)theirs["id"]!}/deactivate");
            Assert.Equal(HttpStatusCode.NotFound, deactivate.StatusCode);
            Assert.Equal("active", (string)(await LinkSteps.GetAsync(other, theirs))["status"]!);
        }
    }

    [Fact]
    public async Task The_create_link_form_creates_the_link_with_the_api_rules_and_shows_its_url_and_qr_code()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var page = await client.PageAsync("/dashboard/links");
            using var refused = await client.SubmitAsync(page, "/dashboard/links", new()
            {
                ["name"] = "Spring campaign",
                ["flow"] = "document",
                ["usage"] = "multi",
                ["limit"] = "1",
                ["language"] = "xx",
            });
            var refusedHtml = await refused.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("A multi-use link needs a limit from 2 to 1,000,000.", refusedHtml, StringComparison.Ordinal);
            Assert.Contains("Choose one of the listed languages.", refusedHtml, StringComparison.Ordinal);
            Assert.Contains("value=\"Spring campaign\"", refusedHtml, StringComparison.Ordinal);

            var expiresLocal = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-ddTHH:mm");
            using var created = await client.SubmitAsync(refusedHtml, "/dashboard/links", new()
            {
                ["name"] = "Spring campaign",
                ["flow"] = "document",
                ["usage"] = "multi",
                ["limit"] = "5",
                ["language"] = "de",
                ["expiresAt"] = expiresLocal,
                ["utcOffset"] = "-120",
            });
            var html = await created.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, created.StatusCode);
            var id = created.RequestMessage!.RequestUri!.AbsolutePath["/dashboard/links/".Length..];
            var link = await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{id}"));
            Assert.Equal("Spring campaign", (string)link["name"]!);
            Assert.Equal("document", (string)link["flow"]!);
            Assert.Equal("multi", (string)link["usage"]!["type"]!);
            Assert.Equal(5, (int)link["usage"]!["limit"]!);
            Assert.Equal("de", (string)link["language"]!);
            Assert.Equal(DateTime.ParseExact(expiresLocal, "yyyy-MM-ddTHH:mm", null).AddHours(-2), ((DateTimeOffset)link["expiresAt"]!).UtcDateTime);
            Assert.Contains($"value=\"{(string)link["url"]!}\"", html, StringComparison.Ordinal);
            Assert.Contains($"<img src=\"/dashboard/links/{id}/qr.png\"", html, StringComparison.Ordinal);
            Assert.Contains("Verifizierung starten", html, StringComparison.Ordinal);

            using var qr = await client.Http.GetAsync($"/dashboard/links/{id}/qr.png");
            Assert.Equal("image/png", qr.Content.Headers.ContentType?.MediaType);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], (await qr.Content.ReadAsByteArrayAsync())[..4]);

            var list = await client.PageAsync("/dashboard/links");
            Assert.Contains($"href=\"/dashboard/links/{id}\"", list, StringComparison.Ordinal);
            // Not a form, so no antiforgery token: refused, and as problem+json to a client that is no browser.
            using var json = await client.Http.PostAsJsonAsync("/dashboard/links", new { name = "Not a form" });
            await ProblemAssert.IsProblem(json, HttpStatusCode.BadRequest, "__RequestVerificationToken");
        }
    }

    [Fact]
    public async Task The_link_page_shares_the_same_embed_snippet_and_qr_code_as_the_api()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var link = await LinkSteps.CreateAsync(account, new { type = "single" }, language: "lt");
            var id = (string)link["id"]!;

            var page = await client.PageAsync($"/dashboard/links/{id}");
            var embed = await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{id}/embed"));
            var apiQr = await account.Client.GetByteArrayAsync($"/api/v1/links/{id}/qr.png");
            var pageQr = await client.Http.GetByteArrayAsync($"/dashboard/links/{id}/qr.png");

            var snippet = Markup.Parse(page).GetElementById("embed")!.TextContent;
            Assert.Equal((string)embed["html"]!, snippet);
            Assert.Equal(apiQr, pageQr);
        }
    }

    [Fact]
    public async Task Submitting_the_same_create_form_twice_creates_one_link()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var page = await client.PageAsync("/dashboard/links");
            var fields = new Dictionary<string, string> { ["name"] = "Once", ["flow"] = "selfie", ["usage"] = "unlimited", ["language"] = "en" };

            using var first = await client.SubmitAsync(page, "/dashboard/links", fields);
            using var second = await client.SubmitAsync(page, "/dashboard/links", fields);

            Assert.Equal(first.RequestMessage!.RequestUri!.AbsolutePath, second.RequestMessage!.RequestUri!.AbsolutePath);
            var links = await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/links"));
            Assert.Single(links["items"]!.AsArray());
        }
    }

    [Fact]
    public async Task Deactivate_ends_the_link_for_good()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
            var id = (string)link["id"]!;
            var page = await client.PageAsync($"/dashboard/links/{id}");
            Assert.Contains("data-confirm=", page, StringComparison.Ordinal);

            using var deactivated = await client.SubmitAsync(page, $"/dashboard/links/{id}/deactivate", []);
            var html = await deactivated.Content.ReadAsStringAsync();

            Assert.Equal($"/dashboard/links/{id}", deactivated.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Contains("<span class=\"badge red\">Deactivated</span>", html, StringComparison.Ordinal);
            Assert.DoesNotContain($"/dashboard/links/{id}/deactivate", html, StringComparison.Ordinal);
            Assert.Equal("deactivated", (string)(await LinkSteps.GetAsync(account, link))["status"]!);
            using var click = await LinkSteps.ClickAsync(LinkSteps.NoRedirects(Service.Http.BaseAddress!), link);
            Assert.Equal(HttpStatusCode.Gone, click.StatusCode);
        }
    }

    [Fact]
    public async Task Approving_from_the_review_queue_approves_the_session_and_charges_its_credit()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service, credits: 3);
        using (client)
        {
            var sessionId = await ClickedAndSubmittedAsync(account);

            var queue = await client.PageAsync("/dashboard/review");
            Assert.Contains(sessionId, queue, StringComparison.Ordinal);
            Assert.Contains("Image quality", queue, StringComparison.Ordinal);
            Assert.Contains("<span id=\"review-count\" class=\"count\" data-live aria-label=\"1 waiting\">1</span>", queue, StringComparison.Ordinal);
            using var approved = await client.SubmitAsync(queue, $"/dashboard/sessions/{sessionId}/review",
                new() { ["decision"] = "approved", ["reason"] = "Looks right" });
            var after = await approved.Content.ReadAsStringAsync();

            Assert.Equal("/dashboard/review", approved.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Contains($"Session {sessionId} approved.", after, StringComparison.Ordinal);
            Assert.Contains("Nothing to review", after, StringComparison.Ordinal);
            var session = await SessionSteps.GetAsync(account, sessionId);
            Assert.Equal("approved", (string)session["status"]!);
            Assert.Equal("Looks right", (string)session["reason"]!);
            Assert.True((bool)session["billed"]!);
            var credits = (await ProblemAssert.Ok(await account.Client.GetAsync("/api/v1/account")))["credits"]!;
            Assert.Equal(1, (int)credits["spent"]!);
            Assert.Equal(0, (int)credits["reserved"]!);
            Assert.Equal(2, (int)credits["balance"]!);
            Assert.Contains("<strong data-credit=\"spent\">1</strong>", after, StringComparison.Ordinal);

            using var again = await client.SubmitAsync(queue, $"/dashboard/sessions/{sessionId}/review", new() { ["decision"] = "denied" });
            Assert.Contains("was no longer waiting for review; nothing changed", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal("approved", (string)(await SessionSteps.GetAsync(account, sessionId))["status"]!);
        }
    }

    [Fact]
    public async Task A_decision_posted_without_the_forms_name_is_still_taken_as_that_sessions_decision()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var sessionId = await ClickedAndSubmittedAsync(account);
            var queue = await client.PageAsync("/dashboard/review");

            // A script posting the decision by hand sends the token and the fields, not the name a drawn form carries.
            var token = Markup.Parse(queue).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            using var denied = await client.Http.PostAsync($"/dashboard/sessions/{sessionId}/review", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["decision"] = "denied",
            }));

            Assert.Equal("/dashboard/review", denied.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Contains($"Session {sessionId} denied.", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal("denied", (string)(await SessionSteps.GetAsync(account, sessionId))["status"]!);
        }
    }

    [Fact]
    public async Task A_decision_form_for_ones_own_session_aimed_at_another_accounts_session_is_a_404()
    {
        var owner = await Service.OpenAccountAsync();
        var theirs = (string)(await SessionSteps.CreateDynamicAsync(owner))["id"]!;
        await SessionSteps.UploadAllAsync(Service, theirs, Flow.Document);
        await Service.Grains.GetGrain<ISessionGrain>(theirs).Submit();
        var (stranger, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var own = (string)(await SessionSteps.CreateDynamicAsync(stranger))["id"]!;
            await SessionSteps.UploadAllAsync(Service, own, Flow.Document);
            await Service.Grains.GetGrain<ISessionGrain>(own).Submit();
            var page = await client.PageAsync($"/dashboard/sessions/{own}");

            using var response = await client.SubmitAsync(page, $"/dashboard/sessions/{own}/review", new() { ["decision"] = "approved" },
                postTo: $"/dashboard/sessions/{theirs}/review");

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("submitted", (string)(await SessionSteps.GetAsync(owner, theirs))["status"]!);
        }
    }

    [Fact]
    public async Task A_sessions_images_are_served_to_its_account_only()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        var (_, _, stranger) = await DashboardClient.SignedInAsync(Service);
        using (client)
        using (stranger)
        {
            var (id, path) = await HostedSteps.OpenSessionAsync(account, flow: "selfie");
            var photo = TestImages.Jpeg();
            await HostedSteps.UploadOkAsync(Service.Http, path, "selfie", photo);
            using var submit = await HostedSteps.SubmitAsync(Service.Http, path);

            var page = await client.PageAsync($"/dashboard/sessions/{id}");
            Assert.Contains($"<img src=\"/dashboard/sessions/{id}/uploads/selfie\"", page, StringComparison.Ordinal);
            using var image = await client.Http.GetAsync($"/dashboard/sessions/{id}/uploads/selfie");
            Assert.Equal(HttpStatusCode.OK, image.StatusCode);
            Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
            Assert.Equal(photo, await image.Content.ReadAsByteArrayAsync());
            Assert.Contains("no-store", image.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

            using var theirs = await stranger.Http.GetAsync($"/dashboard/sessions/{id}/uploads/selfie");
            Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
            using var missing = await client.Http.GetAsync($"/dashboard/sessions/{id}/uploads/document_front");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
    }

    [Fact]
    public async Task The_event_stream_delivers_a_click_on_the_accounts_link_within_two_seconds()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 10 });
            var page = await client.PageAsync($"/dashboard/links/{(string)link["id"]!}");
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/dashboard/events?after={DashboardClient.SeqOf(page)}");
            using var stream = await client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Assert.Equal("ready", (await ServerSentEvents.NextAsync(reader, timeout.Token)).Type);

            var clock = Stopwatch.StartNew();
            using var click = await LinkSteps.ClickAsync(LinkSteps.NoRedirects(Service.Http.BaseAddress!), link);
            Assert.Equal(HttpStatusCode.SeeOther, click.StatusCode);
            var (type, data) = await ServerSentEvents.NextAsync(reader, timeout.Token);
            clock.Stop();

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The event took {clock.Elapsed}.");
            Assert.Equal("change", type);
            Assert.Equal("session.created", (string)JsonNode.Parse(data)!["events"]![0]!["type"]!);
        }
    }

    [Fact]
    public async Task The_event_stream_carries_only_the_signed_in_accounts_events()
    {
        var other = await Service.OpenAccountAsync();
        var theirs = await LinkSteps.CreateAsync(other, new { type = "unlimited" });
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var mine = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
            var page = await client.PageAsync("/dashboard/links");
            using var stream = await client.Http.SendAsync(
                new HttpRequestMessage(HttpMethod.Get, $"/dashboard/events?after={DashboardClient.SeqOf(page)}"), HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Assert.Equal("ready", (await ServerSentEvents.NextAsync(reader, timeout.Token)).Type);

            using var clicks = LinkSteps.NoRedirects(Service.Http.BaseAddress!);
            (await LinkSteps.ClickAsync(clicks, theirs)).Dispose();
            (await LinkSteps.ClickAsync(clicks, mine)).Dispose();
            var (type, data) = await ServerSentEvents.NextAsync(reader, timeout.Token);
            var change = JsonNode.Parse(data)!;

            Assert.Equal("change", type);

            var session = (string)change["events"]![0]!["subjectId"]!;
            Assert.Equal(1, (int)change["count"]!);
            Assert.Equal((string)mine["id"]!, (string)(await SessionSteps.GetAsync(account, session))["linkId"]!);
        }
    }

    [Fact]
    public async Task The_sessions_page_lists_the_accounts_sessions_by_status()
    {
        var (account, _, client) = await DashboardClient.SignedInAsync(Service);
        using (client)
        {
            var pending = (string)(await SessionSteps.CreateDynamicAsync(account))["id"]!;
            var submitted = (string)(await SessionSteps.CreateDynamicAsync(account))["id"]!;
            await SessionSteps.UploadAllAsync(Service, submitted, Flow.Document);
            await Service.Grains.GetGrain<ISessionGrain>(submitted).Submit();

            var all = await client.PageAsync("/dashboard/sessions");
            var waiting = await client.PageAsync("/dashboard/sessions?status=submitted");

            Assert.Contains(pending, all, StringComparison.Ordinal);
            Assert.Contains(submitted, all, StringComparison.Ordinal);
            Assert.Contains(submitted, waiting, StringComparison.Ordinal);
            Assert.DoesNotContain(pending, waiting, StringComparison.Ordinal);
        }
    }

    /// <summary>A session opened by a click on a new document link of the account, its images uploaded, submitted: waiting for review.</summary>
    private async Task<string> ClickedAndSubmittedAsync(TestAccount account)
    {
        var link = await LinkSteps.CreateAsync(account, new { type = "multi", limit = 5 }, flow: "document");
        using var click = await LinkSteps.ClickAsync(LinkSteps.NoRedirects(Service.Http.BaseAddress!), link);
        var sessions = await ProblemAssert.Ok(await account.Client.GetAsync($"/api/v1/links/{(string)link["id"]!}/sessions"));
        var sessionId = (string)sessions["items"]![0]!["id"]!;
        await SessionSteps.UploadAllAsync(Service, sessionId, Flow.Document);
        Assert.Equal(StepOutcome.Ok, (await Service.Grains.GetGrain<ISessionGrain>(sessionId).Submit()).Outcome);
        return sessionId;
    }
}
