using System.Net;
using System.Net.Sockets;
using MagicLink.Api.Extensions;

namespace MagicLink.Silo.Extensions;

/// <summary>The silo's knobs, from MAGICLINK_* environment variables (see README).</summary>
public sealed class SiloSettings : IKnobs
{
    public const string DefaultClusterId = "magiclink";
    public const string DefaultServiceId = "magiclink";
    private const int MaxLinkWriters = 64;

    [ConfigurationKeyName("MAGICLINK_DB")]
    public string Database { get; set; } = "";

    [ConfigurationKeyName("MAGICLINK_SILO_PORT")]
    public int SiloPort { get; set; } = 11111;

    [ConfigurationKeyName("MAGICLINK_GATEWAY_PORT")]
    public int GatewayPort { get; set; } = 30000;

    [ConfigurationKeyName("MAGICLINK_DASHBOARD_PORT")]
    public int DashboardPort { get; set; } = 8081;

    /// <summary>An IP address, or "auto" for this host's first non-loopback IPv4 address; loopback when unset.</summary>
    [ConfigurationKeyName("MAGICLINK_ADVERTISED_IP")]
    public string? AdvertisedIp { get; set; }

    [ConfigurationKeyName("MAGICLINK_CLUSTER_ID")]
    public string ClusterId { get; set; } = "";

    [ConfigurationKeyName("MAGICLINK_SERVICE_ID")]
    public string ServiceId { get; set; } = "";

    [ConfigurationKeyName("MAGICLINK_SESSION_TTL")]
    public int SessionTtlSeconds { get; set; } = 3600;

    // Two, not more: every click's transaction notifies (schema 0014), and PostgreSQL lets one
    // notifying transaction commit at a time, holding a lock through its WAL flush. Further
    // transactions in flight mostly wait on that lock; fewer carry more clicks each. Measured on 2
    // cores, 1,000 links clicked at once, two rounds: 4 writers 0.31-0.34 ms CPU per click and
    // 4,829-5,309 clicks/s, 2 writers 0.29 ms and 5,348-5,502, 1 writer 0.25-0.26 ms and
    // 5,370-5,453 (a full bench/run.sh afterwards repeated the fewer commits, not the rate). The
    // second keeps one slow transaction from holding up every link of the silo.
    [ConfigurationKeyName("MAGICLINK_LINK_WRITERS")]
    public int LinkWriters { get; set; } = 2;

    [ConfigurationKeyName("MAGICLINK_DASHBOARD_EXPOSE")]
    public string? DashboardExpose { get; set; }

    [ConfigurationKeyName("MAGICLINK_DASHBOARD_USER")]
    public string? DashboardUser { get; set; }

    [ConfigurationKeyName("MAGICLINK_DASHBOARD_PASSWORD")]
    public string? DashboardPassword { get; set; }

    [ConfigurationKeyName("MAGICLINK_DATA_DIR")]
    public string DataDir { get; set; } = ".data";

    /// <summary>Base64 of the 32-byte key that seals images at rest; generated into the data dir when unset.</summary>
    [ConfigurationKeyName("MAGICLINK_UPLOAD_KEY")]
    public string? UploadKey { get; set; }

    [ConfigurationKeyName("MAGICLINK_SERVE_API")]
    public string? ServeApiSetting { get; set; }

    public IPAddress AdvertisedAddress { get; private set; } = IPAddress.Loopback;

    public TimeSpan SessionLifetime => TimeSpan.FromSeconds(SessionTtlSeconds);

    public DashboardExposure? ExposedDashboard =>
        Knobs.Flag(DashboardExpose) == true && DashboardUser is { Length: > 0 } user && DashboardPassword is { Length: > 0 } password
            ? new DashboardExposure(user, password)
            : null;

    public bool ServeApi => Knobs.Flag(ServeApiSetting) == true;

    public static SiloSettings From(IConfiguration config) => Knobs.Read<SiloSettings>(config);

    public void Complete()
    {
        DataDir = Path.GetFullPath(string.IsNullOrEmpty(DataDir) ? ".data" : DataDir);
        ClusterId = string.IsNullOrEmpty(ClusterId) ? DefaultClusterId : ClusterId;
        ServiceId = string.IsNullOrEmpty(ServiceId) ? DefaultServiceId : ServiceId;
        AdvertisedAddress = AdvertisedIp switch
        {
            null or "" => IPAddress.Loopback,
            "auto" => GuessAddress(),
            var ip => IPAddress.TryParse(ip, out var address) ? address : IPAddress.None,
        };
    }

    public IEnumerable<string> Problems()
    {
        if (Database.Length == 0)
        {
            yield return "MAGICLINK_DB is not set: give the silo a PostgreSQL connection string (run.sh does this for you).";
        }

        foreach (var (key, port) in new[] { ("MAGICLINK_SILO_PORT", SiloPort), ("MAGICLINK_GATEWAY_PORT", GatewayPort), ("MAGICLINK_DASHBOARD_PORT", DashboardPort) })
        {
            if (port is <= 0 or > 65535)
            {
                yield return $"{key}={port} is not a TCP port.";
            }
        }

        if (AdvertisedAddress.Equals(IPAddress.None))
        {
            yield return $"MAGICLINK_ADVERTISED_IP={AdvertisedIp} is neither an IP address nor 'auto'.";
        }

        if (SessionTtlSeconds is < 60 or > 2_592_000)
        {
            yield return $"MAGICLINK_SESSION_TTL={SessionTtlSeconds} must be whole seconds from 60 to 2592000.";
        }

        if (LinkWriters is < 1 or > MaxLinkWriters)
        {
            yield return $"MAGICLINK_LINK_WRITERS={LinkWriters} must be a whole number from 1 to {MaxLinkWriters}.";
        }

        switch (Knobs.Flag(DashboardExpose))
        {
            case null:
                yield return $"MAGICLINK_DASHBOARD_EXPOSE={DashboardExpose} must be true or false.";
                break;
            case true when ExposedDashboard is null:
                yield return "MAGICLINK_DASHBOARD_EXPOSE is on: set MAGICLINK_DASHBOARD_USER and MAGICLINK_DASHBOARD_PASSWORD too, an exposed Orleans Dashboard asks for credentials.";
                break;
        }

        if (Knobs.Flag(ServeApiSetting) is null)
        {
            yield return $"MAGICLINK_SERVE_API={ServeApiSetting} must be true or false.";
        }
    }

    // Silos on one machine talk over loopback (the default, so nothing listens beyond this host
    // unless asked); silos on many hosts need an address the others can reach: "auto" takes the
    // first non-loopback IPv4 address, as containers with addresses unknown in advance need.
    private static IPAddress GuessAddress()
    {
        var addresses = Dns.GetHostAddresses(Dns.GetHostName());
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}

/// <summary>The Orleans Dashboard on every interface, behind HTTP Basic with these credentials.</summary>
public sealed record DashboardExposure(string User, string Password)
{
    // Settings end up in logs and exception messages; the password must not.
    public override string ToString() => $"DashboardExposure {{ User = {User} }}";
}
