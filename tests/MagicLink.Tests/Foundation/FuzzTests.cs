using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MagicLink.Tests.Dashboard;
using MagicLink.Tests.Hosted;
using MagicLink.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace MagicLink.Tests.Foundation;

/// <summary>Limits off, so every request reaches its handler instead of stopping at a 429.</summary>
public sealed class FuzzFixture : ServiceFixture
{
    protected override Dictionary<string, string> Settings => new()
    {
        ["MAGICLINK_REDEEM_RATE_LIMIT"] = "0",
        ["MAGICLINK_FLOW_RATE_LIMIT"] = "0",
        ["MAGICLINK_FLOW_SESSION_RATE_LIMIT"] = "0",
    };
}

/// <summary>
/// Every route the app maps (read from its EndpointDataSource, so a new route is covered the day it
/// lands), with hostile route values, query strings and bodies, signed in and not: no answer is a
/// 5xx, no row is written anywhere, and the service still works afterwards (CONTRACT, "Errors").
/// </summary>
public sealed class FuzzTests(FuzzFixture fixture) : IClassFixture<FuzzFixture>
{
    private static readonly string[] HostileTexts =
    [
        "\0", "a\u0000b", "\u0001\u001f", "\u007f", "line\nbreak", "\r\n\r\n", new string('x', 5000),
        "../../etc/passwd", "<script>alert(1)</script>", "'; DROP TABLE links; --", "\uFFFF", "lnk_\0", "ses_", "%00",
    ];

    // Fields any handler reads; each gets a hostile value so validation, not PostgreSQL, has to say no.
    private static readonly string[] Fields =
    [
        "name", "email", "password", "credits", "amount", "flow", "usage", "limit", "expiresAt", "language", "clientRef",
        "expiresInSeconds", "successUrl", "errorUrl", "decision", "reason", "kind", "next", "back", "formKey", "utcOffset",
        "channel", "to", "message", "url", "events",
    ];

    // Route values that are no id, token or kind at all.
    private static readonly string[] HostileRouteValues = ["\0", "a\u0001b", new string('x', 3000), "%C3%28", "lnk_0000000000000000000000000z"];

    private static readonly Lazy<byte[]> PngBomb = new(() => TestImages.PngBomb(7000, 7000));

    private static readonly string[] QueryNames = ["cursor", "limit", "status", "linkId", "size", "next", "step", "error", "notice", "session", "since", "from", "to"];

    // Control characters the contract refuses in every text field.
    private static readonly string[] ControlTexts = ["\0", "a\u0001b", "\u007f", "line\nbreak"];

    // Decodes to a keyset position whose id carries a NUL, which PostgreSQL cannot take as text.
    private static readonly string NulCursor = Convert.ToBase64String(Encoding.UTF8.GetBytes("638000000000000000|lnk_\0")).TrimEnd('=');

    private MagicLinkService Service => fixture.Service;

    [Fact]
    public async Task Hostile_input_on_every_route_is_never_a_5xx_stores_nothing_and_leaves_the_service_working()
    {
        var world = await World.CreateAsync(Service);
        var endpoints = Service.ApiServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 30, $"Only {endpoints.Count} routes found.");
        var before = await RowCountsAsync();

        var failures = new List<string>();
        var sent = 0;
        foreach (var endpoint in endpoints)
        {
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Get, HttpMethods.Post];
            foreach (var method in methods)
            {
                foreach (var (path, valid) in Paths(endpoint, world))
                {
                    var requests = !valid ? FewRequests(method, path) : ActsWithoutReadingItsBody(method, endpoint) ? [] : Requests(method, path);
                    foreach (var request in requests)
                    {
                        foreach (var client in world.ClientsFor(path))
                        {
                            using var message = request();
                            try
                            {
                                using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
                                sent++;
                                if ((int)response.StatusCode >= 500)
                                {
                                    failures.Add($"{method} {path} [{message.Content?.Headers.ContentType}] -> {(int)response.StatusCode}");
                                }
                            }
                            catch (HttpRequestException)
                            {
                                // Kestrel closes the connection on a body over its limit before reading it all.
                            }
                        }
                    }
                }
            }
        }

        Assert.True(sent > 2000, $"Only {sent} requests were answered.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests answered 5xx:\n" + string.Join("\n", failures.Distinct().Take(60)));
        var after = await RowCountsAsync();
        Assert.Equal(before, after);

        using var live = await Service.Http.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        await LinkSteps.CreateAsync(world.Account, new { type = "single" });
        await world.Dashboard.PageAsync("/dashboard/links");
    }

    // A bare POST that acts on a valid target whatever its body or query (a click, a deactivation, a
    // new secret) is a legitimate request, not hostile input: those get hostile route values only.
    private static bool ActsWithoutReadingItsBody(string method, RouteEndpoint endpoint) =>
        method == HttpMethods.Post && endpoint.RoutePattern.RawText is "/l/{token}" or "/api/v1/links/{id}/deactivate" or "/api/v1/account/rotate-secret";

    private static IEnumerable<(string Path, bool Valid)> Paths(RouteEndpoint endpoint, World world)
    {
        var pattern = endpoint.RoutePattern;
        var raw = pattern.RawText ?? "/";
        if (pattern.Parameters.Count == 0)
        {
            yield return (raw, true);
            yield break;
        }

        yield return (Fill(raw, pattern, name => world.ValidValue(raw, name)), true);
        foreach (var hostile in HostileRouteValues)
        {
            yield return (Fill(raw, pattern, _ => hostile), false);
        }
    }

    private static string Fill(string raw, Microsoft.AspNetCore.Routing.Patterns.RoutePattern pattern, Func<string, string> value)
    {
        var path = raw;
        foreach (var parameter in pattern.Parameters)
        {
            var v = value(parameter.Name);
            var escaped = v.StartsWith('%') ? v : Uri.EscapeDataString(v);
            path = System.Text.RegularExpressions.Regex.Replace(path, "\\{\\**" + parameter.Name + "[^}]*\\}", escaped.Replace("$", "$$", StringComparison.Ordinal));
        }

        return path;
    }

    private static IEnumerable<Func<HttpRequestMessage>> FewRequests(string method, string path)
    {
        var verb = new HttpMethod(method);
        yield return () => new HttpRequestMessage(verb, path);
        yield return () => Accepting(new HttpRequestMessage(verb, path + "?cursor=%00&limit=-1"), "text/html");
        if (method is not ("GET" or "HEAD"))
        {
            yield return () => new HttpRequestMessage(verb, path) { Content = Json(Fields.ToDictionary(f => f, _ => (object?)"\0")) };
        }
    }

    private static IEnumerable<Func<HttpRequestMessage>> Requests(string method, string path)
    {
        var verb = new HttpMethod(method);
        var separator = path.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        yield return () => new HttpRequestMessage(verb, path);
        foreach (var hostile in HostileTexts)
        {
            var query = string.Join("&", QueryNames.Select(q => $"{q}={Uri.EscapeDataString(hostile)}"));
            yield return () => Accepting(new HttpRequestMessage(verb, path + separator + query), hostile.Length % 2 == 0 ? "text/html" : "application/json");
        }

        yield return () => new HttpRequestMessage(verb, path + separator + "cursor=" + NulCursor);
        if (method is "GET" or "HEAD")
        {
            yield break;
        }

        // Bodies that would be accepted but for a control character in their free text: only the
        // text rule stands between them and a stored row.
        foreach (var control in ControlTexts)
        {
            var plausible = new Dictionary<string, object?>
            {
                ["name"] = control,
                ["clientRef"] = control,
                ["reason"] = control,
                ["password"] = "long enough " + control,
                ["flow"] = "document",
                ["usage"] = new { type = "single" },
                ["language"] = "en",
                ["expiresInSeconds"] = 3600,
                ["decision"] = "denied",
                ["email"] = $"fuzz-{Guid.NewGuid():N}@example.com",
                ["credits"] = 1,
            };
            yield return () => new HttpRequestMessage(verb, path) { Content = Json(plausible) };
            yield return () => new HttpRequestMessage(verb, path)
            {
                Content = new FormUrlEncodedContent(plausible.Where(p => p.Value is string).Select(p => KeyValuePair.Create(p.Key, (string)p.Value!))),
            };
        }

        foreach (var hostile in HostileTexts)
        {
            yield return () => new HttpRequestMessage(verb, path) { Content = Json(Fields.ToDictionary(f => f, _ => (object?)hostile)) };
            yield return () => new HttpRequestMessage(verb, path) { Content = new FormUrlEncodedContent(Fields.Select(f => KeyValuePair.Create(f, hostile))) };
        }

        yield return () => new HttpRequestMessage(verb, path) { Content = Json(Fields.ToDictionary(f => f, _ => (object?)new object[] { 1e300, null!, new { a = "\0" } })) };
        yield return () => new HttpRequestMessage(verb, path) { Content = Raw("{\"name\": \"unterminated", "application/json") };
        yield return () => new HttpRequestMessage(verb, path) { Content = Raw(new string('[', 100_000), "application/json") };
        yield return () => new HttpRequestMessage(verb, path) { Content = Raw("{\"limit\": 1e999999, \"credits\": -99999999999999999999}", "application/json") };
        yield return () => new HttpRequestMessage(verb, path) { Content = new ByteArrayContent([0xC3, 0x28, 0xFF, 0xFE, 0x00]) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } } };
        yield return () => new HttpRequestMessage(verb, path) { Content = Raw("{\"name\":\"" + new string('a', 3 * 1024 * 1024) + "\"}", "application/json") };
        yield return () => new HttpRequestMessage(verb, path) { Content = Raw("", "application/json") };
        yield return () => new HttpRequestMessage(verb, path) { Content = Raw("name=a%00b&email=%00", "text/plain") };
        yield return () => new HttpRequestMessage(verb, path) { Content = Raw("--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndocument_front", "multipart/form-data; boundary=b") };
        yield return () => new HttpRequestMessage(verb, path) { Content = Raw("no boundary at all", "multipart/form-data") };
        yield return () => new HttpRequestMessage(verb, path) { Content = Raw("%%%=%%%&&&=\0", "application/x-www-form-urlencoded") };
        yield return () => new HttpRequestMessage(verb, path) { Content = Upload("document_front", PngBomb.Value) };
        yield return () => new HttpRequestMessage(verb, path) { Content = Upload("selfie", TestImages.ProgressiveJpegHeader(9000, 9000)) };
        yield return () => new HttpRequestMessage(verb, path) { Content = Upload("\0", [0xFF, 0xD8, 0xFF, 0x00]) };
    }

    private static HttpRequestMessage Accepting(HttpRequestMessage request, string mediaType)
    {
        request.Headers.Accept.ParseAdd(mediaType);
        return request;
    }

    private static StringContent Json(object value) => new(System.Text.Json.JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static ByteArrayContent Raw(string text, string contentType) =>
        new(Encoding.UTF8.GetBytes(text)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } };

    private static MultipartFormDataContent Upload(string kind, byte[] file)
    {
        var form = new MultipartFormDataContent { { new StringContent(kind), "kind" } };
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(part, "file", "photo.png");
        return form;
    }

    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        await using var connection = new NpgsqlConnection(Service.Database);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>();
        foreach (var table in tables.Order(StringComparer.Ordinal))
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\"", connection);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }

        return counts;
    }

    /// <summary>One of everything, so that valid route values reach each handler's body checks.</summary>
    private sealed record World(TestAccount Account, string LinkId, string LinkToken, string SessionId, string SessionToken, DashboardClient Dashboard, HttpClient Admin, HttpClient Anonymous)
    {
        public static async Task<World> CreateAsync(MagicLinkService service)
        {
            var (account, _, dashboard) = await DashboardClient.SignedInAsync(service);
            var link = await LinkSteps.CreateAsync(account, new { type = "unlimited" });
            var (sessionId, sessionPath) = await HostedSteps.OpenSessionAsync(account);
            // Opened once before counting: the first visit is what starts a session.
            await HostedSteps.HostedViewAsync(service.Http, sessionPath);
            await dashboard.PageAsync("/dashboard/links");
            var anonymous = LinkSteps.NoRedirects(service.Http.BaseAddress!);
            return new World(account, (string)link["id"]!, LinkSteps.PathOf(link)["/l/".Length..], sessionId, sessionPath["/v/".Length..], dashboard, service.Admin(), anonymous);
        }

        public string ValidValue(string route, string parameter) => (route, parameter) switch
        {
            (_, "token") when route.StartsWith("/l/", StringComparison.Ordinal) => LinkToken,
            (_, "token") => SessionToken,
            (_, "id") when route.Contains("/links/", StringComparison.Ordinal) => LinkId,
            (_, "id") when route.Contains("/sessions/", StringComparison.Ordinal) => SessionId,
            (_, "id") => Account.Id,
            (_, "kind") => "document_front",
            (_, "documentName") => "v1",
            _ => "x",
        };

        /// <summary>The credentials each part of the service takes, and none at all.</summary>
        public IEnumerable<HttpClient> ClientsFor(string path)
        {
            yield return Anonymous;
            if (path.StartsWith("/api/", StringComparison.Ordinal))
            {
                yield return Account.Client;
            }
            else if (path.StartsWith("/admin/", StringComparison.Ordinal))
            {
                yield return Admin;
            }
            else if (path.StartsWith("/dashboard", StringComparison.Ordinal))
            {
                yield return Dashboard.Http;
            }
        }
    }
}
