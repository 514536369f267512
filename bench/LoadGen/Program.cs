using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MagicLink.Bench;

/// <summary>
/// A closed-loop load generator for the public click (<c>POST /l/{token}</c>): N workers, each
/// sending one click, waiting for the answer, and sending the next. It opens its own account
/// (with enough credits for the run) and its own unlimited links, so it needs only the admin token.
/// Progress goes to stderr; the last stdout line is <c>RESULT key=value ...</c> for scripts.
/// The memory mode only creates links and reads each one back, so the caller can weigh the silo.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: MagicLink.LoadGen BASE_URL ADMIN_TOKEN [hot|spread|drift|memory|paths] [CONCURRENCY] [SECONDS]
                                 [--links N] [--clicks N] [--warmup SECONDS] [--setup-parallelism N]
                                 [--cpu NAME=PID[,NAME=PID...]] [--at-window-start CMD] [--at-window-end CMD]
          hot     every click goes to one unlimited link
          spread  each click goes to a random one of N distinct unlimited links (--links, default 10000)
          drift   clicks N links (--links, default 1) until --clicks accepted clicks (default 200000)
                  were counted, then compares the click rate of the first and the last 10% of them;
                  SECONDS is then a time limit (default 3600)
          memory  creates N links (--links, default 100000), reads each back (GET) and clicks none
          paths   creates N links (--links, default 1) and prints their click paths, one a line, for
                  another load generator (bench/run.sh's wrk); clicks none
          CONCURRENCY  concurrent clients, each with one request in flight (default 64)
          SECONDS      measured duration (default 20), after --warmup seconds not counted (default 3)
          --cpu   Linux only: report the CPU each process (with its direct children, e.g. the
                  postmaster and its backends) used during the measured window, in % of one core
          --at-window-start, --at-window-end  a /bin/sh command run (and waited for) when the
                  measured window opens and right after it closes, e.g. to snapshot counters
        Every answer other than 303 See Other (with a Location) is an error and is reported.
        """;

    private static async Task<int> Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}\n{Usage}");
            return 2;
        }

        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // The accepted click sets a resume cookie; a browser that sends it back gets its open
            // session again instead of a new click. Every request here must be a fresh click.
            UseCookies = false,
            MaxConnectionsPerServer = Math.Max(options.Concurrency, options.SetupParallelism) + 16,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var http = new HttpClient(handler) { BaseAddress = options.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };

        Link[] links;
        double createSeconds;
        try
        {
            var account = await Setup.OpenAccountAsync(http, options.AdminToken);
            var watch = Stopwatch.StartNew();
            links = await Setup.CreateLinksAsync(http, account, options.Links, options.SetupParallelism);
            createSeconds = watch.Elapsed.TotalSeconds;
            Log($"created {links.Length} unlimited link(s) in {createSeconds:F1} s " +
                $"({links.Length / createSeconds:F0}/s, parallelism {Math.Min(links.Length, options.SetupParallelism)})");
            if (options.Mode == Mode.Paths)
            {
                Console.Out.Write(string.Concat(links.Select(l => "/" + l.Path + "\n")));
                return 0;
            }

            if (options.Mode == Mode.Memory)
            {
                // Creation activates each link grain, but the first ones may have been collected
                // as idle by the time the last one is made; a read brings every one back.
                watch.Restart();
                await Setup.ReadLinksAsync(http, account, links, options.SetupParallelism);
                var readSeconds = watch.Elapsed.TotalSeconds;
                Log($"read {links.Length} link(s) back in {readSeconds:F1} s");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT mode=memory links={links.Length} create_per_s={links.Length / createSeconds:F1} read_per_s={links.Length / readSeconds:F1}"));
                return 0;
            }
        }
        catch (SetupException e)
        {
            await Console.Error.WriteLineAsync($"error: setup failed: {e.Message}");
            Console.WriteLine(FormattableString.Invariant($"RESULT mode={options.ModeName} setup_failed=1"));
            return 1;
        }

        var result = await Load.RunAsync(http, [.. links.Select(l => l.Path)], options);
        Console.WriteLine(result.Line(options, links.Length));
        return result.Ok > 0 ? 0 : 1;
    }

    internal static void Log(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[loadgen] {message}"));
}

internal enum Mode
{
    Hot,
    Spread,
    Drift,
    Memory,
    Paths,
}

/// <param name="Clicks">Drift only: the accepted clicks that end the window (0 in the other modes).</param>
internal sealed record Options(
    Uri BaseUrl, string AdminToken, Mode Mode, int Concurrency, int Seconds, int WarmupSeconds, int Links, int Clicks,
    int SetupParallelism, IReadOnlyList<(string Name, int Pid)> CpuWatch, string? AtWindowStart, string? AtWindowEnd)
{
    public string ModeName => Mode switch
    {
        Mode.Hot => "hot",
        Mode.Spread => "spread",
        Mode.Drift => "drift",
        Mode.Paths => "paths",
        _ => "memory",
    };

    public static Options Parse(string[] args)
    {
        var positional = new List<string>();
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                var eq = args[i].IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    named[args[i][2..eq]] = args[i][(eq + 1)..];
                }
                else if (i + 1 < args.Length)
                {
                    named[args[i][2..]] = args[++i];
                }
                else
                {
                    throw new ArgumentException($"{args[i]} needs a value");
                }
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        if (positional.Count is < 2 or > 5)
        {
            throw new ArgumentException("expected BASE_URL ADMIN_TOKEN [MODE] [CONCURRENCY] [SECONDS]");
        }

        if (!Uri.TryCreate(positional[0].TrimEnd('/') + "/", UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{positional[0]}' is not an http(s) URL");
        }

        var mode = (positional.Count > 2 ? positional[2] : "hot") switch
        {
            "hot" => Mode.Hot,
            "spread" => Mode.Spread,
            "drift" => Mode.Drift,
            "memory" => Mode.Memory,
            "paths" => Mode.Paths,
            var other => throw new ArgumentException($"unknown mode '{other}' (hot, spread, drift, memory or paths)"),
        };

        var known = new[] { "links", "clicks", "warmup", "setup-parallelism", "cpu", "at-window-start", "at-window-end" };
        foreach (var key in named.Keys.Where(k => !known.Contains(k)))
        {
            throw new ArgumentException($"unknown option --{key}");
        }

        var links = mode switch
        {
            Mode.Hot => 1,
            Mode.Spread => Number("--links", named.GetValueOrDefault("links"), 10_000, 1, 1_000_000),
            Mode.Drift or Mode.Paths => Number("--links", named.GetValueOrDefault("links"), 1, 1, 1_000_000),
            _ => Number("--links", named.GetValueOrDefault("links"), 100_000, 1, 10_000_000),
        };
        return new Options(
            baseUrl,
            positional[1],
            mode,
            Number("CONCURRENCY", positional.Count > 3 ? positional[3] : null, 64, 1, 10_000),
            Number("SECONDS", positional.Count > 4 ? positional[4] : null, mode == Mode.Drift ? 3_600 : 20, 1, 86_400),
            Number("--warmup", named.GetValueOrDefault("warmup"), 3, 0, 3_600),
            links,
            mode == Mode.Drift ? Number("--clicks", named.GetValueOrDefault("clicks"), 200_000, 10, 100_000_000) : 0,
            Number("--setup-parallelism", named.GetValueOrDefault("setup-parallelism"), 32, 1, 1_000),
            CpuList(named.GetValueOrDefault("cpu")),
            named.GetValueOrDefault("at-window-start"),
            named.GetValueOrDefault("at-window-end"));
    }

    private static List<(string Name, int Pid)> CpuList(string? text) =>
        string.IsNullOrWhiteSpace(text)
            ? []
            : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item =>
                item.Split('=') is [var name, var pid] && name.Length > 0
                && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
                    ? (name, value)
                    : throw new ArgumentException($"--cpu wants NAME=PID items, not '{item}'")).ToList();

    private static int Number(string name, string? text, int fallback, int min, int max)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ArgumentException($"{name} must be a whole number in {min}..{max}, not '{text}'");
        }

        return value;
    }
}

internal sealed class SetupException(string message) : Exception(message);

internal sealed record Account(string Id, AuthenticationHeaderValue Basic);

/// <param name="Path">The click's path, relative to the base URL: l/&lt;token&gt;.</param>
internal sealed record Link(string Id, string Path);

internal static class Setup
{
    // The admin API caps one grant at 1,000,000; two grants cover any run this machine can drive.
    private const int CreditGrant = 1_000_000;
    private const int CreditGrants = 2;

    public static async Task<Account> OpenAccountAsync(HttpClient http, string adminToken)
    {
        var admin = new AuthenticationHeaderValue("Bearer", adminToken);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        using var opened = await SendJsonAsync(http, HttpMethod.Post, "admin/v1/accounts", admin, new
        {
            name = "Bench " + suffix,
            email = $"bench-{suffix}@example.com",
            password = "bench-" + Guid.NewGuid().ToString("N"),
            credits = CreditGrant,
        }, HttpStatusCode.Created);
        var root = opened.RootElement;
        var id = Text(root, "id");
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            Encoding.UTF8.GetBytes(Text(root, "apiKey") + ":" + Text(root, "apiSecret"))));

        JsonElement credits = default;
        for (var i = 1; i < CreditGrants; i++)
        {
            using var topUp = await SendJsonAsync(http, HttpMethod.Post, $"admin/v1/accounts/{id}/credits", admin,
                new { amount = CreditGrant }, HttpStatusCode.OK);
            credits = topUp.RootElement.TryGetProperty("credits", out var c) ? c.Clone() : default;
        }

        var available = credits.ValueKind == JsonValueKind.Object && credits.TryGetProperty("available", out var a) ? a.ToString() : "?";
        Program.Log($"opened account {id} with {CreditGrant * CreditGrants} credits (available: {available})");
        return new Account(id, basic);
    }

    public static async Task<Link[]> CreateLinksAsync(HttpClient http, Account account, int count, int parallelism)
    {
        var links = new Link[count];
        await InParallelAsync(count, parallelism, async i =>
        {
            using var link = await SendJsonAsync(http, HttpMethod.Post, "api/v1/links", account.Basic, new
            {
                name = "bench " + i.ToString(CultureInfo.InvariantCulture),
                flow = "document",
                usage = new { type = "unlimited" },
            }, HttpStatusCode.Created);
            var url = Text(link.RootElement, "url");
            if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || !parsed.AbsolutePath.StartsWith("/l/", StringComparison.Ordinal))
            {
                throw new SetupException($"link url '{url}' is not an absolute URL with the path /l/<token>");
            }

            // The click goes to the base URL given on the command line, whatever host the
            // service puts in its URLs (MAGICLINK_PUBLIC_URL).
            links[i] = new Link(Text(link.RootElement, "id"), parsed.AbsolutePath.TrimStart('/'));
        });
        return links;
    }

    public static Task ReadLinksAsync(HttpClient http, Account account, Link[] links, int parallelism) =>
        InParallelAsync(links.Length, parallelism, async i =>
            (await SendJsonAsync(http, HttpMethod.Get, "api/v1/links/" + links[i].Id, account.Basic, null, HttpStatusCode.OK)).Dispose());

    private static async Task InParallelAsync(int count, int parallelism, Func<int, Task> work)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(count, parallelism)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await work(i);
            }
        }));
    }

    private static async Task<JsonDocument> SendJsonAsync(
        HttpClient http, HttpMethod method, string path, AuthenticationHeaderValue auth, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = body is null ? null : new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = auth;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new SetupException($"{method} /{path}: {e.GetType().Name}: {e.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected)
            {
                throw new SetupException($"{method} /{path} answered {(int)response.StatusCode}, expected {(int)expected}: " +
                    (text.Length > 500 ? text[..500] : text));
            }

            try
            {
                return JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new SetupException($"{method} /{path}: the answer is not JSON ({e.Message})");
            }
        }
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new SetupException($"the answer has no '{name}' string: {root.GetRawText()}");
}

/// <summary>What one worker saw; merged after the run, so workers never share a lock.</summary>
internal sealed class WorkerStats
{
    public List<long> LatencyTicks { get; } = new(capacity: 1 << 14);

    public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    public long WarmupOk { get; set; }

    public long WarmupErrors { get; set; }

    public long Errors { get; set; }

    public string? FirstError { get; set; }
}

internal sealed record LoadResult(
    double Seconds, long Ok, long Errors, long WarmupOk, long WarmupErrors, long[] SortedTicks,
    SortedDictionary<string, long> Outcomes, string? FirstError, string Cpu, string Drift)
{
    public string Line(Options options, int links)
    {
        static string Ms(double ticks) => (ticks * 1000.0 / Stopwatch.Frequency).ToString("F2", CultureInfo.InvariantCulture);
        string Pct(double p) => SortedTicks.Length == 0 ? "nan" : Ms(SortedTicks[Math.Clamp((int)Math.Ceiling(p * SortedTicks.Length) - 1, 0, SortedTicks.Length - 1)]);
        var mean = SortedTicks.Length == 0 ? "nan" : Ms(SortedTicks.Average());
        var max = SortedTicks.Length == 0 ? "nan" : Ms(SortedTicks[^1]);
        var outcomes = Outcomes.Count == 0 ? "none" : string.Join(',', Outcomes.Select(o => $"{o.Key}:{o.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"RESULT mode={options.ModeName} links={links} concurrency={options.Concurrency} seconds={Seconds:F1} " +
            $"clicks_per_s={Ok / Seconds:F1} p50_ms={Pct(0.50)} p95_ms={Pct(0.95)} p99_ms={Pct(0.99)} max_ms={max} mean_ms={mean} " +
            $"ok={Ok} errors={Errors} outcomes={outcomes} warmup_ok={WarmupOk} warmup_errors={WarmupErrors}") +
            (Drift.Length == 0 ? "" : " " + Drift) +
            (Cpu.Length == 0 ? "" : " " + Cpu) +
            (FirstError is null ? "" : " first_error=" + FirstError.Replace(' ', '_'));
    }
}

/// <summary>
/// The measured window: it opens after the warm-up and closes after SECONDS, or in drift mode
/// once the wanted number of clicks was accepted (SECONDS is then only a limit).
/// </summary>
internal sealed class Window(long from, long limit, int clicks)
{
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _to = limit;
    private long _accepted;
    private long _errors;

    public long From { get; } = from;

    public long To => Volatile.Read(ref _to);

    /// <summary>Drift only: when each counted click was answered, in the order they were counted.</summary>
    public long[] AcceptedAt { get; } = new long[clicks];

    public Task Closed => _closed.Task;

    /// <summary>Whether a click answered at <paramref name="ended"/> counts; drift also closes the window here.</summary>
    public bool Count(long ended, bool ok)
    {
        if (ended >= To)
        {
            return false;
        }

        if (clicks == 0)
        {
            return true;
        }

        if (!ok)
        {
            // A service that only fails would otherwise keep a drift run going until its limit.
            if (Interlocked.Increment(ref _errors) >= clicks)
            {
                Close(ended);
            }

            return true;
        }

        var n = Interlocked.Increment(ref _accepted);
        if (n > clicks)
        {
            return false;
        }

        AcceptedAt[n - 1] = ended;
        if (n == clicks)
        {
            Close(ended);
        }

        return true;
    }

    private void Close(long at)
    {
        long to;
        while (at < (to = To) && Interlocked.CompareExchange(ref _to, at, to) != to)
        {
        }

        _closed.TrySetResult();
    }

    /// <summary>The click rate of the first and of the last 10% of the counted clicks.</summary>
    public string DriftFields()
    {
        var counted = (int)Math.Min(Interlocked.Read(ref _accepted), clicks);
        var tenth = counted / 10;
        if (tenth < 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"target_clicks={clicks} complete=0 first_clicks_per_s=nan last_clicks_per_s=nan drift_ratio=nan");
        }

        var at = AcceptedAt[..counted];
        Array.Sort(at);
        var first = tenth * (double)Stopwatch.Frequency / Math.Max(1, at[tenth - 1] - From);
        var last = tenth * (double)Stopwatch.Frequency / Math.Max(1, at[^1] - at[^(tenth + 1)]);
        return string.Create(CultureInfo.InvariantCulture,
            $"target_clicks={clicks} complete={(counted == clicks ? 1 : 0)} first_clicks_per_s={first:F1} last_clicks_per_s={last:F1} drift_ratio={last / first:F3}");
    }
}

internal static class Load
{
    public static async Task<LoadResult> RunAsync(HttpClient http, string[] paths, Options options)
    {
        var frequency = Stopwatch.Frequency;
        var begin = Stopwatch.GetTimestamp();
        var measureFrom = begin + (options.WarmupSeconds * frequency);
        var window = new Window(measureFrom, measureFrom + (options.Seconds * frequency), options.Clicks);
        long completed = 0;

        Program.Log(options.Mode == Mode.Drift
            ? $"drift: {options.Concurrency} clients on {paths.Length} link(s), {options.WarmupSeconds} s warm-up, " +
              $"then until {options.Clicks} accepted clicks (at most {options.Seconds} s)"
            : $"{options.ModeName}: {options.Concurrency} clients on {paths.Length} link(s), " +
              $"{options.WarmupSeconds} s warm-up + {options.Seconds} s measured");

        using var stop = new CancellationTokenSource();
        var cpu = new CpuSampler([.. options.CpuWatch, ("loadgen", Environment.ProcessId)]);
        // CPU is sampled before the start hook and after the end hook's turn comes, so the
        // hook's own processes (e.g. a psql and its backend) fall outside the CPU window.
        var windowTask = Task.Run(async () =>
        {
            await Task.Delay(Until(measureFrom));
            cpu.Start();
            await Hook.RunAsync("at-window-start", options.AtWindowStart);
            await Task.WhenAny(window.Closed, Task.Delay(Until(window.To)));
            cpu.Stop();
            await Hook.RunAsync("at-window-end", options.AtWindowEnd);
        });
        var progress = Task.Run(async () =>
        {
            long last = 0;
            var lastAt = Stopwatch.GetTimestamp();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(5), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                var now = Stopwatch.GetTimestamp();
                var done = Interlocked.Read(ref completed);
                Program.Log($"t={(now - begin) / (double)frequency,5:F0}s  answers/s={(done - last) * (double)frequency / (now - lastAt):F0}  answers={done}");
                last = done;
                lastAt = now;
            }
        });

        var workers = Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(async () =>
        {
            var stats = new WorkerStats();
            var random = new Random(w * 7919 + 17);
            while (Stopwatch.GetTimestamp() < window.To)
            {
                var path = paths.Length == 1 ? paths[0] : paths[random.Next(paths.Length)];
                var started = Stopwatch.GetTimestamp();
                var outcome = await ClickAsync(http, path);
                var ended = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref completed);
                var ok = outcome.Length == 0;
                if (ended < measureFrom)
                {
                    if (ok)
                    {
                        stats.WarmupOk++;
                    }
                    else
                    {
                        stats.WarmupErrors++;
                        stats.FirstError ??= "warmup:" + outcome;
                    }

                    continue;
                }

                if (!window.Count(ended, ok))
                {
                    break; // ended after the window: neither counted nor timed
                }

                var key = ok ? "303" : outcome.Split(' ', 2)[0];
                stats.Outcomes[key] = stats.Outcomes.GetValueOrDefault(key) + 1;
                if (ok)
                {
                    stats.LatencyTicks.Add(ended - started);
                }
                else
                {
                    stats.Errors++;
                    stats.FirstError ??= outcome;
                }
            }

            return stats;
        })).ToList();

        var all = await Task.WhenAll(workers);
        await stop.CancelAsync();
        await progress;
        await windowTask;

        var ticks = all.SelectMany(s => s.LatencyTicks).ToArray();
        Array.Sort(ticks);
        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, count) in all.SelectMany(s => s.Outcomes))
        {
            outcomes[key] = outcomes.GetValueOrDefault(key) + count;
        }

        return new LoadResult(
            (window.To - measureFrom) / (double)frequency, ticks.LongLength, all.Sum(s => s.Errors), all.Sum(s => s.WarmupOk),
            all.Sum(s => s.WarmupErrors), ticks, outcomes, all.Select(s => s.FirstError).FirstOrDefault(e => e is not null), cpu.Result,
            options.Mode == Mode.Drift ? window.DriftFields() : "");

        static TimeSpan Until(long timestamp) =>
            TimeSpan.FromSeconds(Math.Max(0, (timestamp - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
    }

    /// <summary>One click; "" when accepted (303 with a Location), else a short description.</summary>
    private static async Task<string> ClickAsync(HttpClient http, string path)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var code = (int)response.StatusCode;
            if (code == 303 && response.Headers.Location is not null)
            {
                return "";
            }

            var body = await response.Content.ReadAsStringAsync();
            body = body.Length > 200 ? body[..200] : body;
            return code == 303
                ? "303-without-location"
                : string.Create(CultureInfo.InvariantCulture, $"{code} {body.ReplaceLineEndings(" ")}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return $"{e.GetType().Name} {e.Message.ReplaceLineEndings(" ")}";
        }
    }
}

/// <summary>A caller's shell command at a window edge; its failure is reported, not fatal.</summary>
internal static class Hook
{
    public static async Task RunAsync(string name, string? command)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            return;
        }

        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command }, UseShellExecute = false })
                ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Program.Log($"warning: --{name} did not start: {e.Message}");
            return;
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Program.Log($"warning: --{name} took over 60 s and was stopped");
                return;
            }

            if (process.ExitCode != 0)
            {
                Program.Log($"warning: --{name} exited with code {process.ExitCode}");
            }
        }
    }
}

/// <summary>
/// CPU time from /proc (Linux): the whole machine, and named processes together with their direct
/// children. Percentages are of one core, so a 2-core machine tops out at 200.
/// </summary>
internal sealed class CpuSampler(IReadOnlyList<(string Name, int Pid)> watch)
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every mainstream Linux build

    private (long Busy, long Total, long[] Processes, long At)? _first;

    public string Result { get; private set; } = "";

    public static bool Available => OperatingSystem.IsLinux() && File.Exists("/proc/stat");

    public void Start() => _first = Sample();

    public void Stop()
    {
        if (_first is not { } first)
        {
            return;
        }

        var last = Sample();
        var seconds = (last.At - first.At) / (double)Stopwatch.Frequency;
        var parts = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"cpu_busy_pct={100.0 * Environment.ProcessorCount * (last.Busy - first.Busy) / Math.Max(1, last.Total - first.Total):F0}"),
        };
        for (var i = 0; i < watch.Count; i++)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"cpu_{watch[i].Name}_pct={100.0 * (last.Processes[i] - first.Processes[i]) / TicksPerSecond / seconds:F0}"));
        }

        Result = string.Join(' ', parts);
    }

    private (long Busy, long Total, long[] Processes, long At) Sample()
    {
        var at = Stopwatch.GetTimestamp();
        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        var idle = fields[3] + fields[4];

        var processes = new long[watch.Count];
        if (watch.Count > 0)
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    || ReadStat(pid) is not { } stat)
                {
                    continue;
                }

                for (var i = 0; i < watch.Count; i++)
                {
                    if (pid == watch[i].Pid || stat.ParentPid == watch[i].Pid)
                    {
                        processes[i] += stat.Ticks;
                    }
                }
            }
        }

        return (total - idle, total, processes, at);
    }

    private static (int ParentPid, long Ticks)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            // After "pid (comm) ": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
            var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return (int.Parse(rest[1], CultureInfo.InvariantCulture),
                long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
        {
            return null; // the process ended while we looked
        }
    }
}
