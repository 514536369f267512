using System.Net;
using System.Security.Cryptography;

namespace MagicLink.Api.Extensions;

/// <summary>The API's knobs, from MAGICLINK_* environment variables (see README).</summary>
public sealed class ApiSettings : IKnobs
{
    [ConfigurationKeyName("MAGICLINK_DB")]
    public string Database { get; set; } = "";

    [ConfigurationKeyName("MAGICLINK_HTTP_PORT")]
    public int HttpPort { get; set; } = 8080;

    [ConfigurationKeyName("MAGICLINK_PUBLIC_URL")]
    public string? PublicUrlSetting { get; set; }

    [ConfigurationKeyName("MAGICLINK_DATA_DIR")]
    public string DataDir { get; set; } = ".data";

    [ConfigurationKeyName("MAGICLINK_ADMIN_TOKEN")]
    public string AdminToken { get; set; } = "";

    [ConfigurationKeyName("MAGICLINK_CLUSTER_ID")]
    public string ClusterId { get; set; } = "";

    [ConfigurationKeyName("MAGICLINK_SERVICE_ID")]
    public string ServiceId { get; set; } = "";

    [ConfigurationKeyName("MAGICLINK_REDEEM_RATE_LIMIT")]
    public int RedeemRateLimit { get; set; } = 60;

    [ConfigurationKeyName("MAGICLINK_FLOW_RATE_LIMIT")]
    public int FlowRateLimit { get; set; } = 600;

    [ConfigurationKeyName("MAGICLINK_FLOW_SESSION_RATE_LIMIT")]
    public int FlowSessionRateLimit { get; set; } = 60;

    /// <summary>Addresses ("10.0.0.7") and networks ("10.0.0.0/8"), separated by commas or spaces.</summary>
    [ConfigurationKeyName("MAGICLINK_KNOWN_PROXIES")]
    public string? KnownProxiesSetting { get; set; }

    /// <summary>Where people reach the service; its links and pages are handed out under it.</summary>
    public Uri PublicUrl { get; private set; } = new("http://localhost:8080/");

    public IReadOnlyList<IPNetwork> KnownProxies => ProxyEntries().OfType<IPNetwork>().ToList();

    /// <summary>The link or page URL the service hands out for a path such as <c>l/abc</c>.</summary>
    public string Url(string relativePath) => Url(PublicUrl, relativePath);

    public static string Url(Uri publicUrl, string relativePath) => new Uri(publicUrl, relativePath).ToString();

    /// <summary>
    /// MAGICLINK_PUBLIC_URL, else the local HTTP port's URL; null when it is not an absolute URL.
    /// Silos read it too, for the URLs in webhooks.
    /// </summary>
    public static Uri? PublicUrlFrom(string? setting, int httpPort) =>
        Uri.TryCreate((string.IsNullOrEmpty(setting) ? $"http://localhost:{httpPort}" : setting).TrimEnd('/') + "/", UriKind.Absolute, out var uri)
            ? uri
            : null;

    public void Complete()
    {
        DataDir = Path.GetFullPath(string.IsNullOrEmpty(DataDir) ? ".data" : DataDir);
        ClusterId = string.IsNullOrEmpty(ClusterId) ? "magiclink" : ClusterId;
        ServiceId = string.IsNullOrEmpty(ServiceId) ? "magiclink" : ServiceId;
        PublicUrl = PublicUrlFrom(PublicUrlSetting, HttpPort) ?? PublicUrl;

        if (string.IsNullOrEmpty(AdminToken))
        {
            AdminToken = AdminTokenFile(DataDir);
        }
    }

    public IEnumerable<string> Problems()
    {
        if (Database.Length == 0)
        {
            yield return "MAGICLINK_DB is not set: give the API a PostgreSQL connection string (run.sh does this for you).";
        }

        if (HttpPort is < 0 or > 65535)
        {
            yield return $"MAGICLINK_HTTP_PORT={HttpPort} is not a TCP port.";
        }

        if (!string.IsNullOrEmpty(PublicUrlSetting)
            && (!Uri.TryCreate(PublicUrlSetting, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")))
        {
            yield return $"MAGICLINK_PUBLIC_URL={PublicUrlSetting} is not an absolute http(s) URL.";
        }

        foreach (var (key, value) in new[]
                 {
                     ("MAGICLINK_REDEEM_RATE_LIMIT", RedeemRateLimit), ("MAGICLINK_FLOW_RATE_LIMIT", FlowRateLimit),
                     ("MAGICLINK_FLOW_SESSION_RATE_LIMIT", FlowSessionRateLimit),
                 })
        {
            if (value < 0)
            {
                yield return $"{key}={value} must be a whole number, 0 for no limit.";
            }
        }

        foreach (var entry in ProxyEntries().OfType<string>())
        {
            yield return $"MAGICLINK_KNOWN_PROXIES: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8.";
        }
    }

    // Each entry as the network it names, or as the text that names none.
    private IEnumerable<object> ProxyEntries() =>
        (KnownProxiesSetting ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => IPNetwork.TryParse(entry, out var network) ? network
                : IPAddress.TryParse(entry, out var address) ? new IPNetwork(address, address.GetAddressBytes().Length * 8)
                : (object)entry);

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
