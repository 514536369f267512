using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;

namespace MagicLink.Chaos;

/// <summary>
/// Opens an account, makes 50 links and clicks them from many closed-loop clients for a while;
/// some accepted clicks are walked through the hosted flow (uploads, submit) and reviewed. Every
/// answer is recorded: its status, a 303's Location, and answers lost to the deadline or the
/// transport (status 0). Writes DIR/run.json at the end.
/// </summary>
internal static class Load
{
    private const int LinkCount = 50;
    private const int Unlimited = 10; // links 0..9; link 0 is the hot one
    private const int Singles = 20;   // links 10..29; the rest are multi with small limits

    public static async Task<int> RunAsync(Options options)
    {
        var api = options.Url("api");
        var admin = new AuthenticationHeaderValue("Bearer", options.Text("admin"));
        var dir = options.Text("out");
        var seconds = options.Number("seconds", 90);
        var clients = options.Number("clients", 32);
        var flowClients = options.Number("flow-clients", 4);
        var timeout = TimeSpan.FromSeconds(options.Number("timeout", 30));
        Directory.CreateDirectory(dir);

        using var http = Program.NewHttp(api, clients + flowClients + 16);
        var account = await OpenAccountAsync(http, admin);
        var basic = Program.Basic(account.ApiKey, account.ApiSecret);
        var links = new List<LinkRecord>();
        for (var i = 0; i < LinkCount; i++)
        {
            links.Add(await CreateLinkAsync(http, basic, i));
        }

        Program.Log($"account {account.Id}, {links.Count} links (hot: {links[0].Id}); {clients} click clients, {flowClients} flow clients, {seconds} s");
        await File.WriteAllTextAsync(Path.Combine(dir, "setup.json"),
            JsonSerializer.Serialize(new RunRecord(account, links, [], [], Now(), ""), Program.Json));

        var clicks = new ConcurrentQueue<ClickRecord>();
        var gone = new bool[links.Count];
        var flows = new ConcurrentQueue<FlowRecord>();
        var queue = Channel.CreateBounded<string>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropWrite });
        var started = Now();
        var deadline = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);

        var clickers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(unchecked(Environment.TickCount * 31 + c));
            var n = 0;
            while (deadline.Elapsed < end)
            {
                // Four clicks in ten go to the hot link, the rest anywhere; a link that answered
                // 410 (final) gets a tenth of its share, so the cheap refusals do not crowd out
                // the clicks that count, nor hide the hot link's silo in the dashboards' figures.
                var link = random.Next(10) < 4 ? 0 : random.Next(1, links.Count);
                if (gone[link] && random.Next(10) != 0)
                {
                    link = random.Next(1, Unlimited);
                }

                var click = await ClickAsync(http, links[link], timeout);
                clicks.Enqueue(click);
                if (click.Status == 410)
                {
                    gone[link] = true;
                }
                else if (click.Status == 0 && click.Ms < 1000)
                {
                    // Refused at once (nothing listening): a pause, or the records fill with
                    // hundreds of thousands of these while the API is down.
                    await Task.Delay(200);
                }

                if (click.Status == 303 && click.Location is { } location && ++n % 6 == 0)
                {
                    queue.Writer.TryWrite(location);
                }
            }
        })).ToList();

        var flowers = Enumerable.Range(0, flowClients).Select(f => Task.Run(async () =>
        {
            var random = new Random(unchecked(Environment.TickCount * 17 + f));
            await foreach (var location in queue.Reader.ReadAllAsync())
            {
                flows.Enqueue(await FlowAsync(http, basic, location, timeout, random));
            }
        })).ToList();

        var progress = Task.Run(async () =>
        {
            while (deadline.Elapsed < end)
            {
                await Task.Delay(5000);
                var counts = clicks.GroupBy(c => c.Status).OrderBy(g => g.Key)
                    .Select(g => string.Create(CultureInfo.InvariantCulture, $"{(g.Key == 0 ? "lost" : g.Key.ToString(CultureInfo.InvariantCulture))}={g.Count()}"));
                Program.Log($"t={deadline.Elapsed.TotalSeconds:F0}s clicks: {string.Join(' ', counts)}; flows done: {flows.Count}");
            }
        });

        await Task.WhenAll(clickers);
        queue.Writer.Complete();
        // What is queued still runs: its sessions exist, so their flows are worth finishing.
        await Task.WhenAll(flowers);
        await progress;

        var record = new RunRecord(account, links, [.. clicks], [.. flows], started, Now());
        await File.WriteAllTextAsync(Path.Combine(dir, "run.json"), JsonSerializer.Serialize(record, Program.Json));
        var summary = record.Clicks.GroupBy(c => c.Status).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{(g.Key == 0 ? "lost" : g.Key.ToString(CultureInfo.InvariantCulture))}={g.Count()}"));
        Program.Log($"load done: {record.Clicks.Count} clicks ({string.Join(' ', summary)}), {record.Flows.Count} flows " +
                    $"({record.Flows.Count(f => f.ReviewStatus == 200)} reviewed)");
        return 0;
    }

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    private static async Task<AccountRecord> OpenAccountAsync(HttpClient http, AuthenticationHeaderValue admin)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        using var request = new HttpRequestMessage(HttpMethod.Post, "admin/v1/accounts")
        {
            Content = JsonContent.Create(new
            {
                name = "Chaos " + suffix,
                email = $"chaos-{suffix}@example.com",
                password = "chaos-" + Guid.NewGuid().ToString("N"),
                credits = 1_000_000,
            }),
        };
        request.Headers.Authorization = admin;
        using var root = await SendForJsonAsync(http, request, HttpStatusCode.Created);
        return new AccountRecord(Text(root.RootElement, "id"), Text(root.RootElement, "apiKey"), Text(root.RootElement, "apiSecret"));
    }

    private static async Task<LinkRecord> CreateLinkAsync(HttpClient http, AuthenticationHeaderValue basic, int index)
    {
        var (kind, limit) = index < Unlimited ? ("unlimited", (int?)null) : index < Unlimited + Singles ? ("single", 1) : ("multi", 2 + index % 9);
        var flow = (index % 3) switch { 0 => "document", 1 => "selfie", _ => "document_and_selfie" };
        object usage = kind == "multi" ? new { type = kind, limit } : new { type = kind };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/links")
        {
            Content = JsonContent.Create(new { name = $"chaos link {index}", flow, usage, language = "en" }),
        };
        request.Headers.Authorization = basic;
        using var root = await SendForJsonAsync(http, request, HttpStatusCode.Created);
        var url = new Uri(Text(root.RootElement, "url"));
        var token = url.AbsolutePath.StartsWith("/l/", StringComparison.Ordinal)
            ? url.AbsolutePath[3..]
            : throw new InvalidOperationException($"link url '{url}' has no /l/<token> path");
        return new LinkRecord(index, Text(root.RootElement, "id"), token, kind, limit, flow);
    }

    private static async Task<ClickRecord> ClickAsync(HttpClient http, LinkRecord link, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        var at = Now();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "l/" + link.Token);
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
            var status = (int)response.StatusCode;
            string? error = null;
            if (status != 303 && status != 410 && status != 402)
            {
                var body = await response.Content.ReadAsStringAsync(cts.Token);
                error = body.Length > 200 ? body[..200] : body;
            }

            return new ClickRecord(link.Index, status, response.Headers.Location?.ToString(), watch.Elapsed.TotalMilliseconds, error, at);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return new ClickRecord(link.Index, 0, null, watch.Elapsed.TotalMilliseconds, e.GetType().Name + ": " + e.Message, at);
        }
    }

    /// <summary>The hosted flow of one session: open it, upload what it misses, submit, review.</summary>
    private static async Task<FlowRecord> FlowAsync(HttpClient http, AuthenticationHeaderValue basic, string location, TimeSpan timeout, Random random)
    {
        var steps = new List<string>();
        var (status, page) = await SendPatientlyAsync(http, () =>
        {
            var r = new HttpRequestMessage(HttpMethod.Get, SessionPath(location));
            r.Headers.Accept.ParseAdd("application/json");
            return r;
        }, timeout);
        steps.Add(string.Create(CultureInfo.InvariantCulture, $"page:{status}"));
        if (status != 200 || page is null)
        {
            return new FlowRecord(location, null, steps, null, -1);
        }

        string id;
        List<string> missing;
        using (var doc = JsonDocument.Parse(page))
        {
            id = Text(doc.RootElement, "id");
            missing = doc.RootElement.TryGetProperty("missing", out var m) && m.ValueKind == JsonValueKind.Array
                ? [.. m.EnumerateArray().Select(x => x.GetString() ?? "")]
                : [];
        }

        foreach (var kind in missing)
        {
            var image = Png.Make(640 + random.Next(64), 480 + random.Next(48), random);
            (status, _) = await SendPatientlyAsync(http, () =>
            {
                var form = new MultipartFormDataContent
                {
                    { new StringContent(kind), "kind" },
                };
                var file = new ByteArrayContent(image);
                file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                form.Add(file, "file", kind + ".png");
                var r = new HttpRequestMessage(HttpMethod.Post, SessionPath(location) + "/uploads") { Content = form };
                r.Headers.Accept.ParseAdd("application/json");
                return r;
            }, timeout);
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"upload {kind}:{status}"));
            if (status is < 200 or > 299)
            {
                return new FlowRecord(location, id, steps, null, -1);
            }
        }

        (status, _) = await SendPatientlyAsync(http, () =>
        {
            var r = new HttpRequestMessage(HttpMethod.Post, SessionPath(location) + "/submit");
            r.Headers.Accept.ParseAdd("application/json");
            return r;
        }, timeout);
        steps.Add(string.Create(CultureInfo.InvariantCulture, $"submit:{status}"));
        if (status is < 200 or > 399)
        {
            return new FlowRecord(location, id, steps, null, -1);
        }

        var decision = random.Next(2) == 0 ? "approved" : "denied";
        (status, _) = await SendPatientlyAsync(http, () =>
        {
            var r = new HttpRequestMessage(HttpMethod.Post, $"api/v1/sessions/{id}/review")
            {
                Content = JsonContent.Create(new { decision, reason = "chaos review" }),
            };
            r.Headers.Authorization = basic;
            return r;
        }, timeout);
        steps.Add(string.Create(CultureInfo.InvariantCulture, $"review:{status}"));
        return new FlowRecord(location, id, steps, decision, status);
    }

    internal static string SessionPath(string location)
    {
        var path = Uri.TryCreate(location, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : location;
        return path.TrimStart('/');
    }

    /// <summary>
    /// Like <see cref="SendAsync"/>, but a 503 (the service's "try again") is tried again after a
    /// second, up to three times, as a person in the hosted flow would.
    /// </summary>
    private static async Task<(int Status, string? Body)> SendPatientlyAsync(HttpClient http, Func<HttpRequestMessage> make, TimeSpan timeout)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await SendAsync(http, make, timeout);
            if (answer.Status != 503 || attempt == 4)
            {
                return answer;
            }

            await Task.Delay(1000);
        }
    }

    /// <summary>Status and body of one request; status 0 when the answer was lost.</summary>
    internal static async Task<(int Status, string? Body)> SendAsync(HttpClient http, Func<HttpRequestMessage> make, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var request = make();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cts.Token));
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return (0, null);
        }
    }

    private static async Task<JsonDocument> SendForJsonAsync(HttpClient http, HttpRequestMessage request, HttpStatusCode expected)
    {
        // Setup runs before any fault; a generous deadline covers a cold cluster.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await http.SendAsync(request, cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body);
    }

    internal static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new InvalidOperationException($"no '{name}' in {e.GetRawText()}");
}
