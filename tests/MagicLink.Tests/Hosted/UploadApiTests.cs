using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using MagicLink.Tests.Infrastructure;
using static MagicLink.Tests.Hosted.HostedSteps;

namespace MagicLink.Tests.Hosted;

/// <summary>The hosted flow's JSON endpoints: uploads judged by content, stored encrypted, read back by the owner only.</summary>
public sealed class UploadApiTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Images_are_stored_encrypted_and_only_the_owning_account_reads_them_back()
    {
        var account = await Service.OpenAccountAsync();
        var (id, path) = await OpenSessionAsync(account, flow: "document");
        var front = TestImages.Jpeg();
        var back = TestImages.Png(800, 600);

        var afterFront = await UploadOkAsync(Service.Http, path, "document_front", front);
        Assert.Equal("in_progress", (string)afterFront["status"]!);
        Assert.Equal(["document_front"], afterFront["uploads"]!.AsArray().Select(k => (string)k!));
        Assert.Equal(["document_back"], afterFront["missing"]!.AsArray().Select(k => (string)k!));
        await UploadOkAsync(Service.Http, path, "document_back", back, "image/png");

        var submitted = await ProblemAssert.Ok(await SubmitAsync(Service.Http, path));
        Assert.Equal("submitted", (string)submitted["status"]!);
        Assert.Equal("submitted", (string)(await SessionAsync(account, id))["status"]!);

        using (var read = await account.Client.GetAsync($"/api/v1/sessions/{id}/uploads/document_front"))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal("image/jpeg", read.Content.Headers.ContentType?.MediaType);
            Assert.Equal(front, await read.Content.ReadAsByteArrayAsync());
        }

        using (var read = await account.Client.GetAsync($"/api/v1/sessions/{id}/uploads/document_back"))
        {
            Assert.Equal("image/png", read.Content.Headers.ContentType?.MediaType);
            Assert.Equal(back, await read.Content.ReadAsByteArrayAsync());
        }

        // At rest: the row holds the hash and size of the plain image, never its bytes.
        var row = await RowAsync(id, "document_front");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(front)), row.Sha256);
        Assert.Equal((1024, 768), (row.Width, row.Height));
        Assert.True(row.Sharpness > 25, $"A sharp test image measured {row.Sharpness}.");
        Assert.Equal(front.Length, row.Ciphertext.Length);
        Assert.NotEqual(front, row.Ciphertext);
        Assert.False(row.Ciphertext.AsSpan().StartsWith(front.AsSpan(0, 16)));
        Assert.Equal((12, 16), (row.Nonce.Length, row.Tag.Length));

        var stranger = await Service.OpenAccountAsync();
        await ProblemAssert.IsProblem(await stranger.Client.GetAsync($"/api/v1/sessions/{id}/uploads/document_front"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await Service.Http.GetAsync($"/api/v1/sessions/{id}/uploads/document_front"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblem(await account.Client.GetAsync($"/api/v1/sessions/{id}/uploads/selfie"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await account.Client.GetAsync($"/api/v1/sessions/{id}/uploads/passport"), HttpStatusCode.BadRequest, "kind");
    }

    [Fact]
    public async Task Bad_uploads_are_refused_with_the_reason_and_nothing_is_stored()
    {
        var account = await Service.OpenAccountAsync();
        var (id, path) = await OpenSessionAsync(account, flow: "document");
        var truncated = TestImages.Jpeg()[..20_000];

        var cases = new (string Name, string Kind, byte[] File, string FileName, HttpStatusCode Status, string Field, string Code, string Reason)[]
        {
            ("a PDF named .jpg", "document_front", TestImages.Pdf(), "passport.jpg", HttpStatusCode.BadRequest, "file", "not_image", "not a JPEG or PNG"),
            ("an empty file", "document_front", [], "empty.jpg", HttpStatusCode.BadRequest, "file", "empty", "empty"),
            ("11 MB", "document_front", TestImages.Oversized(11 * 1024 * 1024), "huge.jpg", HttpStatusCode.RequestEntityTooLarge, "file", "too_large", "larger than 10 MB"),
            ("a 100×100 PNG", "document_front", TestImages.Png(100, 100), "small.png", HttpStatusCode.BadRequest, "file", "too_small", "640×480"),
            ("a truncated JPEG", "document_front", truncated, "cut.jpg", HttpStatusCode.BadRequest, "file", "unreadable", "does not decode"),
            ("a selfie on a document-only flow", "selfie", TestImages.Jpeg(), "me.jpg", HttpStatusCode.BadRequest, "kind", "wrong_kind", "does not take selfie"),
            ("an unknown kind", "passport", TestImages.Jpeg(), "p.jpg", HttpStatusCode.BadRequest, "kind", "bad_kind", "kind must be"),
        };
        foreach (var c in cases)
        {
            var problem = await ProblemAssert.IsProblem(await UploadAsync(Service.Http, path, c.Kind, c.File, c.FileName), c.Status, c.Field);
            Assert.True((string)problem["code"]! == c.Code, $"{c.Name}: {problem}");
            Assert.Contains(c.Reason, (string)problem["detail"]!, StringComparison.Ordinal);
            Assert.Contains(c.Reason, (string)problem["errors"]![c.Field]![0]!, StringComparison.Ordinal);
            Assert.True(await UploadRowsAsync(Service, id) == 0, $"{c.Name} left a row in uploads.");
        }

        Assert.Empty((await HostedViewAsync(Service.Http, path))["uploads"]!.AsArray());
    }

    [Fact]
    public async Task Submit_without_every_image_names_the_missing_ones()
    {
        var account = await Service.OpenAccountAsync();
        var (_, path) = await OpenSessionAsync(account, flow: "document_and_selfie");
        await UploadOkAsync(Service.Http, path, "document_front", TestImages.Jpeg());

        var problem = await ProblemAssert.IsProblem(await SubmitAsync(Service.Http, path), HttpStatusCode.BadRequest);
        Assert.Equal("missing", (string)problem["code"]!);
        Assert.Equal(["document_back", "selfie"], problem["missing"]!.AsArray().Select(k => (string)k!));
        Assert.Contains("document_back, selfie", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Equal("in_progress", (string)(await HostedViewAsync(Service.Http, path))["status"]!);
    }

    [Fact]
    public async Task A_submitted_session_takes_no_more_images_or_submits()
    {
        var account = await Service.OpenAccountAsync();
        var (id, path) = await OpenSessionAsync(account, flow: "selfie");
        await UploadOkAsync(Service.Http, path, "selfie", TestImages.Jpeg(720, 960));
        await ProblemAssert.Ok(await SubmitAsync(Service.Http, path));

        var upload = await ProblemAssert.IsProblem(await UploadAsync(Service.Http, path, "selfie", TestImages.Jpeg()), HttpStatusCode.Conflict);
        Assert.Equal("finished", (string)upload["code"]!);
        var again = await ProblemAssert.IsProblem(await SubmitAsync(Service.Http, path), HttpStatusCode.Conflict);
        Assert.Contains("submitted", (string)again["detail"]!, StringComparison.Ordinal);
        Assert.Equal(1, await UploadRowsAsync(Service, id));
    }

    [Fact]
    public async Task A_new_image_of_the_same_kind_replaces_the_earlier_one()
    {
        var account = await Service.OpenAccountAsync();
        var (id, path) = await OpenSessionAsync(account, flow: "document");
        await UploadOkAsync(Service.Http, path, "document_front", TestImages.Jpeg());
        var second = TestImages.Png();
        await UploadOkAsync(Service.Http, path, "document_front", second, "image/png");

        Assert.Equal(1, await UploadRowsAsync(Service, id));
        using var read = await account.Client.GetAsync($"/api/v1/sessions/{id}/uploads/document_front");
        Assert.Equal(second, await read.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Concurrent_images_of_one_kind_leave_exactly_the_one_the_session_names()
    {
        var account = await Service.OpenAccountAsync();
        var (id, path) = await OpenSessionAsync(account, flow: "document");
        var images = Enumerable.Range(0, 8).Select(i => TestImages.Jpeg(label: $"front {i}")).ToList();

        // Every upload runs against the same session at once; the session takes them one at a time.
        var answers = await Task.WhenAll(images.Select(image => UploadAsync(Service.Http, path, "document_front", image)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(1, await UploadRowsAsync(Service, id));
        using var read = await account.Client.GetAsync($"/api/v1/sessions/{id}/uploads/document_front");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains(await read.Content.ReadAsByteArrayAsync(), images);
    }

    [Fact]
    public async Task Malformed_requests_are_answered_with_problems_never_500()
    {
        var account = await Service.OpenAccountAsync();
        var (id, path) = await OpenSessionAsync(account, flow: "document");

        await ProblemAssert.IsProblem(await Service.Http.PostAsync(path + "/uploads", ProblemAssert.RawJson("{}")), HttpStatusCode.UnsupportedMediaType);

        var broken = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndocument_front\r\n--xyz\r\nContent-Disp"u8.ToArray());
        broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
        Assert.Equal("bad_form", (string)(await ProblemAssert.IsProblem(await Service.Http.PostAsync(path + "/uploads", broken), HttpStatusCode.BadRequest))["code"]!);

        await ProblemAssert.IsProblem(await UploadAsync(Service.Http, path, kind: null, TestImages.Jpeg()), HttpStatusCode.BadRequest, "kind");
        await ProblemAssert.IsProblem(await UploadAsync(Service.Http, path, "document_front", file: null), HttpStatusCode.BadRequest, "file");

        // Past the body limit the request is refused on its Content-Length, before the body is read.
        var tooLarge = await UploadAsync(Service.Http, path, "document_front", TestImages.Oversized(14 * 1024 * 1024), expectContinue: true);
        Assert.Equal("too_large", (string)(await ProblemAssert.IsProblem(tooLarge, HttpStatusCode.RequestEntityTooLarge))["code"]!);

        var unknown = path[..^4] + "AAAA";
        await ProblemAssert.IsProblem(await UploadAsync(Service.Http, unknown, "document_front", TestImages.Jpeg()), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await SubmitAsync(Service.Http, unknown), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await Service.Http.GetAsync(unknown), HttpStatusCode.NotFound);
        Assert.Equal(0, await UploadRowsAsync(Service, id));
    }

    [Fact]
    public async Task Browser_form_posts_come_back_to_the_page_with_the_reason()
    {
        var account = await Service.OpenAccountAsync();
        var (id, path) = await OpenSessionAsync(account, flow: "document");
        using var browser = LinkSteps.NoRedirects(Service.Http.BaseAddress!);

        using var refused = await UploadAsync(browser, path, "document_front", TestImages.Png(100, 100), browser: true);
        Assert.Equal(HttpStatusCode.SeeOther, refused.StatusCode);
        Assert.Equal($"{path}?step=document_front&error=too_small", refused.Headers.Location!.OriginalString);

        using var accepted = await UploadAsync(browser, path, "document_front", TestImages.Jpeg(), browser: true);
        Assert.Equal(HttpStatusCode.SeeOther, accepted.StatusCode);
        Assert.Equal(path, accepted.Headers.Location!.OriginalString);

        using var request = new HttpRequestMessage(HttpMethod.Post, path + "/submit");
        request.Headers.Accept.ParseAdd("text/html");
        using var missing = await browser.SendAsync(request);
        Assert.Equal($"{path}?step=document_back&error=missing", missing.Headers.Location!.OriginalString);
        Assert.Equal(1, await UploadRowsAsync(Service, id));
    }

    private async Task<(string Sha256, int Width, int Height, double Sharpness, byte[] Nonce, byte[] Tag, byte[] Ciphertext)> RowAsync(string sessionId, string kind)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Service.Database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT sha256, width, height, sharpness, nonce, tag, ciphertext FROM uploads WHERE session_id = $1 AND kind = $2", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = sessionId });
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = kind });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetDouble(3), (byte[])reader[4], (byte[])reader[5], (byte[])reader[6]);
    }
}
