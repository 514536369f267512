using System.Net;
using System.Net.Http.Json;
using MagicLink.Grains.Sessions;
using MagicLink.Tests.Infrastructure;
using MagicLink.Tests.Links;
using static MagicLink.Tests.Infrastructure.ProblemAssert;

namespace MagicLink.Tests.Sessions;

public sealed class SessionLifecycleTests(FakeTimeFixture fixture) : IClassFixture<FakeTimeFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task A_dynamic_session_reserves_a_credit_and_has_the_contracts_shape()
    {
        var account = await Service.OpenAccountAsync(credits: 1);
        var session = await SessionSteps.CreateDynamicAsync(account, "document_and_selfie", new
        {
            language = "es",
            clientRef = "customer-981",
            expiresInSeconds = 600,
            successUrl = "https://shop.example/done",
            errorUrl = "https://shop.example/failed",
        });

        Assert.StartsWith("ses_", (string)session["id"]!);
        Assert.Matches("/v/[A-Za-z0-9_-]{22,}$", (string)session["url"]!);
        Assert.Equal("pending", (string)session["status"]!);
        Assert.Equal("customer-981", (string)session["clientRef"]!);
        Assert.Equal("es", (string)session["language"]!);
        Assert.Null(session["linkId"]);
        Assert.False((bool)session["billed"]!);
        var created = DateTimeOffset.Parse((string)session["createdAt"]!);
        Assert.Equal(600, (DateTimeOffset.Parse((string)session["expiresAt"]!) - created).TotalSeconds, 0.5);
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(1, (int)own["credits"]!["reserved"]!);

        await IsProblem(await account.Client.PostAsJsonAsync("/api/v1/sessions", new { flow = "selfie" }), HttpStatusCode.PaymentRequired);
        var listed = await Ok(await account.Client.GetAsync("/api/v1/sessions"));
        Assert.Single(listed["items"]!.AsArray());
    }

    [Theory]
    [InlineData("{}", "flow")]
    [InlineData("{\"flow\":\"iris\"}", "flow")]
    [InlineData("{\"flow\":\"document\",\"language\":\"pl\"}", "language")]
    [InlineData("{\"flow\":\"document\",\"expiresInSeconds\":59}", "expiresInSeconds")]
    [InlineData("{\"flow\":\"document\",\"expiresInSeconds\":2592001}", "expiresInSeconds")]
    [InlineData("{\"flow\":\"document\",\"expiresInSeconds\":\"soon\"}", "expiresInSeconds")]
    [InlineData("{\"flow\":\"document\",\"successUrl\":\"javascript:alert(1)\"}", "successUrl")]
    [InlineData("{\"flow\":\"document\",\"errorUrl\":\"/relative\"}", "errorUrl")]
    [InlineData("{\"flow\":\"document\",\"clientRef\":\"\"}", "clientRef")]
    [InlineData("{\"flow\":", "$")]
    public async Task Bad_session_requests_are_400_and_reserve_nothing(string body, string field)
    {
        var account = await Service.OpenAccountAsync(credits: 2);

        await IsProblem(await account.Client.PostAsync("/api/v1/sessions", RawJson(body)), HttpStatusCode.BadRequest, field);

        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(0, (int)own["credits"]!["reserved"]!);
    }

    [Fact]
    public async Task The_same_idempotency_key_opens_one_session_and_reserves_one_credit()
    {
        var account = await Service.OpenAccountAsync(credits: 5);
        async Task<HttpResponseMessage> Send()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sessions") { Content = JsonContent.Create(new { flow = "selfie", clientRef = "c-1" }) };
            request.Headers.Add("Idempotency-Key", "signup-77");
            return await account.Client.SendAsync(request);
        }

        var ids = new HashSet<string>();
        foreach (var response in await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Send())))
        {
            ids.Add((string)(await Json(response, HttpStatusCode.Created))["id"]!);
        }

        Assert.Single(ids);
        Assert.Equal(1, (int)(await Ok(await account.Client.GetAsync("/api/v1/account")))["credits"]!["reserved"]!);
    }

    [Fact]
    public async Task A_reviewed_session_is_billed_once_and_a_second_review_changes_nothing()
    {
        var account = await Service.OpenAccountAsync(credits: 3);
        var id = (string)(await SessionSteps.CreateDynamicAsync(account, "document_and_selfie"))["id"]!;
        var grain = Service.Grains.GetGrain<ISessionGrain>(id);

        Assert.Equal(SessionStatus.InProgress, (await grain.Start())!.Status);
        await IsProblem(await SessionSteps.ReviewAsync(account, id, "approved"), HttpStatusCode.Conflict);
        await SessionSteps.UploadAllAsync(Service, id, Flow.DocumentAndSelfie);
        Assert.Equal(StepOutcome.Ok, (await grain.Submit()).Outcome);
        Assert.Equal(StepOutcome.WrongStatus, (await grain.Submit()).Outcome);

        var reviewed = await Ok(await SessionSteps.ReviewAsync(account, id, "approved", "Document and face match."));
        var again = await SessionSteps.ReviewAsync(account, id, "denied");

        Assert.Equal("approved", (string)reviewed["status"]!);
        Assert.Equal("approved", (string)reviewed["decision"]!);
        Assert.True((bool)reviewed["billed"]!);
        foreach (var stamp in new[] { "startedAt", "submittedAt", "completedAt" })
        {
            Assert.NotNull(reviewed[stamp]);
        }

        await IsProblem(again, HttpStatusCode.Conflict);
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(1, (int)own["credits"]!["spent"]!);
        Assert.Equal(2, (int)own["credits"]!["balance"]!);
        Assert.Equal(0, (int)own["credits"]!["reserved"]!);
        var events = await TestDatabase.ScalarAsync<string>(Service.Database,
            $"SELECT string_agg(type, ',' ORDER BY seq) FROM events WHERE subject_id = '{id}'");
        Assert.Equal("session.created,session.started,session.submitted,session.approved", events);
    }

    [Fact]
    public async Task Submitting_without_every_step_names_what_is_missing()
    {
        var account = await Service.OpenAccountAsync(credits: 1);
        var id = (string)(await SessionSteps.CreateDynamicAsync(account, "document_and_selfie"))["id"]!;
        var grain = Service.Grains.GetGrain<ISessionGrain>(id);
        await grain.Upload(UploadKind.DocumentFront, TestImages.Jpeg());

        var result = await grain.Submit();

        Assert.Equal(StepOutcome.MissingSteps, result.Outcome);
        Assert.Equal([UploadKind.DocumentBack, UploadKind.Selfie], result.Missing);
        Assert.Equal(StepOutcome.WrongKind, (await Service.Grains.GetGrain<ISessionGrain>(
            (string)(await SessionSteps.CreateDynamicAsync(await Service.OpenAccountAsync(credits: 1), "document"))["id"]!).Upload(UploadKind.Selfie, TestImages.Jpeg())).Outcome);
    }

    [Fact]
    public async Task Expiry_releases_the_credit_and_a_late_approval_is_refused()
    {
        var account = await Service.OpenAccountAsync(credits: 2);
        var id = (string)(await SessionSteps.CreateDynamicAsync(account, "document", new { expiresInSeconds = 300 }))["id"]!;
        var grain = Service.Grains.GetGrain<ISessionGrain>(id);
        await grain.Start();

        fixture.Time.Advance(TimeSpan.FromSeconds(301));

        var session = await SessionSteps.GetAsync(account, id);
        Assert.Equal("expired", (string)session["status"]!);
        Assert.Equal("released", (string)session["credit"]!);
        Assert.False((bool)session["billed"]!);
        Assert.Equal(StepOutcome.Expired, (await grain.Upload(UploadKind.DocumentFront, TestImages.Jpeg())).Outcome);
        Assert.Equal(StepOutcome.Expired, (await grain.Submit()).Outcome);
        await IsProblem(await SessionSteps.ReviewAsync(account, id, "approved"), HttpStatusCode.Conflict);
        var own = await Ok(await account.Client.GetAsync("/api/v1/account"));
        Assert.Equal(0, (int)own["credits"]!["reserved"]!);
        Assert.Equal(0, (int)own["credits"]!["spent"]!);
        Assert.Equal(2, (int)own["credits"]!["available"]!);
        var expired = await Ok(await account.Client.GetAsync("/api/v1/sessions?status=expired"));
        Assert.Contains(expired["items"]!.AsArray(), s => (string)s!["id"]! == id);
    }

    [Fact]
    public async Task A_submitted_session_waits_for_review_past_its_lifetime()
    {
        var account = await Service.OpenAccountAsync(credits: 1);
        var id = (string)(await SessionSteps.CreateDynamicAsync(account, "selfie", new { expiresInSeconds = 120 }))["id"]!;
        await SessionSteps.UploadAllAsync(Service, id, Flow.Selfie);
        await Service.Grains.GetGrain<ISessionGrain>(id).Submit();

        fixture.Time.Advance(TimeSpan.FromHours(3));

        Assert.Equal("submitted", (string)(await SessionSteps.GetAsync(account, id))["status"]!);
        var denied = await Ok(await SessionSteps.ReviewAsync(account, id, "denied", "Face does not match."));
        Assert.Equal("denied", (string)denied["status"]!);
        Assert.True((bool)denied["billed"]!);
    }

    [Fact]
    public async Task The_checks_flag_an_image_reused_from_another_session_and_a_blurred_one()
    {
        var account = await Service.OpenAccountAsync(credits: 2);
        var first = (string)(await SessionSteps.CreateDynamicAsync(account, "selfie"))["id"]!;
        var second = (string)(await SessionSteps.CreateDynamicAsync(account, "selfie"))["id"]!;
        var photo = TestImages.Blurred(TestImages.Jpeg());
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photo));
        await TestDatabase.ScalarAsync<int>(Service.Database,
            $"INSERT INTO uploads (id, session_id, account_id, kind, content_type, sha256, width, height, sharpness, key_id, nonce, tag, ciphertext, created_at) " +
            $"VALUES ('upl_x{Guid.NewGuid():N}', '{first}', '{account.Id}', 'selfie', 'image/png', '{hash}', 1280, 960, 200, 'k', '\\x00', '\\x00', '\\x00', now()) RETURNING 1");
        await Service.Grains.GetGrain<ISessionGrain>(second).Upload(UploadKind.Selfie, photo);

        var submitted = (await Service.Grains.GetGrain<ISessionGrain>(second).Submit()).Session!;

        Assert.False(submitted.Checks.Single(c => c.Name == "duplicate_image").Passed);
        Assert.Contains(first, submitted.Checks.Single(c => c.Name == "duplicate_image").Detail, StringComparison.Ordinal);
        Assert.False(submitted.Checks.Single(c => c.Name == "image_quality").Passed);
        Assert.True(submitted.Checks.Single(c => c.Name == "selfie_present").Passed);
        var view = await SessionSteps.GetAsync(account, second);
        Assert.Equal(3, view["checks"]!.AsArray().Count);
    }

    [Fact]
    public async Task Another_accounts_session_is_404()
    {
        var owner = await Service.OpenAccountAsync(credits: 1);
        var stranger = await Service.OpenAccountAsync(credits: 1);
        var id = (string)(await SessionSteps.CreateDynamicAsync(owner))["id"]!;

        await IsProblem(await stranger.Client.GetAsync($"/api/v1/sessions/{id}"), HttpStatusCode.NotFound);
        await IsProblem(await SessionSteps.ReviewAsync(stranger, id, "approved"), HttpStatusCode.NotFound);
        Assert.Empty((await Ok(await stranger.Client.GetAsync("/api/v1/sessions")))["items"]!.AsArray());
    }
}
