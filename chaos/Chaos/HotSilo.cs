using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MagicLink.Chaos;

/// <summary>
/// Which silo hosts the hottest link. The Orleans Dashboard of any live silo serves the cluster's
/// grain statistics (<c>GET /DashboardCounters</c>: per silo and grain type, the calls the grains
/// activated there answered). The load sends four clicks in ten to one link, so the silo whose
/// link grains answered the most calls between two readings is the one hosting it: the other 49
/// links share the rest among three silos. Prints <c>HOT_SILO_PORT=&lt;silo port&gt;</c> and the
/// per-silo figures, or exits 1 when no dashboard answered or no link calls were seen.
/// </summary>
internal static partial class HotSilo
{
    public static async Task<int> RunAsync(Options options)
    {
        var dashboards = options.Text("dashboards").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var sample = TimeSpan.FromSeconds(options.Number("sample", 3));
        var within = TimeSpan.FromSeconds(options.Number("within", 20));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // A dashboard answers 500 while the cluster still lists a silo that was killed (its
        // statistics are gathered from every silo): ask again until one answers.
        do
        {
            if (await FindAsync(http, dashboards, sample) is { } port)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"HOT_SILO_PORT={port}"));
                return 0;
            }

            await Task.Delay(1000);
        }
        while (watch.Elapsed < within);

        Program.Log($"no dashboard told where the link grains are busy within {within.TotalSeconds:F0} s");
        return 1;
    }

    private static async Task<int?> FindAsync(HttpClient http, string[] dashboards, TimeSpan sample)
    {
        foreach (var dashboard in dashboards)
        {
            var first = await ReadAsync(http, dashboard);
            if (first is null)
            {
                continue;
            }

            await Task.Delay(sample);
            var second = await ReadAsync(http, dashboard);
            if (second is null)
            {
                continue;
            }

            var delta = second.ToDictionary(kv => kv.Key, kv => kv.Value - first.GetValueOrDefault(kv.Key));
            var text = string.Join(", ", delta.OrderByDescending(kv => kv.Value).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}: {kv.Value:F0}")));
            Program.Log($"link grain calls per silo in {sample.TotalSeconds:F0} s (from {dashboard}): {text}");
            var hot = delta.OrderByDescending(kv => kv.Value).FirstOrDefault();
            if (hot.Key is null || hot.Value <= 0 || PortOf(hot.Key) is not { } port)
            {
                continue;
            }

            Console.WriteLine($"HOT_SILO_FIGURES={text}");
            return port;
        }

        return null;
    }

    /// <summary>Calls answered by link grains so far, per silo address; null when the dashboard did not answer.</summary>
    private static async Task<Dictionary<string, double>?> ReadAsync(HttpClient http, string dashboard)
    {
        try
        {
            var json = await http.GetStringAsync(dashboard.TrimEnd('/') + "/DashboardCounters");
            using var doc = JsonDocument.Parse(json);
            var calls = new Dictionary<string, double>(StringComparer.Ordinal);
            Walk(doc.RootElement, calls);
            return calls;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            Program.Log($"{dashboard}: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    // Every object naming a grain type and a silo address is one (silo, grain type) statistic;
    // the ones of link grains are summed per silo.
    private static void Walk(JsonElement e, Dictionary<string, double> calls)
    {
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                Walk(item, calls);
            }

            return;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        string? grainType = null, silo = null;
        double? total = null;
        foreach (var p in e.EnumerateObject())
        {
            if (p.Name.Equals("grainType", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
            {
                grainType = p.Value.GetString();
            }
            else if (p.Name.Equals("siloAddress", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
            {
                silo = p.Value.GetString();
            }
            else if (p.Name.Equals("totalCalls", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.Number)
            {
                total = p.Value.GetDouble();
            }
            else
            {
                Walk(p.Value, calls);
            }
        }

        if (grainType is not null && silo is not null && total is { } t && grainType.Contains("LinkGrain", StringComparison.Ordinal))
        {
            calls[silo] = calls.GetValueOrDefault(silo) + t;
        }
    }

    internal static int? PortOf(string siloAddress)
    {
        var m = PortPattern().Match(siloAddress);
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    // "S127.0.0.1:11111:123456789" or "127.0.0.1:11111@123456789": the port follows the address.
    [GeneratedRegex(@"\d+\.\d+\.\d+\.\d+:(\d+)")]
    private static partial Regex PortPattern();
}
