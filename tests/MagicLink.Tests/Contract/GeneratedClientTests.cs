using MagicLink.Tests.Infrastructure;

namespace MagicLink.Tests.Contract;

public sealed class GeneratedClientTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private static readonly string[] Steps = ["document_front", "document_back", "selfie"];

    private MagicLinkService Service => fixture.Service;

    /// <summary>The README's curl walk-through, through a client generated from /openapi/v1.json alone.</summary>
    [Fact]
    public async Task A_client_generated_from_the_document_walks_the_readme_from_account_to_review()
    {
        var contract = await ApiContract.ForAsync(Service.Http.BaseAddress!);
        using var adminHttp = Client();
        adminHttp.DefaultRequestHeaders.Authorization = Service.Admin().DefaultRequestHeaders.Authorization;
        var (_, admin) = await GeneratedClient.CreateAsync(contract, adminHttp);

        var opened = (await admin.CallAsync("OpenAccount", ("body", admin.New("OpenAccountRequest",
            ("Name", "Walk-through business"), ("Email", $"walk-{Guid.NewGuid():N}@example.com"), ("Password", "correct horse battery"), ("Credits", 100)))))!;
        using var accountHttp = Client();
        accountHttp.DefaultRequestHeaders.Authorization = MagicLinkService.As(Service.Http, (string)opened.ApiKey, (string)opened.ApiSecret)
            .DefaultRequestHeaders.Authorization;
        var (_, api) = await GeneratedClient.CreateAsync(contract, accountHttp);
        using var publicHttp = Client();
        var (_, person) = await GeneratedClient.CreateAsync(contract, publicHttp);

        // a link good for three clicks, in Lithuanian
        var usage = api.New("UsageRequest", ("Type", "multi"), ("Limit", 3));
        var link = (await api.CallAsync("CreateLink", ("body", api.New("CreateLinkRequest",
            ("Name", "Spring campaign"), ("Flow", "document_and_selfie"), ("Usage", usage),
            ("ExpiresAt", DateTimeOffset.UtcNow.AddDays(30)), ("Language", "lt")))))!;
        Assert.Equal(3, (int)link.Usage.Remaining);
        var linkToken = new Uri((string)link.Url).Segments[^1];

        // the start page uses nothing; the click answers 303 to the session's page
        var start = (await person.CallAsync("OpenLink", ("token", linkToken)))!;
        Assert.Equal("Spring campaign", (string)start.Name);
        var sessionPage = await RedirectOf(() => person.CallAsync("ClickLink", ("token", linkToken)));
        var sessionToken = sessionPage.Segments[^1];

        var used = (await api.CallAsync("GetLink", ("id", (string)link.Id)))!;
        Assert.Equal(1, (int)used.Usage.Used);
        Assert.Equal(2, (int)used.Usage.Remaining);
        var sessions = (await api.CallAsync("ListLinkSessions", ("id", (string)link.Id)))!;
        var session = Assert.Single((IEnumerable<dynamic>)sessions.Items);
        var account = (await api.CallAsync("GetOwnAccount"))!;
        Assert.Equal(1, (int)account.Credits.Reserved);
        Assert.Equal(99, (int)account.Credits.Available);

        // the hosted flow as JSON: open, three images, submit
        var hosted = (await person.CallAsync("OpenSession", ("token", sessionToken)))!;
        Assert.Equal((string)session.Id, (string)hosted.Id);
        var images = Steps.ToDictionary(kind => kind, kind => TestImages.Jpeg(label: kind));
        foreach (var (kind, bytes) in images)
        {
            var file = Activator.CreateInstance(person.Type("FileParameter"), new MemoryStream(bytes), $"{kind}.jpg", "image/jpeg");
            await person.CallAsync("UploadImage", ("token", sessionToken), ("kind", kind), ("file", file));
        }

        var submitted = (await person.CallAsync("SubmitSession", ("token", sessionToken)))!;
        Assert.Equal("Submitted", ((object)submitted.Status).ToString());

        // the owner reads an image back and approves
        var front = (await api.CallAsync("GetSessionUpload", ("id", (string)session.Id), ("kind", "document_front")))!;
        using var image = new MemoryStream();
        await ((Stream)front.Stream).CopyToAsync(image);
        Assert.Equal(images["document_front"], image.ToArray());
        var reviewed = (await api.CallAsync("ReviewSession", ("id", (string)session.Id),
            ("body", api.New("ReviewRequest", ("Decision", "approved")))))!;
        Assert.Equal("Approved", ((object)reviewed.Status).ToString());
        Assert.Equal(1, (int)((await api.CallAsync("GetOwnAccount"))!).Credits.Spent);
    }

    private HttpClient Client() =>
        new(new ContractCheck(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false })) { BaseAddress = Service.Http.BaseAddress };

    /// <summary>Where a documented 303 leads, whether the generated code returns it or raises it as its ApiException.</summary>
    private static async Task<Uri> RedirectOf(Func<Task<dynamic?>> call)
    {
        try
        {
            await call();
        }
        catch (Exception e) when (e.GetType().Name == "ApiException" && (int)((dynamic)e).StatusCode == 303)
        {
            var headers = (IReadOnlyDictionary<string, IEnumerable<string>>)((dynamic)e).Headers;
            return new Uri(headers["Location"].Single());
        }

        throw new InvalidOperationException("The click did not answer 303.");
    }
}
