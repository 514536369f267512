using System.Net;
using System.Security.Cryptography;

namespace MagicLink.Api.Extensions;

/// <summary>The API's knobs, read from MAGICLINK_* environment variables (see README).</summary>
public sealed record ApiSettings(
    string Database,
    int HttpPort,
    Uri PublicUrl,
    string DataDir,
    string AdminToken,
    string ClusterId,
    string ServiceId,
    int RedeemRateLimit,
    int FlowRateLimit,
    int FlowSessionRateLimit,
    IReadOnlyList<IPNetwork> KnownProxies)
{
    public static ApiSettings From(IConfiguration config)
    {
        var port = HttpPortFrom(config);
        var dataDir = Path.GetFullPath(config["MAGICLINK_DATA_DIR"] is { Length: > 0 } dir ? dir : ".data");
        return new ApiSettings(
            Database: config["MAGICLINK_DB"] is { Length: > 0 } db
                ? db
                : throw new InvalidOperationException("MAGICLINK_DB is not set: give the API a PostgreSQL connection string (run.sh does this for you)."),
            HttpPort: port,
            PublicUrl: PublicUrlFrom(config),
            DataDir: dataDir,
            AdminToken: config["MAGICLINK_ADMIN_TOKEN"] is { Length: > 0 } token ? token : AdminTokenFile(dataDir),
            ClusterId: config["MAGICLINK_CLUSTER_ID"] is { Length: > 0 } cluster ? cluster : "magiclink",
            ServiceId: config["MAGICLINK_SERVICE_ID"] is { Length: > 0 } service ? service : "magiclink",
            RedeemRateLimit: PerMinute(config, "MAGICLINK_REDEEM_RATE_LIMIT", 60),
            FlowRateLimit: PerMinute(config, "MAGICLINK_FLOW_RATE_LIMIT", 600),
            FlowSessionRateLimit: PerMinute(config, "MAGICLINK_FLOW_SESSION_RATE_LIMIT", 60),
            KnownProxies: Networks(config, "MAGICLINK_KNOWN_PROXIES"));
    }

    /// <summary>The link or page URL the service hands out for a path such as <c>l/abc</c>.</summary>
    public string Url(string relativePath) => Url(PublicUrl, relativePath);

    public static string Url(Uri publicUrl, string relativePath) => new Uri(publicUrl, relativePath).ToString();

    /// <summary>MAGICLINK_PUBLIC_URL; silos read it too, for the URLs in webhooks.</summary>
    public static Uri PublicUrlFrom(IConfiguration config) =>
        new((config["MAGICLINK_PUBLIC_URL"] is { Length: > 0 } url ? url : $"http://localhost:{HttpPortFrom(config)}").TrimEnd('/') + "/");

    private static int HttpPortFrom(IConfiguration config) =>
        config["MAGICLINK_HTTP_PORT"] is { Length: > 0 } text
            ? int.TryParse(text, out var p) && p is >= 0 and < 65536 ? p : throw new InvalidOperationException($"MAGICLINK_HTTP_PORT={text} is not a TCP port.")
            : 8080;

    private static int PerMinute(IConfiguration config, string key, int fallback) =>
        config[key] is { Length: > 0 } text
            ? int.TryParse(text, out var perMinute) && perMinute >= 0 ? perMinute : throw new InvalidOperationException($"{key}={text} must be a whole number, 0 for no limit.")
            : fallback;

    // Addresses ("10.0.0.7") and networks ("10.0.0.0/8"), separated by commas or spaces.
    private static List<IPNetwork> Networks(IConfiguration config, string key) =>
        (config[key] ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => IPNetwork.TryParse(entry, out var network) ? network
                : IPAddress.TryParse(entry, out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8)
                : throw new InvalidOperationException($"{key}: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8."))
            .ToList();

    // Without MAGICLINK_ADMIN_TOKEN a token is generated once and kept beside the data, so a
    // restart keeps working with the token that was printed the first time.
    private static string AdminTokenFile(string dataDir)
    {
        var path = Path.Combine(dataDir, "admin-token");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(dataDir);
        var token = "mla_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        File.WriteAllText(path, token);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return token;
    }
}
