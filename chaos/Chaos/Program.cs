using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace MagicLink.Chaos;

/// <summary>
/// The client side of chaos/run.sh. Three commands, each run by the script:
/// <c>load</c> opens an account, makes 50 links and drives clicks (and some hosted flows with
/// reviews) for a while, recording every answer to a file; <c>hot-silo</c> tells which silo hosts
/// the hottest link (from the Orleans Dashboards); <c>reconcile</c> compares what the clients saw
/// with what the API and the database say, prints one line per check and exits 0 only when every
/// discrepancy count is 0.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: MagicLink.Chaos load      --api URL --admin TOKEN --out DIR [--seconds N] [--clients N] [--flow-clients N] [--timeout S]
               MagicLink.Chaos hot-silo  --dashboards URL,URL,... [--sample S]
               MagicLink.Chaos reconcile --api URL --db CONNECTION --in DIR [--settle S]
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        var options = Options.Parse(args.Skip(1));
        try
        {
            return args[0] switch
            {
                "load" => await Load.RunAsync(options),
                "hot-silo" => await HotSilo.RunAsync(options),
                "reconcile" => await Reconcile.RunAsync(options),
                _ => throw new ArgumentException($"unknown command '{args[0]}'"),
            };
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}\n{Usage}");
            return 2;
        }
    }

    internal static void Log(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[chaos {DateTime.UtcNow:HH:mm:ss.fff}] {message}"));

    internal static HttpClient NewHttp(Uri baseUrl, int connections) => new(new SocketsHttpHandler
    {
        // Every click must be a fresh one: no resume cookie, and the 303 is what is recorded.
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = connections,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        BaseAddress = baseUrl,
        // Each request carries its own deadline (a CancellationToken), so one lost answer is
        // recorded as lost instead of ending the run.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    internal static AuthenticationHeaderValue Basic(string key, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key + ":" + secret)));

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };
}

internal sealed class Options
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public static Options Parse(IEnumerable<string> args)
    {
        var options = new Options();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= list.Count)
            {
                throw new ArgumentException($"unexpected argument '{list[i]}'");
            }

            options.values[list[i][2..]] = list[++i];
        }

        return options;
    }

    public string Text(string name) =>
        values.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new ArgumentException($"--{name} is required");

    public int Number(string name, int fallback) =>
        !values.TryGetValue(name, out var v) ? fallback
        : int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new ArgumentException($"--{name} '{v}' is not a whole number");

    public Uri Url(string name) =>
        Uri.TryCreate(Text(name).TrimEnd('/') + "/", UriKind.Absolute, out var u) ? u : throw new ArgumentException($"--{name} is not a URL");
}

/// <summary>What the load wrote: the account, the links and every answer the clients saw.</summary>
public sealed record RunRecord(AccountRecord Account, List<LinkRecord> Links, List<ClickRecord> Clicks, List<FlowRecord> Flows, string Started, string Ended);

public sealed record AccountRecord(string Id, string ApiKey, string ApiSecret);

/// <param name="Kind">single, multi or unlimited.</param>
/// <param name="Limit">The usage limit (1 for single; null for unlimited).</param>
public sealed record LinkRecord(int Index, string Id, string Token, string Kind, int? Limit, string Flow);

/// <param name="Status">The HTTP status; 0 when the answer was lost (timeout, transport error).</param>
/// <param name="Location">The Location of a 303.</param>
/// <param name="Error">Why the answer was lost, or the start of an unexpected answer's body.</param>
public sealed record ClickRecord(int Link, int Status, string? Location, double Ms, string? Error, string At);

/// <summary>One hosted flow driven to its end: each step's status (0 = lost).</summary>
public sealed record FlowRecord(string Location, string? SessionId, List<string> Steps, string? Decision, int ReviewStatus);
