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
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: MagicLink.LoadGen BASE_URL ADMIN_TOKEN [hot|spread] [CONCURRENCY] [SECONDS]
                                 [--links N] [--warmup SECONDS] [--setup-parallelism N]
                                 [--cpu NAME=PID[,NAME=PID...]]
          hot     every click goes to one unlimited link
          spread  each click goes to a random one of N distinct unlimited links (--links, default 10000)
          CONCURRENCY  concurrent clients, each with one request in flight (default 64)
          SECONDS      measured duration (default 20), after --warmup seconds not counted (default 3)
          --cpu   Linux only: report the CPU each process (with its direct children, e.g. the
                  postmaster and its backends) used during the measured window, in % of one core
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

        string[] paths;
        try
        {
            var account = await Setup.OpenAccountAsync(http, options.AdminToken);
            var linkCount = options.Mode == Mode.Hot ? 1 : options.Links;
            var watch = Stopwatch.StartNew();
            paths = await Setup.CreateLinksAsync(http, account, linkCount, options.SetupParallelism);
            Log($"created {linkCount} unlimited link(s) in {watch.Elapsed.TotalSeconds:F1} s " +
                $"({linkCount / watch.Elapsed.TotalSeconds:F0}/s, parallelism {Math.Min(linkCount, options.SetupParallelism)})");
        }
        catch (SetupException e)
        {
            await Console.Error.WriteLineAsync($"error: setup failed: {e.Message}");
            Console.WriteLine(FormattableString.Invariant($"RESULT mode={options.ModeName} setup_failed=1"));
            return 1;
        }

        var result = await Load.RunAsync(http, paths, options);
        Console.WriteLine(result.Line(options, paths.Length));
        return result.Ok > 0 ? 0 : 1;
    }

    internal static void Log(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[loadgen] {message}"));
}

internal enum Mode
{
    Hot,
    Spread,
}

internal sealed record Options(
    Uri BaseUrl, string AdminToken, Mode Mode, int Concurrency, int Seconds, int WarmupSeconds, int Links, int SetupParallelism,
    IReadOnlyList<(string Name, int Pid)> CpuWatch)
{
    public string ModeName => Mode == Mode.Hot ? "hot" : "spread";

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
            var other => throw new ArgumentException($"unknown mode '{other}' (hot or spread)"),
        };

        var known = new[] { "links", "warmup", "setup-parallelism", "cpu" };
        foreach (var key in named.Keys.Where(k => !known.Contains(k)))
        {
            throw new ArgumentException($"unknown option --{key}");
        }

        return new Options(
            baseUrl,
            positional[1],
            mode,
            Number("CONCURRENCY", positional.Count > 3 ? positional[3] : null, 64, 1, 10_000),
            Number("SECONDS", positional.Count > 4 ? positional[4] : null, 20, 1, 86_400),
            Number("--warmup", named.GetValueOrDefault("warmup"), 3, 0, 3_600),
            Number("--links", named.GetValueOrDefault("links"), 10_000, 1, 1_000_000),
            Number("--setup-parallelism", named.GetValueOrDefault("setup-parallelism"), 32, 1, 1_000),
            CpuList(named.GetValueOrDefault("cpu")));
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

    public static async Task<string[]> CreateLinksAsync(HttpClient http, Account account, int count, int parallelism)
    {
        var paths = new string[count];
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(count, parallelism)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
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
                paths[i] = parsed.AbsolutePath.TrimStart('/');
            }
        }).ToList();
        await Task.WhenAll(workers);
        return paths;
    }

    private static async Task<JsonDocument> SendJsonAsync(
        HttpClient http, HttpMethod method, string path, AuthenticationHeaderValue auth, object body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
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
    SortedDictionary<string, long> Outcomes, string? FirstError, string Cpu)
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
            (Cpu.Length == 0 ? "" : " " + Cpu) +
            (FirstError is null ? "" : " first_error=" + FirstError.Replace(' ', '_'));
    }
}

internal static class Load
{
    public static async Task<LoadResult> RunAsync(HttpClient http, string[] paths, Options options)
    {
        var frequency = Stopwatch.Frequency;
        var begin = Stopwatch.GetTimestamp();
        var measureFrom = begin + (options.WarmupSeconds * frequency);
        var measureTo = measureFrom + (options.Seconds * frequency);
        long completed = 0;

        Program.Log($"{options.ModeName}: {options.Concurrency} clients on {paths.Length} link(s), " +
            $"{options.WarmupSeconds} s warm-up + {options.Seconds} s measured");

        using var stop = new CancellationTokenSource();
        var cpu = new CpuSampler([.. options.CpuWatch, ("loadgen", Environment.ProcessId)]);
        var cpuTask = !CpuSampler.Available ? Task.CompletedTask : Task.Run(async () =>
        {
            await Task.Delay(Until(measureFrom));
            cpu.Start();
            await Task.Delay(Until(measureTo));
            cpu.Stop();
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
                Program.Log($"t={(now - begin) / (double)frequency,5:F0}s  answers/s={(done - last) * (double)frequency / (now - lastAt):F0}");
                last = done;
                lastAt = now;
            }
        });

        var workers = Enumerable.Range(0, options.Concurrency).Select(w => Task.Run(async () =>
        {
            var stats = new WorkerStats();
            var random = new Random(w * 7919 + 17);
            while (Stopwatch.GetTimestamp() < measureTo)
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

                if (ended >= measureTo)
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
        await cpuTask;

        var ticks = all.SelectMany(s => s.LatencyTicks).ToArray();
        Array.Sort(ticks);
        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, count) in all.SelectMany(s => s.Outcomes))
        {
            outcomes[key] = outcomes.GetValueOrDefault(key) + count;
        }

        return new LoadResult(
            options.Seconds, ticks.LongLength, all.Sum(s => s.Errors), all.Sum(s => s.WarmupOk), all.Sum(s => s.WarmupErrors),
            ticks, outcomes, all.Select(s => s.FirstError).FirstOrDefault(e => e is not null), cpu.Result);

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
